"""Issue 27 §6: what the screen says is what ran (the pace note, the timeline's count, a click on the
timeline, → after scrubbing back, free play's caption, a dataset switch, a forced pixel)."""

import re

from PySide6.QtCore import QPoint, Qt

from engine.runtime.modes import MODES

from .conftest import wait_done


def _nfe(text: str) -> int:
    return int(re.search(r"NFE (\d+)", text).group(1))


def test_the_pace_note_goes_when_the_run_pauses_or_ends(qtbot, win):
    assert win.restart()
    wait_done(qtbot, win)
    win.messages.clear_pace()  # the last report was just now (at most two a second)
    win.messages.report_pace(200.0, 13.0)
    assert win.status.text().startswith("running at")
    win._tick()
    assert win.status.text() == ""
    assert win.restart(paused=True)
    win.messages.clear_pace()
    win.messages.report_pace(200.0, 13.0)
    win._tick()
    assert win.status.text() == ""
    win.stop_run()


def test_the_timeline_counts_what_the_headers_say(qtbot, win):
    win.controls.guidance.setValue(3.0)  # a guided step costs two evaluations: NFE 2, 4, 6, ...
    assert win.restart()
    wait_done(qtbot, win)
    heads = [_nfe(p.counter.text()) for p in win.panels.values()]
    assert _nfe(win.timeline_label.text()) == max(heads)
    win.timeline.setValue(3)  # between two recorded frames
    heads = [_nfe(p.counter.text()) for p in win.panels.values()]
    assert _nfe(win.timeline_label.text()) == max(heads) == 2


def test_a_click_on_the_timeline_moves_to_the_point_clicked(qtbot, win):
    assert win.restart()
    wait_done(qtbot, win)
    tl = win.timeline
    top = tl.maximum()
    assert top >= 10
    qtbot.mouseClick(tl, Qt.LeftButton, pos=QPoint(tl.width() // 4, tl.height() // 2))
    assert abs(tl.value() - top / 4) <= top * 0.1 + 1  # not a page from the end
    assert not win.display.follow


def test_right_after_scrubbing_back_steps_through_the_recorded_frames(qtbot, win):
    assert win.restart()
    wait_done(qtbot, win)
    tl = win.timeline
    recorded = sorted({f.nfe for ln in win.session.lanes.values() for f in ln.frames})
    tl.setValue(recorded[1])
    for want in recorded[2:5]:
        qtbot.keyClick(win, Qt.Key_Right)
        assert tl.value() == want
    tl.setValue(recorded[-2])
    qtbot.keyClick(win, Qt.Key_Right)
    assert tl.value() == recorded[-1] and win.display.follow  # the end: following the run again


def test_free_plays_caption_follows_the_panels_modes(qtbot, win):
    assert win.restart()
    wait_done(qtbot, win)
    assert "autoregression fixes pixels" in win.caption.text()
    first = win.worker
    win.controls.lanes["left"].mode.setCurrentText(MODES["one-shot-mean"].choice)
    qtbot.waitUntil(lambda: win.worker is not first, timeout=5000)
    assert "autoregression" not in win.caption.text() and "one network evaluation" in win.caption.text()
    wait_done(qtbot, win)


def test_switching_the_dataset_says_that_the_prompt_changed_its_name(qtbot, win):
    win.controls.prompt.setText("three")
    win.controls.dataset.setCurrentText("fashion")
    assert win.controls.prompt.text() == "dress"
    assert "“three” is now “dress”" in win.status.text()  # one line beside the timeline
    assert "“three” is now “dress”" in win.messages.notices[-1]


def test_a_scenario_runs_on_the_dataset_shown_with_its_settings_and_caption_for_it(qtbot, win):
    """Issue 27 §8: a slide is the same lesson point on clothes. Switching the dataset during
    pixel-by-pixel keeps the slide and re-applies it there: Fashion draws in random order (raster
    draws sneakers badly, benchmarks/showcase.py) and the caption says so and names a sneaker."""
    assert win.apply_scenario("pixel-by-pixel", start=False)
    assert win.session.settings["left"].ar.order == "raster" and "Raster order" in win.caption.text()
    win.controls.dataset.setCurrentText("fashion")
    qtbot.waitUntil(lambda: win.session.settings["left"].dataset == "fashion", timeout=5000)
    assert win.session.scenario is not None and win.session.scenario.name == "pixel-by-pixel"
    assert (
        win.session.settings["left"].ar.order == "random" and win.controls.lanes["left"].order.currentText() == "random"
    )
    assert "Random order" in win.caption.text() and "sneakers" in win.caption.text()
    assert win.apply_scenario("complete-my-sketch", start=False)  # a sketch: the top half of a real sneaker
    assert "real sneaker" in win.caption.text() and win.session.settings["left"].dataset == "fashion"
    win.stop_run()
