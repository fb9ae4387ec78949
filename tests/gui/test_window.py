"""The real window, offscreen, driven through pytest-qt with the shipped weights."""

import json
import subprocess
import sys

import numpy as np
import pytest

from .conftest import ROOT, wait_done, wait_threads_end


def test_run_to_completion_paints_both_panels(qtbot, win):
    assert win.restart()
    wait_done(qtbot, win)
    left, right = win.session.lanes["left"], win.session.lanes["right"]
    assert len(left.frames) == 13 and left.frames[-1].known.all()
    assert len(right.frames) == 10 and right.frames[-1].noise_level.t == -1
    assert left.distances is not None and left.distances[-1] == 0
    detail = win.plots.curves[("detail", "right")].yData  # the fine-detail plot follows x0's metrics
    assert len(detail) == 10 and np.allclose(detail, [m["detail"] for m in right.metrics])
    assert "NFE" in win.panels["left"].counter.text()
    img = win.grab().toImage()
    colors = {img.pixel(x, y) for x in range(0, img.width(), 23) for y in range(0, img.height(), 23)}
    assert len(colors) > 20, "the window looks blank"


def test_pause_resume_and_single_step(qtbot, win):
    win.controls.speed.setCurrentText("10 steps/s")
    win.restart()
    qtbot.waitUntil(lambda: sum(len(ln.frames) for ln in win.session.lanes.values()) >= 2, timeout=30000)
    win.toggle_play()  # pause
    assert win.worker.is_paused()
    qtbot.wait(400)
    n = sum(len(ln.frames) for ln in win.session.lanes.values())
    qtbot.wait(600)
    assert sum(len(ln.frames) for ln in win.session.lanes.values()) == n
    win.step_once()
    qtbot.waitUntil(lambda: sum(len(ln.frames) for ln in win.session.lanes.values()) == n + 1, timeout=10000)
    qtbot.wait(300)
    assert sum(len(ln.frames) for ln in win.session.lanes.values()) == n + 1
    # paused after a single step, the slower side views and plots still catch up with it
    stepped = max(win.session.lanes.values(), key=lambda ln: ln.frames[-1].nfe)
    qtbot.waitUntil(lambda: not win.display.stale, timeout=5000)
    assert win.plots.curves[("sharpness", stepped.name)].xData[-1] == stepped.frames[-1].nfe
    win.controls.speed.setCurrentText("max")
    win.toggle_play()  # resume
    wait_done(qtbot, win)


def test_same_nfe_pacing_keeps_counters_together(qtbot, win):
    win.controls.steps.setValue(100)
    win.controls.k.setCurrentText("16")
    win.controls.speed.setCurrentText("50 steps/s")
    win.restart()
    qtbot.waitUntil(lambda: len(win.session.lanes["right"].frames) >= 10, timeout=60000)
    win.worker.pause()
    qtbot.wait(200)
    l, r = win.session.lanes["left"].frames[-1].nfe, win.session.lanes["right"].frames[-1].nfe
    assert abs(l - r) <= 2
    win.stop_run()


def test_restart_and_cancel_during_a_run(qtbot, win):
    win.controls.speed.setCurrentText("10 steps/s")
    win.restart()
    first = win.worker
    qtbot.waitUntil(lambda: len(win.session.lanes["left"].frames) >= 1, timeout=30000)
    win.controls.seed.setValue(5)
    win.restart()
    assert first.cancelled() and win.worker is not first and win.worker.isRunning()
    wait_threads_end(qtbot, [first])
    win.stop_run()
    assert win.worker is None


def test_scrubbing_shows_earlier_steps(qtbot, win):
    win.restart()
    wait_done(qtbot, win)
    top = win.timeline.maximum()
    win.timeline.setValue(4)
    win.scrub(4)
    shown = win.current_frames()
    assert shown["left"].nfe <= 4 and shown["right"].nfe <= 4
    assert "NFE 4" in win.timeline_label.text() and not win.display.follow
    win.timeline.setValue(top)
    win.scrub(top)
    assert win.display.follow and win.current_frames()["left"].is_last


