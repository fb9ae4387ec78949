"""The lecture window: controls, the two panels side by side, plots, a timeline, a caption."""
from __future__ import annotations

import time
import weakref

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QLabel, QMainWindow

from engine import runs, scenarios
from engine.data import CLASS_NAMES
from engine.session import Session
from engine.weights import WeightsError

from . import axis, style, wiring
from .interactions import InteractionsMixin
from .loading import ModelLoader
from .controls import PACINGS, PAUSE, PLAY, POINT_FIELDS, SPEEDS
from .lesson import LessonPresenter
from .worker import PACE_PREFIX, RunWorker, StreamTask, Successor, pace_note, reap, retire, share_cpu_with_gui

PLOT_INTERVAL_S = 0.1  # curves and strips repaint at 10 Hz (half a repaint's cost), canvases at display rate
SIDE_INTERVAL_S = 1 / 15  # the side views (order map, pixel distribution, eps, schedule): 15 Hz
EDIT_DELAY_MS = 300
NOTICE_MS = 15000
MIN_WINDOW = (1080, 630)  # >= the window's minimum size hint at the smallest look (tests/gui check it)
CAPTION_LINES = 3  # every scenario caption fits in three lines at 1280 pixels (tests/gui check it)
FORWARD_CAPTION, DEFAULT_CAPTION = scenarios.FORWARD_CAPTION, scenarios.FREE_PLAY_CAPTION


