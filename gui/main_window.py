"""The lecture window: controls, the two panels side by side, plots, a timeline, a caption."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtWidgets import QMainWindow

from engine.networks.data import CLASS_NAMES
from engine.networks.weights import WeightsError
from engine.runtime import runs, scenarios
from engine.runtime.modes import MODES, free_play_caption
from engine.runtime.session import DEFAULT_MODES, Session

from . import axis, memory, remembered, style, wiring
from .continuations_runner import ContinuationsRunner
from .controls import PAUSE, PLAY, POINT_FIELDS
from .display import RunDisplay
from .export_task import ExportRunner
from .lesson import LessonPresenter
from .loading import ModelLoader
from .ranges import TYPING_DELAY_MS
from .run_actions import RunActions
from .run_threads import RunThreads
from .worker import share_cpu_with_gui

EDIT_DELAY_MS = (
    TYPING_DELAY_MS  # an edit restarts the run this long after it (a typed number applies as long after its last key)
)
MIN_WINDOW = (1100, 650)  # >= the window's minimum size hint at the smallest look (tests/gui check it); 1100: combo
# boxes never cut the entry they show (gui.layout.fit_combo); 650: the autoregressive panel's settings take two rows
# since planned steps joined them (every SIZES of tests/gui/test_fit.py fits)
FIRST_SIZE = QSize(1600, 1000)  # a new window's size, bounded by its screen (first_size)
CAPTION_LINES = 3  # every scenario caption fits in three lines at 1280 pixels (tests/gui check it)
FORWARD_CAPTION, DEFAULT_CAPTION = scenarios.FORWARD_CAPTION, scenarios.FREE_PLAY_CAPTION


class MainWindow(RunActions, QMainWindow):
    """Holds the run (the Session, the worker racing its lanes) and turns the lecturer's actions
    into runs; gui.wiring builds and connects the widgets, RunDisplay paints the frames,
    ContinuationsRunner runs K continuations."""

    def __init__(self, device: str = "auto", lecture: bool | None = False, remember: bool = True):
        """lecture=None: the look remembered from last time."""
        super().__init__()
        share_cpu_with_gui()
        style.configure_pyqtgraph()
        self.setWindowTitle("Pixels & Noise — how networks paint")
        self.remember = remember
        self.threads = RunThreads()  # the run's worker, and every thread started
        self.session = Session()  # what runs: scenario, each panel's mode and settings, the lanes (Qt-free)
        self.guidance_view = False  # G: the side columns show cond / uncond / what guidance adds
        self.setAttribute(Qt.WA_DeleteOnClose)  # a closed window is freed (its widgets hold lambdas that hold it)
        wiring.build(self)  # the controls show the Session (free play's start: the engine's)
        self.display = RunDisplay(self.panels, self.plots, self.timeline, self.timeline_label)
        self.display.forced_at = self.session.forced_at
        self.continuations = ContinuationsRunner(
            self.panels, self.controls.cont, self.show_status, self.show_error, self.threads.started
        )
        self.lesson = LessonPresenter(self)
        self.exports = ExportRunner(self, self.show_status, self.exported, self.show_error, self.threads.started)
        # An edited control applies at once: the run restarts with the new value, after a short
        # pause so typing "100" or spinning a box restarts once, not at every key.
        self._edit_timer = QTimer(self, singleShot=True, interval=EDIT_DELAY_MS)
        self._edit_timer.timeout.connect(lambda: self.worker is not None and self.restart())
        wiring.connect(self)
        # an edit that changed more than what was edited (the prompt's class name with the dataset): said
        self.session.subscribe(lambda what: what == "notice" and self.show_notice(self.session.notice))
        wiring.build_menus(self)
        self.drops = wiring.DroppedImages(self)  # a PNG/JPG dropped on the window opens (open_image)
        self.settings_store = None
        look, notes = remembered.load(self) if remember else (False, [])
        self._say_dropped(notes)
        lecture = look if lecture is None else lecture
        self.controls.device.setCurrentText(device) if device != "auto" else None
        self.loader = ModelLoader(self.controls, self.show_notice)
        self.loader.device()  # a device this machine lacks (asked for, or remembered): the CPU, with a notice
        self.set_lecture_mode(lecture)
        self.display.blank("ready: press Space", self.session.modes)
        self.timer = QTimer(self, interval=25)  # up to 40 Hz; paints only when a new frame arrived (latest-wins)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        # A fixed minimum (the smallest look's needs), not the current look's: fonts grow with the
        # window, so a minimum taken from a large look would stop the window from ever shrinking.
        self.setMinimumSize(*MIN_WINDOW)
        self.resize(self.first_size())

    def first_size(self) -> QSize:
        """FIRST_SIZE, or less on a smaller screen: on a 1280×720 projector PC with no window manager
        nothing shrinks a window larger than its screen, and its right and bottom edges are cut off."""
        scr = self.screen()
        return FIRST_SIZE if scr is None else FIRST_SIZE.boundedTo(scr.availableGeometry().size())

    def apply_scenario(
        self, name: str, variant: int = 0, start: bool = True, paused: bool = False, caption: str | None = None
    ) -> bool:
        """Load a named scenario (and variant) into the session, show its settings in each panel's
        controls and its caption (or `caption`), then run (`paused`: ready at step 0)."""
        try:
            sc = scenarios.get(name)
            label = self.session.load_scenario(name, variant, self.models(self.session.settings["left"].dataset).bank)
        except (ValueError, WeightsError) as e:
            self.show_error(str(e))
            return False
        self.set_guidance_view(sc.guidance_view)
        self.caption.setText(self.session.scenario_caption(label, caption, self.lesson.next_key))
        return self.restart(paused=paused) if start else True

    def next_variant(self):
        sc = self.session.scenario
        if sc is not None and sc.variants:
            self.apply_scenario(sc.name, self.session.variant + 1)

    def _on_user_edit(self, name: str):
        """An edit applies at once: a running (or finished) run restarts with the new value. A
        scenario keeps its caption unless the edit changes its point (a panel's mode); a new dataset
        re-applies the scenario there (its settings and caption for that dataset).
        With no run yet, the value is only checked: a fixed input clears its error at once."""
        if self.session.scenario is not None and name == "dataset":  # the same point, on the other dataset
            self.apply_scenario(self.session.scenario.name, self.session.variant)
            return
        if self.session.scenario is not None and name in POINT_FIELDS:
            self.end_scenario()
        if self.worker is not None:  # a typed number waited its delay already: the restart comes at once
            self._edit_timer.setInterval(0 if self.controls.typed else EDIT_DELAY_MS)
            self._edit_timer.start()
        else:
            self.show_error(self.controls.first_invalid() or "")

    def end_scenario(self):
        self.session.end_scenario()
        self.caption.setText(self.free_caption())

    def free_caption(self) -> str:
        """Free play's caption for what the panels show now (one-shot on the left says so)."""
        return free_play_caption(self.session.modes["left"], self.session.modes["right"])

    def shows_free_caption(self) -> bool:
        """The caption is free play's (for some pair of modes), not a scenario's or a preset's."""
        text = self.caption.text()
        return text in (DEFAULT_CAPTION, FORWARD_CAPTION) or text in {
            free_play_caption(a, b) for a in MODES for b in MODES
        }

    def set_lecture_mode(self, on: bool):
        self.lecture = on
        self._restyle()

    def _restyle(self):
        wiring.restyle(self, CAPTION_LINES)

    def toggle_fullscreen(self):
        self.showNormal() if self.isFullScreen() else self.fullscreen()

    def fullscreen(self):
        """Fullscreen on the window's screen, also with no window manager (wiring.cover_screen)."""
        self.showFullScreen()
        wiring.cover_screen(self)

    def show_status(self, msg: str, timeout_ms: int = 0):
        self.messages.show_status(msg, timeout_ms)  # beside the timeline; clears itself (0: stays)

    def escape(self):
        """Esc: cancel an export under way (only that); else leave the lesson (if one runs) and fullscreen."""
        if self.exports.running():
            self.exports.cancel()
            return
        self.lesson.leave() if self.lesson.active else None
        self.showNormal()

    def show_error(self, msg: str):
        self.messages.show_error(msg)  # the banner ('' clears it); messages.last_error: the whole message

    def show_notice(self, msg: str):
        self.messages.show_notice(msg)  # something to know that stops nothing (a device fallback)

    def models(self, dataset: str):
        """The dataset's models (gui.loading: a missing device or a broken classifier is a notice)."""
        return self.loader(dataset)

    # -- runs ----------------------------------------------------------------------------
    def apply_settings(
        self,
        settings: runs.RunSettings,
        caption: str | None = None,
        left: str | None = None,
        right: str | None = None,
        start: bool = True,
    ):
        """Show a preset (both panels share `settings`; the panels' modes default to the engine's):
        into the Session (the controls show it), set the caption, start the run."""
        self.session.use_preset(settings, left or DEFAULT_MODES["left"], right or DEFAULT_MODES["right"])
        self.caption.setText(caption or self.free_caption())
        if start:
            self.restart()

    def restart(self, known=None, values=None, paused: bool = False) -> bool:
        """Stop any run and start a new one with the Session's settings (and the given pixels:
        `known`/`values`, or the drawing or sketch given before). False on bad input (a control
        holding text that is no value says so: the run would not be what it shows)."""
        self._edit_timer.stop()  # every edit is in the Session already: a pending restart is this one
        bad = self.controls.first_invalid()
        if bad:
            self.show_error(bad)
            return False
        try:
            settings, given = self.session.prepared(None, known, values)
            models = self.models(settings["left"].dataset)
        except (ValueError, WeightsError) as e:
            self.show_error(str(e))
            return False
        self.stop_run()
        self.show_error("")
        self.messages.clear_pace()
        with self.controls.quietly():
            self.controls.draw.setChecked(False)
        modes = dict(self.session.modes)
        lanes = self.session.start(models, settings, modes, given)  # the last run's frames are let go
        memory.trim()
        s = settings["left"]
        name = None if s.label is None else CLASS_NAMES[s.dataset][s.label]
        ax = axis.axis_for_modes(modes.values())
        self.display.new_run(
            {n: t.upper() + (f" — “{name}”" if name else "") for n, t in self.session.titles().items()},
            modes,
            self.session.lane_labels(),
            self.session.forward_panels(),
            ax,
            s.label,
            name,
        )
        if self.shows_free_caption():  # never overwrite a preset's caption
            self.caption.setText(self.free_caption())
        self.start_worker(lanes, paused=paused)
        return True

    @property
    def worker(self):
        return self.threads.worker

    def start_worker(self, lanes: list, paused: bool = False, after=None, prepare=None) -> None:
        """A worker racing `lanes` with the Session's pacing and speed (gui.run_threads)."""
        self.display.painted_version = -1
        self.threads.start(
            lanes,
            self.session.pacing,
            self.session.steps_per_second(),
            paused,
            after,
            prepare,
            on_failed=lambda lane, msg: self.show_error(f"{lane} panel: {msg}"),
            on_finished=lambda: self.controls.play.setText(PLAY),
        )
        self.controls.play.setText(PAUSE if not paused else PLAY)

    def apply_pace(self) -> None:
        """The Session's pacing and speed, for the run under way at once (no restart)."""
        if self.worker is not None:
            self.worker.pacing, self.worker.steps_per_second = self.session.pacing, self.session.steps_per_second()

    def _say_dropped(self, notes: list) -> None:
        """Remembered values that did not fit: one line beside the timeline (all of them in `notices`)."""
        if notes:
            self.messages.notices.extend(notes[:-1])
            more = f" (and {len(notes) - 1} more)" if len(notes) > 1 else ""
            self.show_notice(notes[-1] + more)

    def stop_run(self, keep_last: bool = False):
        """Stop the run and its continuations without waiting for them (the GUI thread never waits
        on the engine; `keep_last`: the step under way is kept, for lanes a next worker carries on)."""
        self.continuations.cancel(quiet=True)
        self.threads.stop(keep_last)

    def _tick(self):
        self.threads.tick()
        self.paint()
        if not self.is_playing():
            self.messages.clear_pace()  # paused or finished: no pace to report

    def toggle_play(self):
        w = self.worker
        if w is None or (w.isFinished() and self.session.is_finished()):
            self.restart()
        elif w.is_paused():
            self.continuations.cancel()  # from a step about to scroll away: their result would never show
            self.display.follow = True  # playing on: the view follows the run again
            w.resume()
            self.controls.play.setText(PAUSE)
        else:
            w.pause()
            self.controls.play.setText(PLAY)

    def step_once(self):
        """→: one step; scrubbed back, the next recorded frame (also in a finished run)."""
        if self.worker is not None and not self.display.follow:
            nxt = self.display.next_position(self._snapshot()[1])
            if nxt is not None:
                self.timeline.setValue(nxt)  # a scrub: at the end it follows the run again
                return
        if self.worker is None and not self.restart(paused=True):
            return
        self.display.follow = True
        self.continuations.cancel()
        self.worker.step_once()
        self.controls.play.setText(PLAY)

    def new_seed(self):
        """Another sample with the same settings (a scenario stays on, with the new seed)."""
        self.session.edit("seed", int(np.random.default_rng().integers(0, 100000)))
        self.restart()

    def is_playing(self) -> bool:
        """A run is under way and not paused."""
        w = self.worker
        return w is not None and not w.is_paused() and w.isRunning() and not self.session.is_finished()

    def is_finished(self) -> bool:
        return self.worker is not None and self.session.is_finished()

    # -- painting (GUI thread, from the timer) -------------------------------------------
    def _snapshot(self):
        return self.threads.snapshot(self.session.lanes)

    def paint(self, force: bool = False):
        if self.worker is None:
            return
        version, snap = self._snapshot()
        if not self.display.is_due(version, force):
            return
        if self.session.continuations_due(snap["left"][0] if "left" in snap else []):  # a scenario's, once
            self.display.follow = True
            self.run_continuations()
        self.messages.report_pace(self.session.steps_per_second(), self.worker.achieved_rate())
        self.display.paint(version, snap, self.session.is_finished(), force)

    def running_threads(self) -> list:
        return self.threads.running()

    def scrub(self, value: int):
        """Drag, click, wheel or keys on the timeline: show that step (the end: follow the run)."""
        self.display.scrub(value, None if self.worker is None else self._snapshot()[1])

    def current_frames(self) -> dict:
        """The frame on screen for each lane (the timeline position)."""
        return {} if self.worker is None else self.display.frames_on_screen(self._snapshot()[1])

    # -- lifecycle -------------------------------------------------------------------------
    def resizeEvent(self, ev):
        super().resizeEvent(ev)
        self.lesson.fit_overlay()
        if hasattr(self, "lecture") and style.size_level(self.width(), self.height()) != self.size_level:
            self._restyle()

    def closeEvent(self, ev):
        self.timer.stop()
        self._edit_timer.stop()
        self.exports.cancel(quiet=True)  # nothing half written is left under its name
        self.stop_run()  # and any continuations, between their steps; nothing waits for them
        if self.remember and self.settings_store is not None:
            remembered.save(self)
        super().closeEvent(ev)
        memory.trim(force=True)  # the window's runs are let go of (rare: no need to hold it back)
        # and once its widgets are deleted (after this event): the app's timer, not this window's
        QTimer.singleShot(1000, lambda: memory.trim(force=True))
