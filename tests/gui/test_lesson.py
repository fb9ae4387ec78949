"""A lesson: its file format (Qt-free), and stepping it like slides with the keys of a presenter
remote in the real window."""

import subprocess
import sys

import pytest
from PySide6.QtCore import Qt

from engine.runtime import lessons

from .conftest import ROOT

ORDER = [
    "blurry-mess",
    "pixel-by-pixel",
    "greedy-vs-sampling",
    "too-many-pixels",
    "forward-processes",
    "hundred-steps",
    "same-budget",
    "one-big-step",
    "x0-is-a-mean",
    "coarse-to-fine",
    "guidance",
    "complete-my-sketch",
]


def test_the_default_lesson_is_the_scenarios_in_teaching_order():
    lesson = lessons.load()
    assert [s.scenario for s in lesson.slides] == ORDER
    assert lesson.title and all(s.caption is None and s.variant == 0 for s in lesson.slides)


def test_a_lesson_file_reorders_recaptions_and_picks_variants(tmp_path):
    path = tmp_path / "mine.lesson"
    path.write_text(
        "# my lecture\ntitle: Week 3\n\nslide: one-big-step\nvariant: 5 steps\n"
        "caption: Five small steps already work.\nslide: guidance\nvariant: 3\nslide: blurry-mess\n"
    )
    lesson = lessons.load(path)
    assert lesson.title == "Week 3" and [s.scenario for s in lesson.slides] == [
        "one-big-step",
        "guidance",
        "blurry-mess",
    ]
    assert lesson.slides[0].variant == 2 and lesson.slides[0].caption == "Five small steps already work."
    assert lesson.slides[1].variant == 2 and lesson.slides[2].caption is None  # "3" = the third variant, w = 3


@pytest.mark.parametrize(
    "text, message",
    [
        ("slide: blurry-mes\n", "2: unknown scenario 'blurry-mes'"),
        ("caption: hello\nslide: guidance\n", "1: 'caption:' belongs to a slide"),
        ("slide: guidance\nvariant: w = 5\n", "2: 'guidance' has no variant 'w = 5'"),
        ("slide: guidance\nnext slide please\n", "2: expected 'slide: SCENARIO'"),
        ("# nothing here\n", "no slides"),
        ("slide: blurry-mess\nvariant: 2\n", "2: scenario 'blurry-mess' has no variants"),
    ],
)
def test_a_malformed_lesson_is_one_clear_error(tmp_path, text, message):
    path = tmp_path / "bad.lesson"
    path.write_text(text if "blurry-mes\n" not in text else "# typo\n" + text)
    with pytest.raises(lessons.LessonError, match=message.replace("(", r"\(")) as e:
        lessons.load(path)
    assert str(path) in str(e.value) and "\n" not in str(e.value)


