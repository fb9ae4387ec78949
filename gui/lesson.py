"""A lesson in the window, stepped like slides with a presenter remote (which sends PageDown,
PageUp, B or ".", F5 or Shift+F5, and Esc).

The forward rule (PageDown or →): a slide arrives ready, paused at step 0, with its caption; forward
plays it; forward again (while it plays, or once it finished) goes to the next slide. If the run
was paused part way (Space), forward resumes it. So every slide takes two presses: "show" and
"next". While the screen is blanked, forward and back only bring the picture back.

While presenting, the window shows the slide, not the instrument: fullscreen, the menu bar, the
control bar and the panels' settings hidden (T brings them back, and hides them again), the
lesson's title and the keys in a bar at the top, "slide n / N" beside the caption (the Scenarios
menu is numbered by the same lesson), and captions that name the remote's key (PageDown), not V.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel

from engine.runtime import lessons, scenarios

from . import keys_and_menus, layout
from .keys_and_menus import CONTROLS_KEY

NEXT_KEY = {True: "PageDown", False: "V"}  # the key that shows a scenario's next variant: in a lesson, free play
KEYS_LINE = f"PageDown / → play, next   PageUp / ← back   {CONTROLS_KEY} controls   B blank   Esc leave"
SHORT_KEYS = f"PageDown next   {CONTROLS_KEY} controls   Esc leave"
CONTROLS_HINT = f"{CONTROLS_KEY} controls"


class LessonPresenter:
    def __init__(self, win):
        self.win = win
        self.lesson: lessons.Lesson | None = None
        self.index = 0
        self.active = False
        self.blank = QLabel("", win)  # covers the whole window: a black screen while the lecturer talks
        self.blank.setStyleSheet("background: #000000;")
        self.blank.hide()
        self._look_before: bool | None = None  # the look before the lesson (restored when it is left)
        self._next_timer = QTimer(win, interval=300)  # the next line follows the run (finished, paused)
        self._next_timer.timeout.connect(self.say_next)

    @property
    def next_key(self) -> str:
        """The key a caption names for "the next variant": PageDown in a lesson, V in free play."""
        return NEXT_KEY[self.active]

    def number_of(self, scenario: str) -> int | None:
        """The slide number (1-based) of a scenario in the lesson (the loaded or the default one),
        as the Scenarios menu shows it; None if the lesson has no such slide."""
        if self.lesson is None and not hasattr(self, "_default"):
            self._default = _default()
        lesson = self.lesson or self._default
        names = [s.scenario for s in lesson.slides] if lesson is not None else []
        return names.index(scenario) + 1 if scenario in names else None

    def go_to_scenario(self, name: str) -> bool:
        """A Scenarios menu entry while a lesson is presented: its slide (same number), else the
        scenario on its own."""
        n = self.number_of(name) if self.active else None
        return self.go(n - 1) if n is not None else self.win.apply_scenario(name)

    # -- the control rows -----------------------------------------------------------------------
    def set_controls(self, shown: bool) -> None:
        """The menu bar, the control bar and the panels' settings (hidden while presenting)."""
        w = self.win
        w.menuBar().setVisible(shown)
        for widget in (w.controls, w.controls.ar_group, w.controls.diffusion_group):
            widget.setVisible(shown)
        layout.arrange_plots(w)  # the canvases take the height the controls gave up

    def toggle_controls(self) -> None:
        self.set_controls(not self.win.controls.isVisible())

    # -- starting and leaving ---------------------------------------------------------------
    def start(self, lesson: lessons.Lesson, index: int = 0, fullscreen: bool = True) -> bool:
        """Present `lesson` from slide `index`: fullscreen (on the window's screen), controls hidden."""
        changed = lesson is not self.lesson
        self.lesson, self.active = lesson, True
        if changed:
            keys_and_menus.number_scenarios(self.win)
        if fullscreen:
            self.win.fullscreen()
        if self._look_before is None:  # a projector: the lecture look while presenting, the lecturer's after
            self._look_before = self.win.lecture
        self.win.set_lecture_mode(True)
        self.set_controls(False)
        title = lesson.title or ""
        self.win.lesson_title.set_texts(
            *(f"{title}  ·  {keys}" if title else keys for keys in (KEYS_LINE, SHORT_KEYS, CONTROLS_HINT)),
            title or SHORT_KEYS,
        )  # the fullest that fits: at 1280 px the title and "T controls"
        self.win.lesson_bar.show()
        self._next_timer.start()
        return self.go(index)

    def start_default(self) -> bool:
        """F5: the loaded lesson (or the default one) from its first slide, fullscreen."""
        try:
            lesson = self.lesson or lessons.load()
        except lessons.LessonError as e:
            self.win.show_error(str(e))
            return False
        return self.start(lesson, 0, fullscreen=True)

    def start_here(self) -> bool:
        """Shift+F5 (PowerPoint's "from the current slide"; some remotes send it): back into the
        lesson at the slide it was left on (Esc), fullscreen; with no lesson yet, from slide 1."""
        if self.lesson is None:
            return self.start_default()
        return self.start(self.lesson, self.index, fullscreen=True)

    def leave(self):
        self.active = False
        self._next_timer.stop()
        self.set_blank(False)
        self.win.slide_label.hide()
        self.win.lesson_bar.hide()
        self.set_controls(True)
        if self._look_before is not None:
            self.win.set_lecture_mode(self._look_before)
            self._look_before = None
        layout.arrange_plots(self.win)

    # -- stepping ---------------------------------------------------------------------------
    def go(self, index: int) -> bool:
        """Show slide `index` (clamped), ready at step 0."""
        if self.lesson is None:
            return False
        self.index = max(0, min(index, len(self.lesson.slides) - 1))
        s = self.lesson.slides[self.index]
        self.win.slide_label.setText(f"slide {self.index + 1} / {len(self.lesson.slides)}")
        self.win.slide_label.setToolTip(
            f"{self.lesson.title}: slide {self.index + 1} of {len(self.lesson.slides)} "
            f"(PageDown / → play, then each variant, then next; PageUp / ← back; {CONTROLS_KEY} controls; "
            "B blank; Esc leave)"
        )
        self.win.slide_label.show()
        ok = self.win.apply_scenario(s.scenario, s.variant, paused=True, caption=s.caption)
        for p in self.win.panels.values():
            p.counter.setText("ready: → plays")
        self.say_next(playing=False)
        return ok

    def coming(self) -> str:
        """What the next forward press shows after this run: the slide's next variant, or the
        next slide (its menu number and title), or the end."""
        sc, variant = self.win.session.scenario, self.win.session.variant
        if sc is not None and variant + 1 < len(sc.variants):
            return f"next: {sc.variants[variant + 1][0]}"
        if self.lesson is not None and self.index + 1 < len(self.lesson.slides):
            nxt = lessons_title(self.lesson.slides[self.index + 1].scenario)
            return f"next: {self.index + 2}. {nxt}"
        return "the last slide (Esc leaves)"

    def say_next(self, playing: bool | None = None) -> None:
        """The line at the top right: what PageDown does now, and what comes after this run (kept
        true by a timer while presenting: a run that pauses itself, for continuations, says so)."""
        if not self.active:
            return
        w, then = self.win, self.coming()
        started = w.worker is not None and any(ln.frames for ln in w.session.lanes.values())
        if w.is_finished():
            texts = (f"finished · PageDown: {then}", f"PageDown: {then}", then)
        elif playing or (playing is None and w.is_playing()):
            texts = (f"playing · PageDown: {then}", f"PageDown: {then}", then)
        elif started and w.continuations.running():  # x0-is-a-mean pauses for them
            texts = ("continuations running (beside the timeline) · PageDown resumes", "PageDown resumes")
        elif started:
            texts = ("paused · PageDown resumes", "PageDown resumes", "→ resumes")
        else:
            texts = (f"PageDown plays · then {then}", "PageDown plays", "→ plays")
        w.lesson_next.set_texts(*texts)

    def forward(self):
        if not self.active:
            return
        if self.blank.isVisible():
            self.set_blank(False)
            return
        w = self.win
        sc, variant = w.session.scenario, w.session.variant
        if w.worker is not None and w.worker.is_paused() and not w.is_finished():
            w.toggle_play()  # play (or resume) this slide's run
            self.say_next(playing=True)
        elif sc is not None and variant + 1 < len(sc.variants):  # a remote has no V: its variants in turn
            w.apply_scenario(sc.name, variant + 1, caption=self.lesson.slides[self.index].caption)
            self.say_next(playing=True)
        elif self.index < len(self.lesson.slides) - 1:
            self.go(self.index + 1)
        else:
            w.show_status("the last slide: Esc leaves the lesson", 4000)

    def back(self):
        if not self.active:
            return
        if self.blank.isVisible():
            self.set_blank(False)
            return
        self.go(self.index - 1)

    # -- blank screen -----------------------------------------------------------------------
    def toggle_blank(self):
        self.set_blank(not self.blank.isVisible())

    def set_blank(self, on: bool):
        if on:
            self.fit_overlay()
            self.blank.raise_()
        self.blank.setVisible(on)
        self.win.setCursor(Qt.BlankCursor if on else Qt.ArrowCursor)

    def fit_overlay(self):
        """On every resize of the window: the black screen covers it, the plots keep their share."""
        self.blank.setGeometry(self.win.rect())
        if self.active and hasattr(self.win, "plots"):
            layout.arrange_plots(self.win)


def lessons_title(scenario: str) -> str:
    return scenarios.SCENARIOS[scenario].title


def _default() -> lessons.Lesson | None:
    try:
        return lessons.load()
    except lessons.LessonError:
        return None