def test_draw_then_complete_keeps_the_drawing(qtbot, win):
    win.controls.draw.setChecked(True)
    canvas = win.panels["left"].state
    for r in range(4, 24):
        canvas.paint_at(14, r, ink=True)
    canvas.paint_at(3, 3, ink=False)
    from PySide6.QtCore import QPoint, Qt

    vp = canvas.view.viewport()
    qtbot.mouseClick(vp, Qt.LeftButton, pos=QPoint(vp.width() // 2, vp.height() // 2))  # a real click: the centre
    assert canvas.known[13:15, 13:15].any() and canvas.values[13:15, 13:15].max() == 1.0
    known, values = canvas.known.copy(), canvas.values.copy()
    win.complete_drawing()
    wait_done(qtbot, win)
    for name in ("left", "right"):
        final = win.session.lanes[name].frames[-1].state[0]
        assert np.allclose(final[known], values[known], atol=1 / 255), name


def test_k_continuations_from_a_step(qtbot, win):
    win.controls.cont_k.setValue(4)
    win.restart()
    wait_done(qtbot, win)
    win.timeline.setValue(6)
    win.scrub(6)
    win.run_continuations()
    qtbot.waitUntil(lambda: win.continuations.task.isFinished(), timeout=120000)
    qtbot.waitUntil(lambda: win.panels["left"].cont_box.isVisible(), timeout=5000)
    assert "RMS(mean − x0)" in win.panels["right"].cont_label.text() and "NFE 6" in win.panels["left"].cont_label.text()
    win.timeline.setValue(8)  # leave that step: the panels go back to their own side views
    assert not win.panels["left"].cont_box.isVisible()


def test_export_png_gif(qtbot, win, tmp_path):
    win.restart()
    wait_done(qtbot, win)
    assert win.export_png(str(tmp_path / "w.png")) and (tmp_path / "w.png").stat().st_size > 10000
    assert win.status.text() == f"saved to {tmp_path / 'w.png'}"
    win.export_run(str(tmp_path / "run.gif"))
    assert (tmp_path / "run.gif").read_bytes()[:3] == b"GIF"
    assert win.status.text() == f"saved to {(tmp_path / 'run.gif').resolve()}"


def test_exported_frames_are_labelled_with_method_step_and_nfe(qtbot, win):
    from gui import export

    win.restart()
    wait_done(qtbot, win)
    _, snap = win._snapshot()
    lanes = {n: fr for n, (fr, _, _) in snap.items()}
    labelled = export.composite_frames(lanes, names=win.plots.lane_names)
    assert win.plots.lane_names["left"].startswith("autoregressive, random, 64 px/step")
    header = slice(4, 4 + (2 * export.LINE_H + 2))  # the left lane's label, above its pictures
    first, last = labelled[0][header], labelled[-1][header]
    assert first.max() > 150 and not np.array_equal(first, last)  # text, and the step/NFE line moves on
    a = export.composite_frames(lanes, names={"left": "one name", "right": "x"})[-1][header]
    b = export.composite_frames(lanes, names={"left": "another name", "right": "x"})[-1][header]
    assert not np.array_equal(a, b)  # the lane's name is burnt in
    tile_h = 28 * export.SCALE
    assert labelled[0].shape[0] == 2 * ((2 * export.LINE_H + 2) + tile_h + 8)


def test_export_mp4(qtbot, win, tmp_path):
    win.restart()
    wait_done(qtbot, win)
    win.export_run(str(tmp_path / "run.mp4"))
    assert (tmp_path / "run.mp4").read_bytes()[4:8] == b"ftyp"


def test_timeline_click_scrubs_while_running(qtbot, win):
    win.controls.speed.setCurrentText("10 steps/s")
    win.restart()
    qtbot.waitUntil(
        lambda: all(ln.frames and ln.frames[-1].nfe >= 6 for ln in win.session.lanes.values()), timeout=60000
    )
    win.timeline.setValue(2)  # as a click on the groove or a key press would: no explicit scrub()
    assert not win.display.follow and win.current_frames()["left"].nfe <= 2
    win.paint(force=True)
    assert win.timeline.value() == 2, "a running run must not yank the timeline back"
    win.stop_run()


def test_typing_a_prompt_does_not_fire_single_key_shortcuts(qtbot, win):
    from PySide6.QtCore import Qt

    win.controls.seed.setValue(11)
    win.controls.prompt.setFocus()
    win.controls.prompt.clear()
    qtbot.keyClicks(win.controls.prompt, "nine")  # N would be "new seed", L lecture mode
    qtbot.keyClick(win.controls.prompt, Qt.Key_L)
    assert win.controls.prompt.text() == "ninel" and win.controls.seed.value() == 11 and not win.lecture
    assert win.worker is None


def test_lecture_mode_fits_a_1920_screen(qtbot, win):
    win.set_lecture_mode(True)
    assert win.minimumSizeHint().width() <= 1920 and win.minimumSizeHint().height() <= 1080
    win.set_lecture_mode(False)


def test_bad_prompt_shows_an_error_and_keeps_the_run(qtbot, win):
    win.restart()
    wait_done(qtbot, win)
    frames = len(win.session.lanes["left"].frames)
    win.controls.prompt.setText("giraffe")
    assert not win.restart()
    assert "giraffe" in win.messages.last_error and win.banner.isVisibleTo(win) and "giraffe" in win.banner.text()
    assert len(win.session.lanes["left"].frames) == frames  # nothing already produced is lost


@pytest.mark.parametrize("mode", ["one-shot mean", "erase a real image"])
def test_other_left_modes(qtbot, win, mode):
    win.controls.left_mode.setCurrentText(mode)
    win.controls.right_mode.setCurrentText("noise a real image")
    win.restart()
    wait_done(qtbot, win)
    assert win.session.lanes["left"].frames and win.session.lanes["right"].frames[-1].noise_level.t == 999
    # no network runs in the forward processes: the timeline and plots count steps instead of NFE
    assert win.display.axis == "step" and win.timeline.maximum() == max(
        len(ln.frames) for ln in win.session.lanes.values()
    )
    win.timeline.setValue(5)
    assert win.current_frames()["right"].step == 4 and win.timeline_label.text() == "step 5"


def test_main_bad_arguments_exit_2():
    r = subprocess.run([sys.executable, "main.py", "--device", "tpu"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_self_test_writes_result_and_png(tmp_path):
    """Also with --device cuda: on a machine without CUDA it runs on the CPU and says so."""
    import torch

    r = subprocess.run(
        [sys.executable, "main.py", "--self-test", str(tmp_path), "--device", "cuda"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    result = json.loads((tmp_path / "result.json").read_text())
    assert r.returncode == 0 and result["ok"], (result, r.stderr)
    assert "self-test passed" in r.stdout
    assert (tmp_path / "window.png").stat().st_size > 10000
    ran = [c for c in result["checks"] if c["check"].startswith("load and run")]
    assert len(ran) == 6 and all(c["detail"]["output_std"] > 0 for c in ran)  # every model's output checked
    if not torch.cuda.is_available():
        assert "CPU" in r.stderr and "no CUDA" in r.stderr


@pytest.mark.slow
def test_self_test_into_a_file_or_unwritable_folder_is_one_error_line(tmp_path):
    (tmp_path / "file").write_text("x")
    r = subprocess.run(
        [sys.executable, "main.py", "--self-test", str(tmp_path / "file")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2 and r.stderr.strip().splitlines() == [r.stderr.strip()] and "not a folder" in r.stderr
    assert (tmp_path / "file").read_text() == "x"


def test_self_test_rejects_nan_and_constant_models():
    import torch

    from engine.networks import weights
    from gui.self_test import model_output_check

    for kind in weights.KINDS:
        model, _ = weights.load("mnist", kind, "cpu")
        assert model_output_check(model, kind)["output_std"] > 0
        with torch.no_grad():
            for p in model.parameters():
                p.zero_()
        with pytest.raises(RuntimeError, match="constant"):
            model_output_check(model, kind)
        with torch.no_grad():
            next(model.parameters()).fill_(float("nan"))
        with pytest.raises(RuntimeError, match="not finite"):
            model_output_check(model, kind)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["blurry-mess", "one-big-step"])
def test_scenarios_apply_and_run(qtbot, win, name):
    assert win.apply_scenario(name)
    wait_done(qtbot, win)
    assert win.session.scenario.name == name and win.caption.text().startswith(win.session.scenario.title)
    if name == "one-big-step":
        assert len(win.session.lanes["right"].frames) == 1  # variant 0: one big step
        win.next_variant()
        wait_done(qtbot, win)
        assert len(win.session.lanes["right"].frames) == 2 and "2 steps" in win.caption.text()


def test_editing_a_value_keeps_the_scenario_a_new_mode_leaves_it(qtbot, win):
    assert win.apply_scenario("blurry-mess")
    wait_done(qtbot, win)
    win.new_seed()
    wait_done(qtbot, win)
    assert win.session.scenario is not None and win.session.lanes["left"].frames[0].method == "one-shot"
    first = win.worker
    win.controls.guidance.setValue(2.0)  # a value: it applies at once, the scenario's point stands
    qtbot.waitUntil(lambda: win.worker is not first, timeout=5000)
    wait_done(qtbot, win)
    assert win.session.scenario is not None and win.caption.text().startswith(win.session.scenario.title)
    assert win.session.lanes["left"].frames[0].method == "one-shot"
    win.controls.lanes["left"].mode.setCurrentText("autoregressive")  # the point changed: free play
    assert win.session.scenario is None and win.caption.text().startswith("Left: autoregression")


def test_closing_mid_run_stops_every_thread(qtbot, win):
    win.controls.speed.setCurrentText("10 steps/s")
    win.restart()
    qtbot.waitUntil(lambda: len(win.session.lanes["left"].frames) >= 2, timeout=30000)
    win.run_continuations()
    worker, task = win.worker, win.continuations.task
    win.close()  # returns at once: both are cancelled and end between their steps
    assert worker.cancelled() and task.cancelled()
    wait_threads_end(qtbot, [worker, task])
    assert not win.running_threads()


def test_keyboard_shortcuts(qtbot, win):
    from PySide6.QtCore import Qt

    win.controls.speed.setCurrentText("10 steps/s")
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=5000)
    qtbot.keyClick(win, Qt.Key_Space)  # play
    qtbot.waitUntil(
        lambda: win.worker is not None and sum(len(ln.frames) for ln in win.session.lanes.values()) >= 2, timeout=30000
    )
    qtbot.keyClick(win, Qt.Key_Space)  # pause
    assert win.worker.is_paused()
    n = sum(len(ln.frames) for ln in win.session.lanes.values())
    qtbot.keyClick(win, Qt.Key_Right)  # one step
    qtbot.waitUntil(lambda: sum(len(ln.frames) for ln in win.session.lanes.values()) == n + 1, timeout=10000)
    qtbot.keyClick(win, Qt.Key_L)
    assert win.lecture
    seed, first = win.controls.seed.value(), win.worker
    qtbot.keyClick(win, Qt.Key_N)  # new seed, new run
    assert win.controls.seed.value() != seed and win.worker is not first
    qtbot.keyClick(win, Qt.Key_F11)
    assert win.isFullScreen()
    qtbot.keyClick(win, Qt.Key_F11)
    assert not win.isFullScreen()
    second = win.worker
    qtbot.keyClick(win, Qt.Key_R)  # restart
    assert win.worker is not second and second.cancelled()
    wait_threads_end(qtbot, [second])


def test_frequency_plot_shows_diffusion_settling_coarse_first(qtbot, win):
    """The last plot: x0's power by frequency at the step on screen, relative to real images. Early
    in a diffusion run x0 is a blurry mean (far below real at the fine end, near it at the coarse
    end); at the end it is as fine as a real image. Scrubbing moves the curve with the step."""
    from PySide6.QtCore import Qt

    win.controls.steps.setValue(20)
    win.restart()
    wait_done(qtbot, win)
    curve = win.plots.curves[("spectrum", "right")]
    end = 10 ** np.asarray(curve.getData()[1])  # a log axis: the curve holds log10 values
    assert len(end) == 6 and end[-1] > 0.3  # fine detail like a real seven's
    win.timeline.setFocus()
    qtbot.keyClick(win.timeline, Qt.Key_Home)  # scrub to the start: the first diffusion step
    assert win.timeline.value() == 0 and win.current_frames()["right"].step == 0
    early = 10 ** np.asarray(curve.getData()[1])
    assert early[-1] < 0.25 * end[-1] and early[0] > 0.3  # coarse band there, the fine band missing
    assert "frequency" in win.plots.widgets["spectrum"].getPlotItem().titleLabel.text


@pytest.mark.slow
def test_k_continuations_early_in_a_pixel_by_pixel_run_are_capped_and_say_so(qtbot, win):
    """From step 3 of a raster run, 781 pixels are left: the continuations fix 13 a step (64 steps),
    not one (781 steps, minutes on a CPU), and the status line says so. (Single steps alternate
    between the panels at the same NFE: six give the left one three.)"""
    from PySide6.QtCore import Qt

    win.controls.order.setCurrentText("raster")
    win.controls.k.setCurrentText("1")
    win.controls.cont_k.setValue(4)
    assert win.restart(paused=True)
    for _ in range(6):
        win.step_once()
        qtbot.wait(300)
    qtbot.waitUntil(lambda: len(win.session.lanes["left"].frames) >= 3, timeout=30000)
    win.paint(force=True)
    qtbot.mouseClick(win.controls.cont, Qt.LeftButton)
    qtbot.waitUntil(lambda: win.continuations.task is not None and win.continuations.task.isFinished(), timeout=180000)
    qtbot.waitUntil(lambda: "continuations done" in win.status.text(), timeout=5000)
    assert "left: 13 pixels a step, at most 64 steps" in win.status.text()


def test_playing_on_or_leaving_the_slide_ends_running_continuations(qtbot, win):
    """Continuations belong to the step on screen: play (a remote's PageDown) cancels them and says
    so, and a new slide leaves no progress line behind ("16 continuations: left 12/35 …" stayed)."""
    win.controls.order.setCurrentText("raster")
    win.controls.k.setCurrentText("1")
    win.controls.cont_k.setValue(16)
    assert win.restart(paused=True)
    win.step_once()
    qtbot.waitUntil(lambda: len(win.session.lanes["left"].frames) >= 1, timeout=30000)
    win.paint(force=True)
    for leave in ("play", "new slide"):
        win.run_continuations()
        qtbot.waitUntil(lambda: "continuations:" in win.status.text(), timeout=60000)
        if leave == "play":
            win.toggle_play()
            assert win.continuations.task is None and win.status.text() == "continuations cancelled"
            assert win.is_playing()
            win.toggle_play()  # pause again for the next round
        else:
            assert win.apply_scenario("one-big-step", paused=True)
            assert win.continuations.task is None and "continuations" not in win.status.text()
    win.stop_run()


def test_a_new_window_shows_free_plays_settings_from_the_engine(qtbot):
    from engine.runtime.scenarios import FREE_PLAY
    from gui.main_window import MainWindow

    w = MainWindow(device="cpu", remember=False)
    try:
        settings, modes = w.controls.read()
        assert w.controls.order.currentText() == "random" and w.controls.prompt.text() == "seven"
        assert settings["left"].ar == FREE_PLAY.ar and settings["right"].diffusion == FREE_PLAY.diffusion
        assert modes == {"left": "autoregressive", "right": "diffusion"}
    finally:
        w.close()


def test_a_new_window_fits_its_screen(qtbot):
    """A 1280×720 projector clipped the window (it opened at 1600×1000 whatever the screen). Qt's
    offscreen screen (800×800) is smaller: the new window is no taller than it, and as narrow as
    the window's minimum allows."""
    from gui.main_window import FIRST_SIZE, MIN_WINDOW, MainWindow

    w = MainWindow(device="cpu", remember=False)
    try:
        screen = w.screen().availableGeometry().size()
        if screen.height() >= FIRST_SIZE.height():
            pytest.skip(f"this screen ({screen.width()}×{screen.height()}) holds the full first size")
        assert w.height() == screen.height()
        assert w.width() == max(MIN_WINDOW[0], min(FIRST_SIZE.width(), screen.width()))
    finally:
        w.close()


def test_diffusion_completion_shows_the_generated_region_in_its_state_canvas(qtbot, win):
    """complete-my-sketch: the diffusion panel's state is all of x_t, the completed lower half
    included (as the exported GIF shows it), not the given pixels on a 'not fixed yet' ground."""
    from gui import style

    assert win.apply_scenario("complete-my-sketch")
    wait_done(qtbot, win, timeout=180_000)
    shown = win.panels["right"].state.image.image
    unset = (
        np.all(shown[..., :3] == np.asarray(style.UNSET), axis=-1) if shown.ndim == 3 else np.zeros(shown.shape, bool)
    )
    assert not unset[14:].any()  # the lower half was generated and is painted
    final = win.session.lanes["right"].frames[-1].state[0]
    np.testing.assert_allclose(shown if shown.ndim == 2 else shown[..., 0] / 255, final, atol=1 / 255 + 1e-6)