@pytest.mark.slow
def test_main_with_a_malformed_lesson_exits_2_with_one_line(tmp_path):
    bad = tmp_path / "bad.lesson"
    bad.write_text("slide: no-such-scenario\n")
    r = subprocess.run(
        [sys.executable, "main.py", "--lesson", str(bad)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: ") and "no-such-scenario" in lines[0]
    r = subprocess.run(
        [sys.executable, "main.py", "--lesson", str(tmp_path / "missing.lesson")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 2 and "cannot read lesson file" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def _key(qtbot, win, key):
    qtbot.keyClick(win, key)
    qtbot.wait(20)


def test_stepping_a_lesson_with_remote_keys(qtbot, win):
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=5000)
    win.lesson.start(lessons.load())
    assert (
        win.session.scenario.name == ORDER[0]
        and win.slide_label.text() == "slide 1 / 12"
        and win.slide_label.isVisibleTo(win)
    )
    assert win.worker.is_paused() and not any(ln.frames for ln in win.session.lanes.values())  # arrives ready, paused
    _key(qtbot, win, Qt.Key_PageDown)  # plays the slide's run
    qtbot.waitUntil(win.is_finished, timeout=60000)
    assert win.session.scenario.name == ORDER[0] and all(ln.frames for ln in win.session.lanes.values())
    _key(qtbot, win, Qt.Key_PageDown)  # finished: the next slide
    assert win.session.scenario.name == ORDER[1] and win.slide_label.text() == "slide 2 / 12"
    assert win.caption.text().startswith(win.session.scenario.title)
    _key(qtbot, win, Qt.Key_Right)  # → plays too
    qtbot.waitUntil(lambda: bool(win.session.lanes["left"].frames), timeout=60000)
    assert win.is_playing()
    _key(qtbot, win, Qt.Key_Right)  # while it plays: the next slide
    assert win.session.scenario.name == ORDER[2] and win.slide_label.text() == "slide 3 / 12"
    _key(qtbot, win, Qt.Key_PageUp)
    assert win.session.scenario.name == ORDER[1] and win.slide_label.text() == "slide 2 / 12"
    _key(qtbot, win, Qt.Key_Left)
    _key(qtbot, win, Qt.Key_Left)  # no slide before the first
    assert win.session.scenario.name == ORDER[0] and win.slide_label.text() == "slide 1 / 12"

    _key(qtbot, win, Qt.Key_B)  # blank the screen
    assert win.lesson.blank.isVisible() and win.lesson.blank.geometry() == win.rect()
    _key(qtbot, win, Qt.Key_PageDown)  # while blank, forward only brings the picture back
    assert not win.lesson.blank.isVisible() and win.slide_label.text() == "slide 1 / 12"
    _key(qtbot, win, Qt.Key_B)
    _key(qtbot, win, Qt.Key_B)  # B toggles
    assert not win.lesson.blank.isVisible()

    _key(qtbot, win, Qt.Key_Escape)  # leave the lesson: the keys are the usual ones again
    assert not win.lesson.active and not win.slide_label.isVisibleTo(win)
    _key(qtbot, win, Qt.Key_PageDown)
    assert win.session.scenario.name == ORDER[0]

    _key(qtbot, win, Qt.Key_F5)  # the lesson from the start, fullscreen
    assert win.lesson.active and win.isFullScreen() and win.slide_label.text() == "slide 1 / 12"
    _key(qtbot, win, Qt.Key_Escape)
    assert not win.lesson.active and not win.isFullScreen()

    win.lesson.start(lessons.load(), 2)  # left at slide 3 (Esc), then Shift+F5: back in at slide 3
    _key(qtbot, win, Qt.Key_Escape)
    qtbot.keyClick(win, Qt.Key_F5, Qt.ShiftModifier)
    assert win.lesson.active and win.isFullScreen() and win.slide_label.text() == "slide 3 / 12"
    assert win.session.scenario.name == ORDER[2]
    _key(qtbot, win, Qt.Key_Escape)


def test_a_slide_with_a_variant_and_own_caption(qtbot, win, tmp_path):
    path = tmp_path / "l.lesson"
    path.write_text("slide: one-big-step\nvariant: 5 steps\ncaption: My words.\nslide: guidance\n")
    win.lesson.start(lessons.load(path))
    assert "My words." in win.caption.text() and win.controls.lanes["right"].steps.value() == 5
    assert win.slide_label.text() == "slide 1 / 2"
    win.lesson.forward()
    qtbot.waitUntil(win.is_finished, timeout=60000)
    assert len(win.session.lanes["right"].frames) == 5


def test_a_remote_steps_through_a_slides_variants_before_the_next_slide(qtbot, win, tmp_path):
    """A presenter remote has no V key: PageDown plays the slide, then shows each of its variants in
    turn (keeping the slide's caption), then moves on."""
    path = tmp_path / "l.lesson"
    path.write_text("slide: one-big-step\nvariant: 10 steps\ncaption: My words.\nslide: guidance\n")
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=5000)
    win.lesson.start(lessons.load(path))
    _key(qtbot, win, Qt.Key_PageDown)  # plays the 10-step variant
    qtbot.waitUntil(win.is_finished, timeout=60000)
    _key(qtbot, win, Qt.Key_PageDown)  # the next variant, at once
    assert win.session.scenario.name == "one-big-step" and win.session.variant == 4
    assert win.controls.lanes["right"].steps.value() == 100 and "My words." in win.caption.text()
    assert win.slide_label.text() == "slide 1 / 2"
    _key(qtbot, win, Qt.Key_PageDown)  # the last variant: the next slide
    assert win.session.scenario.name == "guidance" and win.slide_label.text() == "slide 2 / 2"


def test_lessons_and_scenarios_import_no_qt():
    code = (
        "import sys, engine.runtime.lessons, engine.runtime.scenarios; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'gui')]; "
        "assert not bad, bad; engine.runtime.lessons.load()"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr


def test_presenting_shows_the_slide_not_the_instrument(qtbot, win):
    """A lesson: fullscreen, the lecture look, the control rows hidden (T brings them back), the
    lesson's title and "slide n / N" on screen, captions naming the remote's PageDown (free play: V),
    the Scenarios menu numbered like the slides, and a line saying what comes next."""
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=5000)
    lesson = lessons.load()
    win.lesson.start(lesson, 6)  # same-budget: a slide with variants
    assert win.isFullScreen() and win.lecture
    assert not win.controls.isVisibleTo(win) and not win.menuBar().isVisibleTo(win)
    assert not win.controls.ar_group.isVisibleTo(win) and not win.controls.diffusion_group.isVisibleTo(win)
    assert win.lesson_bar.isVisibleTo(win) and lesson.title in win.lesson_title.text()
    assert win.slide_label.text() == "slide 7 / 12" and win.slide_label.isVisibleTo(win)
    assert "PageDown: next]" in win.caption.text() and "V:" not in win.caption.text()
    assert "PageDown plays" in win.lesson_next.text()
    _key(qtbot, win, Qt.Key_T)  # the controls back, while presenting
    assert win.controls.isVisibleTo(win) and win.controls.ar_group.isVisibleTo(win)
    _key(qtbot, win, Qt.Key_T)
    assert not win.controls.isVisibleTo(win)
    # the menu's numbers are the slides' numbers; its entry goes to that slide
    entries = [a for a in win.scenarios_menu.actions() if a.text()[:1].isdigit()]
    assert [a.text().split(". ")[0] for a in entries] == [str(i + 1) for i in range(len(lesson.slides))]
    for i, s in enumerate(lesson.slides):
        assert entries[i].text().endswith(f"({s.scenario})"), (i, entries[i].text())
    entries[9].trigger()
    assert win.session.scenario.name == lesson.slides[9].scenario and win.slide_label.text() == "slide 10 / 12"
    _key(qtbot, win, Qt.Key_Escape)  # leaving: the instrument again, the look it had
    assert not win.lesson.active and win.controls.isVisibleTo(win) and win.menuBar().isVisibleTo(win)
    assert not win.lesson_bar.isVisibleTo(win) and not win.lecture and not win.isFullScreen()
    win.apply_scenario("same-budget", start=False)
    assert "V: next]" in win.caption.text() and "PageDown" not in win.caption.text()


def scenarios_variant(name: str, i: int) -> str:
    from engine.runtime import scenarios

    return scenarios.get(name).variants[i][0]


def test_the_next_line_names_the_next_variant_then_the_next_slide(qtbot, win, tmp_path):
    path = tmp_path / "l.lesson"
    path.write_text("title: Week 3\nslide: one-big-step\nvariant: 10 steps\nslide: guidance\n")
    win.lesson.start(lessons.load(path), fullscreen=False)
    win.resize(1280, 720)  # the smallest projector still names the key that brings the controls back
    qtbot.waitUntil(lambda: (win.width(), win.height()) == (1280, 720), timeout=3000)
    qtbot.wait(30)
    assert win.lesson_title.text().startswith("Week 3  ·  ") and "T controls" in win.lesson_title.text()
    assert win.lesson_next.text() == "PageDown plays · then next: 100 steps"
    assert win.lesson.coming() == "next: 100 steps"
    win.lesson.forward()  # plays
    qtbot.waitUntil(win.is_finished, timeout=60000)
    qtbot.waitUntil(lambda: win.lesson_next.text().startswith("finished · PageDown: next: 100 steps"), timeout=5000)
    win.lesson.forward()  # the last variant, playing at once
    qtbot.waitUntil(lambda: bool(win.session.lanes["right"].frames), timeout=60000)
    win.toggle_play()  # paused part way (Space): forward resumes, and the line says so
    if not win.is_finished():  # (a fast machine may have finished the 100 steps already)
        qtbot.waitUntil(lambda: win.lesson_next.text() == "paused · PageDown resumes", timeout=5000)
    win.toggle_play()
    assert win.lesson.coming() == "next: 2. Classifier-free guidance"
    win.lesson.go(1)
    assert win.lesson.coming() == f"next: {scenarios_variant('guidance', 1)}"
    win.lesson.leave()


def test_a_slide_that_pauses_for_continuations_says_so(qtbot, win, tmp_path):
    """x0-is-a-mean pauses part way and runs K continuations: the next line says they run and that
    PageDown resumes; once they are done it says paused."""
    path = tmp_path / "l.lesson"
    path.write_text("slide: x0-is-a-mean\nslide: guidance\n")
    win.lesson.start(lessons.load(path), fullscreen=False)
    win.controls.cont_k.setValue(2)
    win.lesson.forward()
    qtbot.waitUntil(win.continuations.running, timeout=120000)
    qtbot.waitUntil(lambda: win.lesson_next.text().startswith("continuations running"), timeout=5000)
    qtbot.waitUntil(lambda: not win.continuations.running(), timeout=300000)
    qtbot.waitUntil(lambda: win.lesson_next.text() == "paused · PageDown resumes", timeout=5000)
    win.lesson.leave()
