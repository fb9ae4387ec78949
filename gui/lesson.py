"""A lesson in the window, stepped like slides with a presenter remote (which sends PageDown,
PageUp, B or ".", F5 or Shift+F5, and Esc).

The forward rule (PageDown or →): a slide arrives ready, paused at step 0, with its caption; forward
plays it; forward again (while it plays, or once it finished) goes to the next slide. If the run
was paused part way (Space), forward resumes it. So every slide takes two presses: "show" and
"next". While the screen is blanked, forward and back only bring the picture back.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from engine.runtime import lessons


class LessonPresenter:
    def __init__(self, win):
        self.win = win
        self.lesson: lessons.Lesson | None = None
        self.index = 0
        self.active = False
        self.blank = QLabel("", win)  # covers the whole window: a black screen while the lecturer talks
        self.blank.setStyleSheet("background: #000000;")
        self.blank.hide()

    # -- starting and leaving ---------------------------------------------------------------
    def start(self, lesson: lessons.Lesson, index: int = 0, fullscreen: bool = False) -> bool:
        self.lesson, self.active = lesson, True
        if fullscreen:
            self.win.fullscreen()
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
        self.set_blank(False)
        self.win.slide_label.hide()

    # -- stepping ---------------------------------------------------------------------------
    def go(self, index: int) -> bool:
        """Show slide `index` (clamped), ready at step 0."""
        if self.lesson is None:
            return False
        self.index = max(0, min(index, len(self.lesson.slides) - 1))
        s = self.lesson.slides[self.index]
        self.win.slide_label.setText(f"{self.index + 1} / {len(self.lesson.slides)}")
        self.win.slide_label.setToolTip(
            f"{self.lesson.title}: slide {self.index + 1} of {len(self.lesson.slides)} "
            "(PageDown / → play, then each variant, then next; PageUp / ← back; B blank; Esc leave)"
        )
        self.win.slide_label.show()
        ok = self.win.apply_scenario(s.scenario, s.variant, paused=True, caption=s.caption)
        for p in self.win.panels.values():
            p.counter.setText("ready: → plays")
        return ok

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
        elif sc is not None and variant + 1 < len(sc.variants):  # a remote has no V: its variants in turn
            w.apply_scenario(sc.name, variant + 1, caption=self.lesson.slides[self.index].caption)
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
        self.blank.setGeometry(self.win.rect())
