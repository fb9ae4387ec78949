"""Painting a run: the two panels, the plots and the timeline at the step the timeline is on
(following the run as it grows, or scrubbed back). It holds the widgets it paints and what it last
painted, never the run: the window hands it a snapshot of the lanes' frames."""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QStyle

from . import axis

PLOT_INTERVAL_S = 0.1  # curves and strips repaint at 10 Hz (half a repaint's cost), canvases at display rate
SIDE_INTERVAL_S = 1 / 15  # the side views (order map, pixel distribution, eps, schedule): 15 Hz


class ClickToPoint(QObject):
    """A click on the timeline moves it to the point clicked (Qt's slider moves a page), and the
    handle follows the pointer from there (a drag)."""

    def eventFilter(self, slider, ev):
        if ev.type() == QEvent.MouseButtonPress and ev.button() == Qt.LeftButton and slider.maximum() > 0:
            slider.setValue(value_at(slider, ev.position().x()))  # the handle is under the pointer now: a drag
        return False


def value_at(slider, x: float) -> int:
    """The value of a horizontal slider at pixel `x` (its handle's centre there)."""
    handle = slider.style().pixelMetric(QStyle.PM_SliderLength, None, slider)
    span = max(1, slider.width() - handle)
    return QStyle.sliderValueFromPosition(slider.minimum(), slider.maximum(), int(x - handle / 2), span)


class RunDisplay:
    def __init__(self, panels: dict, plots, timeline, timeline_label):
        self.panels, self.plots, self.timeline, self.timeline_label = panels, plots, timeline, timeline_label
        self.forced_at = lambda lane, i: []  # the pixels forced by hand in frame i of a lane (the Session's)
        self._click = ClickToPoint(timeline)
        timeline.installEventFilter(self._click)
        self.follow = True  # the timeline follows the run's newest step (False: scrubbed back)
        self.axis = axis.NFE  # what the timeline and the plots' x axis count
        self.target = None  # the prompt's class (the plots follow its probability)
        self.painted_version = -1
        self.stale = False  # a view skipped at the last paint: repaint even if nothing new came
        self._plotted_at = self._side_at = 0.0

    def new_run(
        self, titles: dict, modes: dict, labels: dict, forward: dict, ax: str, target, class_name: str | None
    ) -> None:
        """A new run: each panel's title and mode, the plots' legend (`labels`, `forward`: panels
        showing a real image) and prompt (`target`, `class_name`), the axis; the timeline back to
        0, following the run."""
        for name, title in titles.items():
            self.panels[name].reset(title, modes[name])
        self.plots.set_class_name(class_name)
        self.plots.set_lane_names(labels, forward)
        self.axis, self.target, self.follow, self.painted_version = ax, target, True, -1
        self.plots.clear(ax=ax)
        self.timeline.blockSignals(True)
        self.timeline.setRange(0, 0)
        self.timeline.blockSignals(False)

    def blank(self, counter: str, modes: dict | None = None) -> None:
        """No run on screen (ready, or drawing): empty panels and plots, `counter` in each panel."""
        for name, panel in self.panels.items():
            panel.reset(None, (modes or {}).get(name))
        self.plots.clear()
        for p in self.panels.values():
            p.counter.setText(counter)

    def is_due(self, version: int, force: bool = False) -> bool:
        """Something new to paint (a new frame, a skipped view, or forced)."""
        return force or self.stale or version != self.painted_version

    def paint(self, version: int, snap: dict, finished: bool, force: bool = False) -> None:
        """Paint `snap` ({lane: (frames, metrics, distances)}) at the timeline's step: canvases every
        time, side views at SIDE_INTERVAL_S, plots at PLOT_INTERVAL_S (and when the run ends)."""
        self.painted_version = version
        ax = self.axis
        max_pos = max((axis.position(fr[-1], ax) for fr, _, _ in snap.values() if fr), default=0)
        planned = [
            fr[-1].total_steps * axis.position(fr[-1], ax) / (fr[-1].step + 1) for fr, _, _ in snap.values() if fr
        ]
        if planned:
            self.plots.set_planned_nfe(round(max(planned)))
        self.timeline.blockSignals(True)  # following the run is not a scrub
        self.timeline.setMaximum(max_pos)
        if self.follow:
            self.timeline.setValue(max_pos)
        self.timeline.blockSignals(False)
        now = time.perf_counter()
        plots_due = force or now - self._plotted_at >= PLOT_INTERVAL_S or finished
        if plots_due:
            self._plotted_at = now
        side_due = plots_due or now - self._side_at >= SIDE_INTERVAL_S
        if side_due:
            self._side_at = now
        self.stale = not (plots_due and side_due)  # skipped views catch up on a later tick, even if paused
        self.show_at(self.timeline.value(), snap, plots=plots_due, side=side_due)

    def index_at(self, frames: list, pos: int) -> int:
        """The last frame at or before timeline position `pos` (a lane may lag or have finished)."""
        return max(0, int(np.searchsorted([axis.position(f, self.axis) for f in frames], pos, side="right")) - 1)

    def show_at(self, pos: int, snap: dict, plots: bool = True, side: bool = True) -> None:
        """Paint the step at timeline position `pos`: state and x0 always, the panels' side views
        when `side`, the plots when `plots`."""
        shown = 0  # the NFE (or step) of the frames on screen: what the panels' headers say
        for name, (frames, mets, dist) in snap.items():
            if not frames:
                continue
            i = self.index_at(frames, pos)
            shown = max(shown, axis.position(frames[i], self.axis))
            self.panels[name].show_frame(frames, i, side=side)
            self.panels[name].state.set_marks(self.forced_at(name, i))
            if plots:
                self.plots.update_lane(name, mets, dist, self.target, i, self.axis)
                self.plots.update_spectrum(name, mets, i)
                self.plots.update_strip(name, frames, i)
        self.plots.set_cursor(None if self.follow else pos)
        self.timeline_label.setText(f"{axis.SHORT[self.axis]} {shown}")

    def scrub(self, value: int, snap: dict | None) -> None:
        """Show the step at `value` (the end: follow the run again)."""
        self.follow = value >= self.timeline.maximum()
        if snap is not None:
            self.show_at(value, snap)

    def next_position(self, snap: dict) -> int | None:
        """The timeline position of the next recorded frame after the one on screen (None: at the end)."""
        pos = self.timeline.value()
        later = [axis.position(f, self.axis) for frames, _, _ in snap.values() for f in frames]
        later = [p for p in later if p > pos]
        return min(later) if later else None

    def frames_on_screen(self, snap: dict) -> dict:
        """The frame on screen for each lane (the timeline position)."""
        return {
            name: frames[self.index_at(frames, self.timeline.value())]
            for name, (frames, _, _) in snap.items()
            if frames
        }
