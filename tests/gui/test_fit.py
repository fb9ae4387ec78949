"""The window fits common projectors (1280x720, 1366x768, 1920x1080), windowed or fullscreen, in
normal and lecture mode: nothing lies outside the window, nothing is squeezed below its minimum,
and the canvases, the pixel's distribution, the plots and the timeline stay readable."""

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLabel, QSizePolicy, QWidget

from engine.runtime import scenarios
from gui.main_window import MIN_WINDOW
from gui.plots import MIN_SPECTRUM_W

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
            min_w = MIN_SPECTRUM_W if key == "spectrum" else MIN_PLOT[0]
            assert w.width() >= min_w and w.height() >= MIN_PLOT[1], (size, key, w.width(), w.height())
        assert all(s.view.height() >= MIN_STRIP_H for s in win.plots.strips.values()), size
        assert win.timeline.width() >= MIN_TIMELINE_W, size


def test_every_caption_fits_its_lines_at_1280(qtbot, win):
    """Lecture mode at 1280x720 with a lesson's slide number beside it: no scenario caption needs
    more lines than the caption shows."""
    win.set_lecture_mode(True)
    win.slide_label.setText("11 / 11")
    win.slide_label.show()
    for size in [(1280, 720), (1280, 650)]:
        _settle(qtbot, win, size)
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