class MainWindow(InteractionsMixin, QMainWindow):
    def __init__(self, device: str = "auto", lecture: bool | None = False, remember: bool = True):
        """lecture=None: the look remembered from last time."""
        super().__init__()
        share_cpu_with_gui()
        style.configure_pyqtgraph()
        self._threads = weakref.WeakSet()  # every worker started, to check none is left running
        self.setWindowTitle("Pixels & Noise — how networks paint")
        self.remember = remember
        self.settings_store = QSettings("PixelsAndNoise", "PixelsAndNoise")
        self.worker: RunWorker | None = None
        self.task: StreamTask | None = None  # K continuations
        self.session = Session()  # what runs: scenario, each panel's mode and settings, the lanes (Qt-free)
        self.follow = True
        self._painted_version = -1
        self._target = None
        self.axis = axis.NFE
        self._plotted_at = self._side_at = 0.0
        self._stale = False
        self.guidance_view = False  # G: the side columns show cond / uncond / what guidance adds
        self.notices: list[str] = []  # notices shown (show_notice)
        self.setAttribute(Qt.WA_DeleteOnClose)  # a closed window is freed (its widgets hold lambdas that hold it)
        self.setAcceptDrops(True)  # drop a PNG/JPG on the window (interactions.open_image)
        self.successor = Successor()  # a worker that starts once the one it follows has ended
        wiring.build(self)
        self.error = QLabel("", objectName="error")  # the plain message (the banner shows it)
        self.lesson = LessonPresenter(self)
        # An edited control applies at once: the run restarts with the new value, after a short
        # pause so typing "100" or spinning a box restarts once, not at every key.
        self._edit_timer = QTimer(self, singleShot=True, interval=EDIT_DELAY_MS)
        self._edit_timer.timeout.connect(lambda: self.worker is not None and self.restart())
        wiring.connect(self)
        wiring.build_menus(self)
        if remember:
            self.controls.load_state(dict(self.settings_store.value("controls", {}) or {}))
        self.controls.device.setCurrentText(device) if device != "auto" else None
        self.loader = ModelLoader(self.controls, self.show_notice)
        self.loader.device()  # a device this machine lacks (asked for, or remembered): the CPU, with a notice
        if lecture is None:
            lecture = remember and str(self.settings_store.value("lecture", False)).lower() == "true"
        self.set_lecture_mode(lecture)
        self.panels["left"].reset(None, "autoregressive")
        self.panels["right"].reset(None, "diffusion")
        for p in self.panels.values():
            p.counter.setText("ready: press Space")
        self.timer = QTimer(self, interval=25)  # up to 40 Hz; paints only when a new frame arrived (latest-wins)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        # A fixed minimum (the smallest look's needs), not the current look's: fonts grow with the
        # window, so a minimum taken from a large look would stop the window from ever shrinking.
        self.setMinimumSize(*MIN_WINDOW)
        self.resize(1600, 1000)

    def apply_scenario(self, name: str, variant: int = 0, start: bool = True, paused: bool = False,
                       caption: str | None = None) -> bool:
        """Load a named scenario (and variant) into the session, show its settings in each panel's
        controls and its caption (or `caption`), then run (`paused`: ready at step 0)."""
        try:
            sc = scenarios.get(name)
            label = self.session.load_scenario(name, variant, self.models(sc.left.dataset).bank)
        except (ValueError, WeightsError) as e:
            self.show_error(str(e))
            return False
        self.controls.write(self.session.settings, self.session.modes)
        with self.controls.quietly():
            self.controls.speed.setCurrentText(sc.speed)
        self.set_guidance_view(sc.guidance_view)
        self.caption.setText(self.session.scenario_caption(label, caption))
        return self.restart(paused=paused) if start else True

    def next_variant(self):
        sc = self.session.scenario
        if sc is not None and sc.variants:
            self.apply_scenario(sc.name, self.session.variant + 1)

    def _on_user_edit(self, name: str):
        """An edit applies at once: a running (or finished) run restarts with the new value. A
        scenario keeps its caption unless the edit changes its point (a panel's mode, the dataset).
        With no run yet, the value is only checked: a fixed input clears its error at once."""
        if self.session.scenario is not None and name in POINT_FIELDS:
            self.end_scenario()
        if self.worker is not None:
            self._edit_timer.start()
        else:
            try:
                self.controls.read()
                self.show_error("")
            except ValueError as e:
                self.show_error(str(e))

    def end_scenario(self):
        self.session.end_scenario()
        self.caption.setText(DEFAULT_CAPTION)

    def set_lecture_mode(self, on: bool):
        self.lecture = on
        self._restyle()

    def _restyle(self):
        """The look for the lecture setting and the window's size (fonts shrink on a 1280x720 screen)."""
        on = self.lecture
        self.size_level = style.size_level(self.width(), self.height())
        self.setStyleSheet(style.stylesheet(on, self.size_level))
        self.caption.ensurePolished()  # at most CAPTION_LINES of its font (+ padding)
        self.caption.setMaximumHeight(CAPTION_LINES * self.caption.fontMetrics().lineSpacing() + 12)
        self.plots.set_lecture(on, self.size_level)
        for p in self.panels.values():
            p.set_lecture(on, self.size_level)
        for view in self.findChildren(pg.GraphicsView):  # image canvases (plots did theirs)
            view.setBackground(style.background(on))

    def toggle_fullscreen(self):
        self.showNormal() if self.isFullScreen() else self.fullscreen()

    def fullscreen(self):
        """Fullscreen on the window's screen, also with no window manager (wiring.cover_screen)."""
        self.showFullScreen()
        wiring.cover_screen(self)

    def show_status(self, msg: str, timeout_ms: int = 0):
        """A short message beside the timeline; it clears itself after timeout_ms (0: stays)."""
        self.status.setText(msg)
        self.status.setToolTip(msg)
        self._status_timer.stop()
        if timeout_ms:
            self._status_timer.start(timeout_ms)

    def escape(self):
        """Esc: leave the lesson (if one runs) and fullscreen."""
        self.lesson.leave() if self.lesson.active else None
        self.showNormal()

    def show_error(self, msg: str):
        """A clear message in the window (banner); '' clears it. The banner shows at most
        ERROR_CHARS characters and elides any word longer than ERROR_WORD (a pasted prompt), so
        it never widens the window; its tooltip and `self.error` keep the whole message."""
        self.error.setText(msg)
        self.banner.setText(f"⚠ {wiring.elide_message(msg)}" if msg else "")
        self.banner.setToolTip(msg)
        self.banner.setVisible(bool(msg))

    def show_notice(self, msg: str):
        """Something the lecturer should know that stops nothing (a device fallback, a broken
        classifier): beside the timeline for a while, and kept in `self.notices`."""
        self.notices.append(msg)
        self.show_status(f"note: {msg}", NOTICE_MS)

    def models(self, dataset: str):
        """The dataset's models (gui.loading: a missing device or a broken classifier is a notice)."""
        return self.loader(dataset)

    # -- runs ----------------------------------------------------------------------------
    def apply_settings(self, settings: runs.RunSettings, caption: str | None = None, left: str = "autoregressive",
                       right: str = "diffusion", start: bool = True):
        """Show a preset (both panels share `settings`): write it into the controls, set the caption,
        start the run."""
        self.session.use_preset(settings, left, right)
        self.controls.write(self.session.settings, self.session.modes)
        self.caption.setText(caption or DEFAULT_CAPTION)
        if start:
            self.restart()

    def restart(self, known=None, values=None, paused: bool = False) -> bool:
        """Stop any run and start a new one with the controls' settings (and the given pixels:
        `known`/`values`, or the drawing or sketch given before). False on bad input."""
        self._edit_timer.stop()  # the controls are read now: a pending edit is applied
        try:
            settings, modes = self.controls.read()
            settings, given = self.session.prepared(settings, known, values)
            models = self.models(settings["left"].dataset)
        except (ValueError, WeightsError) as e:
            self.show_error(str(e))
            return False
        self.stop_run()
        self.show_error("")
        with self.controls.quietly():
            self.controls.draw.setChecked(False)
        s = settings["left"]
        self._target = s.label
        self.plots.set_class_name(None if s.label is None else CLASS_NAMES[s.dataset][s.label])
        lanes = self.session.start(models, settings, modes, given)
        prompt = "" if s.label is None else f" — “{CLASS_NAMES[s.dataset][s.label]}”"
        for name, title in self.session.titles().items():
            self.panels[name].reset(title.upper() + prompt, modes[name])
        self.plots.set_lane_names(self.session.lane_labels(), self.session.forward_panels())
        self.axis = axis.axis_for_modes(modes.values())
        if self.caption.text() in (DEFAULT_CAPTION, FORWARD_CAPTION):  # never overwrite a preset's caption
            self.caption.setText(FORWARD_CAPTION if self.axis == axis.STEP else DEFAULT_CAPTION)
        self.plots.clear(ax=self.axis)
        self.timeline.blockSignals(True)
        self.timeline.setRange(0, 0)
        self.timeline.blockSignals(False)
        self.follow = True
        self.start_worker(lanes, paused=paused)
        return True

    def start_worker(self, lanes: list, paused: bool = False, after=None, prepare=None) -> None:
        """A worker racing `lanes` with the controls' pacing and speed; `after`: it starts once that
        (cancelled) worker has ended, after `prepare()` (a lane carried from one to the next)."""
        self._painted_version = -1
        self.worker = RunWorker(lanes, PACINGS[self.controls.pacing.currentText()],
                                SPEEDS[self.controls.speed.currentText()])
        self.worker.failed.connect(lambda lane, msg: self.show_error(f"{lane} panel: {msg}"))
        self.worker.all_finished.connect(lambda: self.controls.play.setText(PLAY))
        if paused:
            self.worker.pause()
        self._threads.add(self.worker)
        if after is None:
            self.worker.start()
        else:
            self.successor.start_after(after, prepare, self.worker)
        self.controls.play.setText(PAUSE if not paused else PLAY)

    def stop_run(self, keep_last: bool = False):
        """Stop the run without waiting for it (the GUI thread never waits on the engine): the
        worker is cancelled, ends after the network step under way and its results are dropped
        (`keep_last`: the step's frame is kept, for lanes a next worker carries on)."""
        self.cancel_continuations(quiet=True)  # they belong to the run that stops
        self.successor.clear()
        if self.worker is not None:
            self.worker.keep_last = keep_last
            retire(self.worker)
            self.worker = None

    def _tick(self):
        reap()
        self.successor.poll()  # a worker waiting for the one it follows
        self.paint()

    def toggle_play(self):
        w = self.worker
        if w is None or (w.isFinished() and self.session.is_finished()):
            self.restart()
        elif w.is_paused():
            w.resume()
            self.controls.play.setText(PAUSE)
        else:
            w.pause()
            self.controls.play.setText(PLAY)

    def step_once(self):
        if self.worker is None and not self.restart(paused=True):
            return
        self.follow = True
        self.worker.step_once()
        self.controls.play.setText(PLAY)

    def new_seed(self):
        """Another sample with the same settings (a scenario stays on, with the new seed)."""
        seed = int(np.random.default_rng().integers(0, 100000))
        with self.controls.quietly():
            self.controls.seed.setValue(seed)
        self.restart()

    def is_playing(self) -> bool:
        """A run is under way and not paused."""
        w = self.worker
        return (w is not None and not w.is_paused() and w.isRunning()
                and not self.session.is_finished())

    def is_finished(self) -> bool:
        return self.worker is not None and self.session.is_finished()

    # -- painting (GUI thread, from the timer) -------------------------------------------
    def _snapshot(self):
        with self.worker.lock:
            return self.worker.version, {n: (ln.frames[:], ln.metrics[:], ln.distances)
                                         for n, ln in self.session.lanes.items()}

    def paint(self, force: bool = False):
        if self.worker is None:
            return
        version, snap = self._snapshot()
        if version == self._painted_version and not force and not self._stale:
            return
        self._painted_version = version
        if self.session.continuations_due(snap["left"][0] if "left" in snap else []):  # a scenario's, once
            self.follow = True
            self.run_continuations()
        self._report_pace()
        ax = self.axis
        max_nfe = max((axis.position(fr[-1], ax) for fr, _, _ in snap.values() if fr), default=0)
        planned = [fr[-1].total_steps * axis.position(fr[-1], ax) / (fr[-1].step + 1) for fr, _, _ in snap.values() if fr]
        if planned:
            self.plots.set_planned_nfe(round(max(planned)))
        self.timeline.blockSignals(True)  # following the run is not a scrub
        self.timeline.setMaximum(max_nfe)
        if self.follow:
            self.timeline.setValue(max_nfe)
        self.timeline.blockSignals(False)
        now = time.perf_counter()
        plots_due = force or now - self._plotted_at >= PLOT_INTERVAL_S or self.session.is_finished()
        if plots_due:
            self._plotted_at = now
        side_due = plots_due or now - self._side_at >= SIDE_INTERVAL_S
        if side_due:
            self._side_at = now
        self._stale = not (plots_due and side_due)  # skipped views catch up on a later tick, even if paused
        self._show_at(self.timeline.value(), snap, plots=plots_due, side=side_due)

    def _report_pace(self):
        """Pacing tells the truth: when the machine cannot keep the asked speed, say what it reaches."""
        now = time.perf_counter()
        if now - getattr(self, "_paced_at", 0.0) < 0.5:
            return
        self._paced_at = now
        note = pace_note(SPEEDS[self.controls.speed.currentText()], self.worker.achieved_rate())
        if note or self.status.text().startswith(PACE_PREFIX):
            self.show_status(note)

    def _index_at(self, frames: list, pos: int) -> int:
        """The last frame at or before timeline position `pos` (a lane may lag or have finished)."""
        return max(0, int(np.searchsorted([axis.position(f, self.axis) for f in frames], pos, side="right")) - 1)

    def _show_at(self, nfe: int, snap, plots: bool = True, side: bool = True):
        """Paint the step at timeline position `nfe`: state and x0 always, the panels' side views
        when `side`, the plots when `plots`."""
        for name, (frames, mets, dist) in snap.items():
            if not frames:
                continue
            i = self._index_at(frames, nfe)
            self.panels[name].show_frame(frames, i, side=side)
            if plots:
                self.plots.update_lane(name, mets, dist, self._target, i, self.axis)
                self.plots.update_spectrum(name, mets, i)
                self.plots.update_strip(name, frames, i)
        self.plots.set_cursor(None if self.follow else nfe)
        self.timeline_label.setText(f"{axis.SHORT[self.axis]} {nfe}")

    def running_threads(self) -> list:
        return [t for t in list(self._threads) if t.isRunning()]

    def scrub(self, value: int):
        """Drag, click, wheel or keys on the timeline: show that step (the end: follow the run)."""
        self.follow = value >= self.timeline.maximum()
        if self.worker is not None:
            self._show_at(value, self._snapshot()[1])

    def current_frames(self) -> dict:
        """The frame on screen for each lane (the timeline position)."""
        out = {}
        if self.worker is None:
            return out
        _, snap = self._snapshot()
        for name, (frames, _, _) in snap.items():
            if frames:
                out[name] = frames[self._index_at(frames, self.timeline.value())]
        return out

    # -- lifecycle -------------------------------------------------------------------------
    def resizeEvent(self, ev):
        super().resizeEvent(ev)
        self.lesson.fit_overlay()
        if hasattr(self, "lecture") and style.size_level(self.width(), self.height()) != self.size_level:
            self._restyle()

    def closeEvent(self, ev):
        self.timer.stop()
        self._edit_timer.stop()
        self.stop_run()  # and any continuations, between their steps; nothing waits for them
        self.task = None  # a finished task's signals hold lambdas that hold the window: let both go
        if self.remember:
            self.settings_store.setValue("controls", self.controls.state_dict())
            self.settings_store.setValue("lecture", self.lecture)
        super().closeEvent(ev)

