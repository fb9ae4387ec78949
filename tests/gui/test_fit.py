"""The window fits common projectors (1280x720, 1366x768, 1920x1080), windowed or fullscreen, in
normal and lecture mode: nothing lies outside the window, nothing is squeezed below its minimum,
and the canvases, the pixel's distribution, the plots and the timeline stay readable."""

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLabel, QSizePolicy, QWidget

from engine.runtime import lessons, scenarios
from gui.fit_label import FitLabel
from gui.layout import combo_text_room
from gui.main_window import MIN_WINDOW
from gui.plots import ALL, MIN_DATA, MIN_SPECTRUM_W

# fullscreen sizes, and windowed ones (a title bar and a desktop panel take ~60-80 pixels)
SIZES = [(1280, 720), (1366, 768), (1920, 1080), (1280, 650), (1366, 700), (1920, 1000), MIN_WINDOW]
MIN_CANVAS, MIN_SIDE_PLOT, MIN_PLOT, MIN_STRIP_H, MIN_TIMELINE_W = 120, (150, 100), (180, 120), 40, 300


def _settle(qtbot, win, size):
    win.resize(*size)
    qtbot.waitUntil(lambda: (win.width(), win.height()) == size, timeout=3000)
    qtbot.wait(30)  # the restyle for the new size and its re-layout


def _clipped(win) -> list:
    """Visible widgets that reach outside the window, or that got less than their minimum size."""
    bad, frame = [], win.rect()
    for w in win.findChildren(QWidget):
        if not w.isVisibleTo(win) or w.isWindow() or w is win.lesson.blank:
            continue
        r = QRect(w.mapTo(win, QPoint(0, 0)), w.size())
        if not frame.contains(r):
            bad.append(f"{type(w).__name__} {w.objectName()!r} at {r} outside {frame}")
        squeezable = isinstance(w, QLabel) and w.sizePolicy().horizontalPolicy() == QSizePolicy.Ignored
        if isinstance(w, (QAbstractButton, QComboBox, QAbstractSpinBox, QLabel)) and not squeezable:
            m = w.minimumSizeHint()
            if w.width() < m.width() or w.height() < m.height():
                text = w.text() if hasattr(w, "text") else ""
                bad.append(f"{type(w).__name__} {text!r} {w.width()}x{w.height()} < minimum {m.width()}x{m.height()}")
    return bad


PROJECTORS = [(1280, 720), (1366, 768), (1920, 1080)]


def _cut_texts(win) -> list:
    """Visible combo boxes and one-line labels whose text does not fit the room they give it."""
    bad = []
    for w in win.findChildren(QComboBox):
        if w.isVisibleTo(win) and w.fontMetrics().horizontalAdvance(w.currentText()) > combo_text_room(w):
            bad.append(f"combo {w.currentText()!r}: {combo_text_room(w)} px")
    for w in win.findChildren(QLabel):
        if not w.isVisibleTo(win) or w.wordWrap() or not w.text() or w.textFormat() == 1:  # 1: rich text
            continue
        if isinstance(w, FitLabel) and w.text() in w._texts:
            continue  # it chose a shorter text that fits: nothing cut
        if w.fontMetrics().horizontalAdvance(w.text()) > w.contentsRect().width() + 1 or "…" in w.text():
            bad.append(f"label {w.text()!r}: {w.contentsRect().width()} px")
    return bad


def _tick_overlaps(pw) -> list:
    """Tick labels of a plot's axes that overlap each other (pyqtgraph's own draw specs)."""
    img = QImage(8, 8, QImage.Format_ARGB32)
    painter = QPainter(img)
    bad = []
    try:
        for name in ("left", "bottom"):
            specs = pw.getPlotItem().getAxis(name).generateDrawSpecs(painter)
            rects = [(r, t) for r, _flags, t in (specs[2] if specs else []) if t]
            for i, (r, t) in enumerate(rects):
                bad += [f"{name}: {t!r} on {u!r}" for r2, u in rects[i + 1 :] if r.intersects(r2)]
    finally:
        painter.end()
    return bad


def _plots_readable(win) -> list:
    """Every shown plot: a data area of at least MIN_DATA, tick labels apart."""
    bad = []
    for key, pw in win.plots.widgets.items():
        if not pw.isVisibleTo(win):
            continue
        vb = pw.getPlotItem().vb
        if vb.width() < MIN_DATA[0] or vb.height() < MIN_DATA[1]:
            bad.append(f"{key}: data area {vb.width():.0f}x{vb.height():.0f}")
        bad += [f"{key} {o}" for o in _tick_overlaps(pw)]
    return bad


