"""The plots under the panels: measurements of x0 at every step, both methods on one x-axis
(network evaluations), a cursor at the step on screen, and strips of x0 thumbnails.

Axes stay still while a run plays: x spans the run's planned NFE from the start and y only ever
grows (to a round number). Still axes are easier to read from the back of a hall, and they are
cheap: pyqtgraph redraws an axis only when its range changes."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from engine.maths.pixels import SIDE
from engine.runtime.modes import MODES, shows_real_image
from engine.runtime.session import DEFAULT_MODES

from . import axis, style
from .canvas import ImageCanvas

PLOTS = {
    "distance": (
        "distance to final",
        "RMS difference between x0 now and the image the run ends "
        "with (known only when the run ends). Falls to 0 at the end: how early each method commits.",
    ),
    "sharpness": (
        "sharpness of x0",
        "Mean edge strength of x0. Low = blurry average of many possible images, high = crisp strokes of one image.",
    ),
    "detail": (
        "fine detail of x0",
        "Share of x0's power in the finer half of its spatial frequencies: near 0 "
        "for a blurry mean, rising as detail appears. Diffusion settles the coarse shape first and the fine "
        "detail last; autoregression fills in space, not frequency.",
    ),
    "uncertainty": (
        "uncertainty (AR)",
        "Average per-pixel standard deviation of the autoregressive prediction: how much is still undecided.",
    ),
    "prob": (
        "p(class | x0)",
        "What a separately trained classifier sees in x0: probability of the "
        "requested class (or of its top class when there is no prompt).",
    ),
    "pixels_fixed": (
        "pixels fixed a step",
        "How many pixels each autoregressive step fixed: where the run spends its network evaluations. "
        "A planned run fixes a few while everything is uncertain and many at the end; k pixels a step "
        "is a flat line at k. Diffusion fixes no pixels (no curve).",
    ),
    "spectrum": (
        "x0 by frequency",
        "Power of x0 at the step on screen in six rings of spatial "
        "frequency, coarse (left) to fine (right), relative to real images (dashed line = 1). A blurry "
        "mean sits far below the line at the fine end. Diffusion lifts the whole curve, coarse first and "
        "fine last; autoregression's fixed pixels are already as fine as real ones.",
    ),
}
ALONG_THE_RUN = [k for k in PLOTS if k != "spectrum"]  # x = network evaluations; the spectrum's x is frequency
# Forward processes (a real image erased or noised) are measured on the image itself.
FORWARD_TITLES = {
    "distance": "distance to real",
    "sharpness": "sharpness of image",
    "detail": "fine detail of image",
    "spectrum": "image by frequency",
    "uncertainty": "uncertainty",
    "prob": "p(class | image)",
    "pixels_fixed": "pixels fixed a step",
}  # short: six fit 1280 px
STRIP = 8  # thumbnails per strip
MIN_PLOT_W, MIN_PLOT_H = 180, 120  # a plot keeps its title, axes and a readable curve on a 1280x720 screen
MIN_SPECTRUM_W = 130  # six points: narrower than a curve along the run, still readable
MIN_STRIP_H = 40
_Y0 = {"distance": 0.5, "sharpness": 0.2, "detail": 0.05, "uncertainty": 0.2, "prob": 1.0, "pixels_fixed": 10.0}
# the plots of free play and of normal mode (a scenario's own plots join them: same-budget's pixels fixed)
ALL = ("distance", "sharpness", "detail", "uncertainty", "prob", "spectrum")
MIN_DATA = (120, 80)  # every shown plot's data area at 1280x720 (the lecture layout's rule, ARCHITECTURE.md)
FOCUS_STRIP_SHARE = 0.3  # the lecture layout: the x0 strips stacked in a column, this share of the width
SPECTRUM_RANGE = (-2.0, 1.0)  # log10 of power / real images' power: 1 % .. 10x, fixed (a still axis)


def _nice_ceil(v: float) -> float:
    """1, 2, 2.5 or 5 times a power of ten, at least v."""
    if not math.isfinite(v) or v <= 0:
        return 1.0
    p = 10 ** math.floor(math.log10(v))
    return next(m * p for m in (1, 2, 2.5, 5, 10) if m * p >= v)


class PlotsRow(QWidget):
    def __init__(self, lane_colors: dict, parent=None):
        super().__init__(parent)
        outer = QHBoxLayout(self)  # [plots over strips] | the strips' column in the lecture layout
        outer.setContentsMargins(0, 0, 0, 0)
        self.main = QVBoxLayout()
        outer.addLayout(self.main, 1)
        self.side = QVBoxLayout()  # the lecture layout: the two x0 strips stacked beside the plots
        outer.addLayout(self.side, 0)
        self.outer = outer
        row = QHBoxLayout()
        self.row = row
        self.main.addLayout(row, 3)
        self.curves, self.cursors, self.widgets = {}, [], {}
        self.colors = dict(lane_colors)
        self.ymax: dict[str, float] = {}
        self._painted: dict = {}
        for key, (title, tip) in PLOTS.items():
            w = pg.PlotWidget()
            w.setToolTip(tip)
            w.setLabel("bottom", "network evaluations")
            w.showGrid(x=False, y=False)  # a grid makes every curve update repaint both axes
            w.setMouseEnabled(False, False)
            w.hideButtons()
            w.getPlotItem().setMenuEnabled(False)
            w._pn_title = title
            w.setMinimumSize(MIN_PLOT_W, MIN_PLOT_H)
            self.widgets[key] = w
            for lane, color in lane_colors.items():
                self.curves[(key, lane)] = w.plot([], [], pen=pg.mkPen(color, width=3))
            row.addWidget(w)
            if key == "spectrum":
                w.setMinimumWidth(MIN_SPECTRUM_W)
                self._setup_spectrum(w)
                continue
            cur = pg.InfiniteLine(angle=90, pen=pg.mkPen((255, 255, 255, 140), width=2))
            w.addItem(cur)
            self.cursors.append(cur)
        self.pending = pg.TextItem("at the end", color="#8c96a8", anchor=(0.5, 0.5))
        self.widgets["distance"].addItem(self.pending)
        # diffusion and the forward processes predict no per-pixel spread: say so instead of an empty plot
        self.no_spread = pg.TextItem("", color="#8c96a8", anchor=(0.5, 0.5))
        self.widgets["uncertainty"].addItem(self.no_spread)
        strips = QHBoxLayout()
        self.strips_row = strips
        self.strips = {}
        for lane in lane_colors:
            c = ImageCanvas("")
            c.vb.setRange(xRange=(0, SIDE * STRIP), yRange=(0, SIDE), padding=0.01)
            c.view.setMinimumHeight(MIN_STRIP_H)
            self.strips[lane] = c
            strips.addWidget(c)
        self.main.addLayout(strips, 1)
        self.shown: tuple = ()
        self.focus = False
        self.arrange(ALL)
        self.set_lane_names({n: MODES[m].title for n, m in DEFAULT_MODES.items()})
        self.set_lecture(False)
        self.clear()

    def arrange(self, shown: tuple, focus: bool = False) -> None:
        """Show the plots `shown`, in that order. `focus` (the lecture layout: a scenario's one or two
        plots): they share the row's whole width and height, the x0 strips stacked in a column beside
        them instead of under them (a 720-pixel screen has no height to spare for a strip row)."""
        shown = tuple(k for k in shown if k in self.widgets) or ALL
        if (shown, focus) == (self.shown, self.focus):
            return
        self.shown, self.focus = shown, focus
        for key in list(shown) + [k for k in self.widgets if k not in shown]:
            w = self.widgets[key]
            self.row.removeWidget(w)
            self.row.addWidget(w, 1)
            w.setVisible(key in shown)
        target = self.side if focus else self.strips_row
        for c in self.strips.values():
            target.addWidget(c, 1)
            c.title.setWordWrap(focus)  # the strip column is narrow: two lines, never cut
        self.outer.setStretch(0, round(10 * (1 - FOCUS_STRIP_SHARE)) if focus else 1)
        self.outer.setStretch(1, round(10 * FOCUS_STRIP_SHARE) if focus else 0)

    def set_lane_names(self, names: dict, forward: dict | None = None) -> None:
        """Name each lane by what it runs, e.g. 'diffusion, DDIM 1 step'. The strip titles, in the
        lane's colour, are also the plots' legend (one row less on a 720-pixel screen)."""
        self.lane_names = dict(names)
        for lane, name in names.items():
            what = "the image" if (forward or {}).get(lane) else "x0"
            t = self.strips[lane].title
            t.setText(f"━━ {name}: {what} along the run")
            t.setStyleSheet(f"color: rgb{tuple(self.colors[lane])}; font-weight: bold;")
            t.setToolTip("The plots' legend: this colour is this panel. Both on one axis: network evaluations.")

    def set_lecture(self, lecture: bool, level: int | None = None):
        self.lecture = lecture
        self.level = getattr(self, "level", 2) if level is None else level
        for w in self.widgets.values():
            style.style_plot(w, lecture, level=self.level)
        for (_, lane), curve in self.curves.items():
            curve.setPen(pg.mkPen(self.colors[lane], width=style.line_width(lecture)))
        font = self.pending.textItem.font()
        font.setPixelSize(style.plot_font_px(lecture, self.level) + 2)
        self.pending.setFont(font)
        self.no_spread.setFont(font)

    def clear(self, planned_nfe: int = 100, ax: str = axis.NFE):
        self.axis = ax
        for key, w in self.widgets.items():
            if key in ALONG_THE_RUN:
                w.getPlotItem().getAxis("bottom").setLabel(axis.LABEL[ax])
            style.set_plot_title(w, self.lecture, FORWARD_TITLES[key] if ax == axis.STEP else PLOTS[key][0], self.level)
        self.set_class_name(getattr(self, "_class_name", None))
        for c in self.curves.values():
            c.setData([], [])
        for s in self.strips.values():
            s.set_image(np.zeros((SIDE, SIDE * STRIP), np.float32))
        self._painted.clear()
        self.planned = 0  # the first frames set the real span (a one-shot run has 1 or 2)
        for key in ALONG_THE_RUN:
            self.widgets[key].setXRange(0, planned_nfe, padding=0.02)
        for key in ALONG_THE_RUN:
            w = self.widgets[key]
            self.ymax[key] = _Y0[key]
            w.setYRange(0, _Y0[key], padding=0.02)
        self.pending.setPos(planned_nfe / 2, _Y0["distance"] / 2)  # mid-axis until the run sets its span
        self.pending.show()
        self.no_spread.setText(
            "no network: nothing\npredicted" if ax == axis.STEP else "only autoregression\npredicts a spread"
        )
        self.no_spread.setPos(planned_nfe / 2, _Y0["uncertainty"] / 2)
        self.no_spread.hide()  # shown once every lane is measured and none brought a spread
        self._spread = set()

    def set_planned_nfe(self, nfe: int):
        """Fix the x-axis to the run's planned network evaluations (grows only)."""
        nfe = max(1, int(nfe))
        if nfe <= self.planned:
            return
        self.planned = nfe
        for key in ALONG_THE_RUN:
            self.widgets[key].setXRange(0, nfe, padding=0.02)
        self.pending.setPos(nfe / 2, self.ymax.get("distance", _Y0["distance"]) / 2)
        self.no_spread.setPos(nfe / 2, self.ymax.get("uncertainty", _Y0["uncertainty"]) / 2)

    def set_class_name(self, name: str | None) -> None:
        """Name the class the probability plot follows: the prompt's, or the top class."""
        self._class_name = name
        w = self.widgets["prob"]
        cls = f"“{name}”" if name else "top class"
        style.set_plot_title(
            w, self.lecture, f"p({cls} | image)" if self.axis == axis.STEP else f"p({cls} | x0)", self.level
        )  # a classifier's (tooltip)

    def _grow_y(self, key: str, values) -> None:
        v = np.asarray(values, np.float64)
        v = v[np.isfinite(v)]
        if v.size and v.max() > self.ymax[key]:
            self.ymax[key] = _nice_ceil(float(v.max()) * 1.05)
            self.widgets[key].setYRange(0, self.ymax[key], padding=0.02)

    def update_lane(self, lane: str, metrics: list, distances, target: int | None, upto: int, ax: str = axis.NFE):
        """Redraw one lane's curves from its metrics (all steps so far), only if something changed."""
        stamp = (len(metrics), distances is not None, target, ax)
        if not metrics or self._painted.get(lane) == stamp:
            return
        self._painted[lane] = stamp
        nfe = np.array([axis.metric_position(m, ax) for m in metrics], np.float32)
        self.set_planned_nfe(int(nfe[-1]))
        sharp = [m["sharpness"] for m in metrics]
        self._grow_y("sharpness", sharp)
        self._set("sharpness", lane, nfe, sharp)
        if "detail" in metrics[0]:
            detail = [m["detail"] for m in metrics]
            self._grow_y("detail", detail)
            self._set("detail", lane, nfe, detail)
        unc = np.array([m["uncertainty"] for m in metrics], np.float32)
        ok = np.isfinite(unc)
        if ok.any():
            self._grow_y("uncertainty", unc[ok])
            self._set("uncertainty", lane, nfe[ok], unc[ok])
            self._spread.add(lane)
        fixed = np.array([m.get("pixels_fixed", np.nan) for m in metrics], np.float32)
        ok = np.isfinite(fixed)  # autoregression only: diffusion fixes no pixels
        if ok.any():
            self._grow_y("pixels_fixed", fixed[ok])
            self._set("pixels_fixed", lane, nfe[ok], fixed[ok])
        measured = all(ln in self._painted for ln in self.colors)  # update_lane's stamps, cleared with the plots
        self.no_spread.setVisible(measured and not self._spread)
        if "probs" in metrics[0]:
            probs = np.array([m["probs"] for m in metrics])
            col = target if target is not None else int(probs[-1].argmax())
            self._set("prob", lane, nfe, probs[:, col])
        if distances is not None:
            self._grow_y("distance", distances)
            self._set("distance", lane, nfe[: len(distances)], distances)
            self.pending.hide()
        else:
            self.curves[("distance", lane)].setData([], [])

    def _setup_spectrum(self, w) -> None:
        """x: the six frequency rings (coarse .. fine), y: log power relative to real images, fixed."""
        w.setLogMode(x=False, y=True)
        w.setXRange(0.5, 6.5, padding=0)
        w.setYRange(*SPECTRUM_RANGE, padding=0)
        w.getPlotItem().getAxis("bottom").setTicks([[(b, "") for b in range(1, 7)]])
        w.getPlotItem().getAxis("left").setTicks([[(-2, "1%"), (-1, "10%"), (0, "real"), (1, "10×")]])
        w.setLabel("bottom", "frequency: coarse → fine")
        real = pg.InfiniteLine(pos=0, angle=0, pen=pg.mkPen((200, 200, 200, 170), width=2, style=Qt.DashLine))
        w.addItem(real)

    def update_spectrum(self, lane: str, metrics: list, i: int) -> None:
        """x0's power by frequency at step `i` on screen (relative to real images)."""
        if not metrics or "spectrum_vs_real" not in metrics[0]:
            return
        i = min(i, len(metrics) - 1)
        key = ("spectrum", lane)
        if self._painted.get(key) == (i, len(metrics)):
            return
        self._painted[key] = (i, len(metrics))
        y = np.clip(np.asarray(metrics[i]["spectrum_vs_real"], np.float64), 10 ** SPECTRUM_RANGE[0], None)
        self.curves[key].setData(
            np.arange(1, len(y) + 1), y, symbol="o", symbolSize=8, symbolBrush=self.colors[lane], symbolPen=None
        )

    def _set(self, key: str, lane: str, x, y) -> None:
        """A curve; with dots while it has too few points to show as a line (one-shot runs)."""
        few = len(x) <= 3
        self.curves[(key, lane)].setData(
            x, y, symbol="o" if few else None, symbolSize=12, symbolBrush=self.colors[lane], symbolPen=None
        )

    def update_strip(self, lane: str, frames: list, upto: int):
        if not frames:
            return
        idx = np.linspace(0, upto, STRIP).round().astype(int)
        key = ("strip", lane)
        if self._painted.get(key) == tuple(idx):
            return
        self._painted[key] = tuple(idx)
        forward = shows_real_image(frames[0].method)  # its x0 is the real image: show the image itself
        self.strips[lane].set_image(
            np.concatenate([(frames[i].state if forward else frames[i].x0_mean)[0] for i in idx], axis=1)
        )

    def set_cursor(self, nfe: float | None):
        """The step on screen; None hides it (while following a run it would only sit at the end
        of the curves, and moving it repaints every plot and its axes)."""
        if nfe == getattr(self, "_cursor", "unset"):
            return
        self._cursor = nfe
        for c in self.cursors:
            c.setVisible(nfe is not None)
            if nfe is not None:
                c.setValue(nfe)