@pytest.mark.parametrize("lecture", [False, True], ids=["normal", "lecture"])
def test_every_scenario_is_readable_on_common_projectors(qtbot, win, lecture):
    """1280x720, 1366x768, 1920x1080, normal and lecture mode, free play and every scenario: each
    shown plot's data area >= 120x80 px, no tick labels on each other, no combo or label text cut."""
    win.set_lecture_mode(lecture)
    for size in PROJECTORS:
        _settle(qtbot, win, size)
        for name in [None, *scenarios.SCENARIOS]:
            if name is None:
                win.end_scenario()
            else:
                assert win.apply_scenario(name, start=False)
            qtbot.wait(20)
            where = (size, name, "lecture" if lecture else "normal")
            assert _plots_readable(win) == [], where
            assert _cut_texts(win) == [], where
            assert _clipped(win) == [], where
            if lecture and name is not None and size == (1920, 1080):  # the pictures are the show, also with
                # the control rows up (the plots stood twice as tall as the canvases; smaller screens have
                # no height to spare with the controls shown)
                canvas = win.panels["left"].state.view.height()
                assert canvas >= max(w.height() for w in win.plots.widgets.values() if w.isVisibleTo(win)), where


def test_the_lecture_layout_shows_a_scenarios_own_plots_and_free_play_all(qtbot, win):
    _settle(qtbot, win, (1280, 720))
    shown = lambda: tuple(k for k, w in win.plots.widgets.items() if w.isVisibleTo(win))  # noqa: E731
    win.set_lecture_mode(True)
    for name, sc in scenarios.SCENARIOS.items():
        win.apply_scenario(name, start=False)
        assert sorted(shown()) == sorted(sc.plots) and 1 <= len(sc.plots) <= 2, name
    assert "pixels_fixed" in scenarios.get("same-budget").plots
    win.end_scenario()  # free play: all of them
    assert set(shown()) == set(ALL)
    win.set_lecture_mode(False)
    win.apply_scenario("same-budget", start=False)  # normal mode: all, and the scenario's own one
    assert set(shown()) == set(ALL) | {"pixels_fixed"}
    win.lesson.start(lessons.load(), 6, fullscreen=False)  # a lesson: the lecture layout, also from normal mode
    assert sorted(shown()) == sorted(scenarios.get("same-budget").plots)
    win.lesson.leave()
    assert set(shown()) == set(ALL) | {"pixels_fixed"} and not win.lecture


def test_a_planned_run_shows_the_pixels_each_step_fixed(qtbot, win):
    """same-budget: the plan's shape is a curve of pixels fixed a step, few first and many at the end."""
    from .conftest import wait_done

    win.set_lecture_mode(True)
    assert win.apply_scenario("same-budget")
    wait_done(qtbot, win)
    x, y = win.plots.curves[("pixels_fixed", "left")].getData()
    assert len(y) == len(win.session.lanes["left"].frames) and y.sum() == 28 * 28
    assert y[: len(y) // 4].mean() < y[-len(y) // 4 :].mean()
    assert win.plots.curves[("pixels_fixed", "right")].getData()[1] is None or not len(
        win.plots.curves[("pixels_fixed", "right")].getData()[1]
    )  # diffusion fixes no pixels


@pytest.mark.parametrize("lecture", [False, True], ids=["normal", "lecture"])
def test_the_window_fits_and_stays_readable(qtbot, win, lecture):
    win.set_lecture_mode(lecture)
    for size in SIZES:
        _settle(qtbot, win, size)
        hint = win.minimumSizeHint()
        assert hint.width() <= size[0] and hint.height() <= size[1], (size, hint)
        assert _clipped(win) == [], size
        for p in win.panels.values():
            for c in (p.state, p.x0):
                assert min(c.view.width(), c.view.height()) >= MIN_CANVAS, (size, c.title.text())
        side = win.panels["left"].hist, win.panels["right"].sched  # the pixel's distribution, the schedule
        for w in side:
            assert w.isVisibleTo(win) and (w.width(), w.height()) >= MIN_SIDE_PLOT, (size, w.width(), w.height())
            assert w.width() >= MIN_SIDE_PLOT[0] and w.height() >= MIN_SIDE_PLOT[1], size
        for key, w in win.plots.widgets.items():
            if not w.isVisibleTo(win):
                continue
            min_w = MIN_SPECTRUM_W if key == "spectrum" else MIN_PLOT[0]
            assert w.width() >= min_w and w.height() >= MIN_PLOT[1], (size, key, w.width(), w.height())
        assert all(s.view.height() >= MIN_STRIP_H for s in win.plots.strips.values()), size
        assert win.timeline.width() >= MIN_TIMELINE_W, size


def test_every_caption_fits_its_lines_at_1280(qtbot, win):
    """Lecture mode at 1280x720 with a lesson's slide number beside it: no scenario caption needs
    more lines than the caption shows, on either dataset."""
    win.set_lecture_mode(True)
    win.slide_label.setText("slide 12 / 12")
    win.slide_label.show()
    for size, dataset in [((1280, 720), "mnist"), ((1280, 650), "mnist"), ((1280, 720), "fashion")]:
        _settle(qtbot, win, size)
        win.session.edit("dataset", dataset)  # captions as they hold on each dataset
        for name, sc in scenarios.SCENARIOS.items():
            assert win.apply_scenario(name, start=False)
            qtbot.wait(10)
            cap = win.caption
            assert cap.heightForWidth(cap.width()) <= cap.maximumHeight(), name
            assert (win.width(), win.height()) == size and _clipped(win) == [], (size, name)


def test_a_small_screen_uses_smaller_fonts_than_a_large_one(qtbot, win):
    win.set_lecture_mode(True)
    _settle(qtbot, win, (1920, 1080))
    large = win.caption.font().pixelSize()
    _settle(qtbot, win, (1280, 720))
    small = win.caption.font().pixelSize()
    _settle(qtbot, win, (1920, 1080))
    assert small < large == win.caption.font().pixelSize()


@pytest.mark.slow
@pytest.mark.parametrize("lecture", ["normal", "lecture"])
def test_a_4k_projector_with_2x_scaling_shows_the_1080p_layout_at_double_resolution(lecture):
    """3840x2160 with HiDPI scaling 2: Qt lays the window out at 1920x1080 logical pixels and
    paints it at 3840x2160; nothing is clipped, and the fonts are those of a 1080p screen."""
    import json
    import os
    import subprocess
    import sys

    from .conftest import ROOT

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": "2", "PYTHONPATH": str(ROOT)}
    r = subprocess.run(
        [sys.executable, "-m", "tests.gui.hidpi_probe", "1920", "1080", lecture],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    got = json.loads(r.stdout.strip().splitlines()[-1])
    assert got["logical"] == [1920, 1080] and got["ratio"] == 2 and got["device"] == [3840, 2160]
    assert got["clipped"] == []
    assert got["caption_px"] >= 12  # logical pixels: 24 or more on the 4K screen


def test_a_4k_screen_without_scaling_fits_with_larger_fonts(qtbot, win):
    win.set_lecture_mode(True)
    _settle(qtbot, win, (1920, 1080))
    hd = win.caption.font().pixelSize()
    _settle(qtbot, win, (3840, 2160))
    assert _clipped(win) == [] and win.caption.font().pixelSize() >= hd


def test_every_lesson_slide_is_readable_and_the_pictures_are_the_show(qtbot, win):
    """Presenting (control rows hidden) at each projector size: every slide's plots readable,
    nothing cut, and the canvases at least as tall as the plots (the plots keep their share)."""
    lesson = lessons.load()
    win.lesson.start(lesson, fullscreen=False)
    for size in PROJECTORS:
        _settle(qtbot, win, size)
        for i in range(len(lesson.slides)):
            win.lesson.go(i)
            qtbot.wait(20)
            where = (size, lesson.slides[i].scenario)
            assert _plots_readable(win) == [] and _cut_texts(win) == [] and _clipped(win) == [], where
            canvas = win.panels["left"].state.view.height()
            assert canvas >= max(w.height() for w in win.plots.widgets.values() if w.isVisibleTo(win)), where
    win.lesson.leave()


@pytest.mark.parametrize("lecture", [False, True], ids=["normal", "lecture"])
def test_the_panels_side_plots_are_readable_too(qtbot, win, lecture):
    """p(this pixel) and the schedule: the same rule as the plots row (measured: the pixel's
    distribution has a 104x40 data area at 1280x720 in lecture mode, its log ticks on each other)."""
    win.set_lecture_mode(lecture)
    for size in PROJECTORS:
        _settle(qtbot, win, size)
        for p in win.panels.values():
            for pw in (p.hist, p.sched):
                vb = pw.getPlotItem().vb
                assert vb.width() >= MIN_DATA[0] and vb.height() >= MIN_DATA[1], (size, pw._pn_title)
                assert _tick_overlaps(pw) == [], (size, pw._pn_title)


def test_a_window_opened_in_lecture_mode_gives_each_panel_its_minimum(qtbot):
    """`main.py --lecture --scenario coarse-to-fine` at 1280x720: the lecture layout's plots took 272 px,
    Qt took the shortfall from the panels too, and p(this pixel) was cut in half under the settings row."""
    from gui.main_window import MainWindow

    w = MainWindow(device="cpu", remember=False, lecture=True)
    try:
        w.resize(1600, 1000)
        w.show()
        _settle(qtbot, w, (1280, 720))
        for name in scenarios.SCENARIOS:
            assert w.apply_scenario(name, start=False)
            qtbot.wait(20)
            for p in w.panels.values():
                assert p.height() >= p.minimumSizeHint().height(), (name, p.height(), p.minimumSizeHint())
                for pw in (p.hist, p.sched):
                    if pw.isVisibleTo(w):
                        assert pw.getPlotItem().vb.height() >= MIN_DATA[1], (name, pw._pn_title)
    finally:
        w.close()
        qtbot.waitUntil(lambda: not w.running_threads(), timeout=60000)
