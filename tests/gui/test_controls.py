"""The controls do what they show: the restart button, titles from what each panel runs, a
scenario's settings in the controls, edits that apply at once, an error banner that goes away."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine.runtime import fields

from .conftest import wait_done, wait_threads_end


def test_restart_button_click_starts_a_new_run(qtbot, win):
    win.controls.speed.setCurrentText("10 steps/s")
    assert win.restart()
    first = win.worker
    qtbot.waitUntil(lambda: len(win.session.lanes["left"].frames) >= 1, timeout=30000)
    qtbot.mouseClick(win.controls.restart, Qt.LeftButton)  # clicked(bool) once landed in restart(known=False)
    assert win.messages.last_error == "" and not win.banner.isVisibleTo(win)
    assert win.worker is not first and first.cancelled() and win.worker.isRunning()
    qtbot.waitUntil(lambda: len(win.session.lanes["left"].frames) >= 1, timeout=30000)
    assert win.session.lanes["left"].frames[0].step == 0
    win.stop_run()


@pytest.mark.slow
def test_titles_and_controls_follow_what_each_panel_runs(qtbot, win):
    assert win.apply_scenario("one-big-step")  # both panels run diffusion: 100 steps and 1 step
    wait_done(qtbot, win)
    lanes = win.controls.lanes
    assert [lanes[n].current_mode() for n in ("left", "right")] == ["diffusion", "diffusion"]
    assert lanes["left"].title() == lanes["right"].title() == "diffusion"
    assert lanes["left"].steps.value() == 100 and lanes["right"].steps.value() == 1
    assert lanes["right"].steps.isVisibleTo(win) and not lanes["right"].order.isVisibleTo(win)
    for n in ("left", "right"):
        assert win.panels[n].title.text().startswith("DIFFUSION")
        assert "autoregressive" not in win.plots.strips[n].title.text()
    assert "DDIM 100 steps" in win.plots.strips["left"].title.text()
    assert "DDIM 1 step" in win.plots.strips["right"].title.text()
    assert len(win.session.lanes["left"].frames) == 100 and len(win.session.lanes["right"].frames) == 1

    assert win.apply_scenario("greedy-vs-sampling")  # both autoregressive
    wait_done(qtbot, win)
    assert lanes["left"].title() == lanes["right"].title() == "autoregressive"
    assert lanes["left"].greedy.isChecked() and not lanes["right"].greedy.isChecked()
    assert all("diffusion" not in win.plots.strips[n].title.text() for n in ("left", "right"))
    assert win.session.lanes["right"].frames[-1].method == "autoregressive"


def test_the_uncertainty_plot_says_why_it_is_empty(qtbot, win):
    """Diffusion predicts no per-pixel spread: with no autoregressive panel the plot says so rather
    than stay blank; with one it shows the curve and no note."""
    assert win.apply_scenario("one-big-step")  # diffusion on both sides
    wait_done(qtbot, win)
    assert win.plots.no_spread.isVisible() and "only autoregression" in win.plots.no_spread.textItem.toPlainText()
    assert win.apply_scenario("too-many-pixels", variant=1)  # autoregression on both sides
    wait_done(qtbot, win)
    assert not win.plots.no_spread.isVisible()
    assert len(win.plots.curves[("uncertainty", "left")].getData()[0]) > 0


def test_a_scenario_shows_its_running_settings_in_the_controls(qtbot, win):
    lanes = win.controls.lanes
    assert win.apply_scenario("x0-is-a-mean", start=False)
    assert lanes["right"].sampler.currentText() == "ddpm" and not lanes["right"].eta.isVisibleTo(win)  # DDPM has no eta
    assert lanes["left"].k.currentText() == "16"
    assert win.apply_scenario("forward-processes", start=False)
    assert lanes["left"].k.currentText() == "8" and lanes["left"].order.currentText() == "random"
    assert lanes["right"].steps.value() == 98 and not lanes["right"].sampler.isVisibleTo(win)
    assert win.apply_scenario("too-many-pixels", variant=1, start=False)  # the 64 pixels/step variant
    assert lanes["left"].k.currentText() == lanes["right"].k.currentText() == "64"
    assert lanes["left"].order.currentText() == "patches" and lanes["right"].order.currentText() == "random"
    s, modes = win.controls.read()  # what the controls show is what runs
    assert s["left"].ar.pixels_per_step == 64 and modes == {"left": "autoregressive", "right": "autoregressive"}


def test_forward_processes_advance_in_step(qtbot, win):
    assert win.apply_scenario("forward-processes")
    win.worker.steps_per_second = 50.0
    seen = []
    for _ in range(3):  # at several moments of the run, neither panel is ahead by more than a step
        qtbot.waitUntil(lambda: len(win.session.lanes["right"].frames) >= 10 * (len(seen) + 1), timeout=60000)
        with win.worker.lock:
            seen.append((len(win.session.lanes["left"].frames), len(win.session.lanes["right"].frames)))
    assert all(abs(a - b) <= 1 for a, b in seen), seen
    win.worker.steps_per_second = 0.0
    wait_done(qtbot, win)
    left, right = win.session.lanes["left"].frames, win.session.lanes["right"].frames
    assert len(left) == len(right) == 98 and left[-1].total_steps == right[-1].total_steps == 98
    assert not left[-1].known.any() and right[-1].noise_level.t == 999  # both end fully degraded


def test_an_edited_value_restarts_the_run_with_it(qtbot, win):
    assert win.restart()
    wait_done(qtbot, win)
    first = win.worker
    win.controls.lanes["right"].steps.setValue(5)  # as the user would: through the widget
    qtbot.waitUntil(lambda: win.worker is not first, timeout=5000)
    wait_done(qtbot, win)
    assert len(win.session.lanes["right"].frames) == 5
    second = win.worker
    win.controls.lanes["left"].k.setCurrentText("16")
    qtbot.waitUntil(lambda: win.worker is not second, timeout=5000)
    wait_done(qtbot, win)
    assert win.session.lanes["left"].frames[-1].total_steps == 49


def test_the_error_banner_goes_once_the_input_is_fixed(qtbot, win):
    assert win.restart()
    wait_done(qtbot, win)
    prompt = win.controls.prompt
    prompt.setFocus()
    prompt.selectAll()
    qtbot.keyClicks(prompt, "giraffe")
    qtbot.waitUntil(lambda: win.banner.isVisibleTo(win), timeout=5000)
    assert "giraffe" in win.banner.text()
    prompt.selectAll()
    qtbot.keyClicks(prompt, "three")
    qtbot.waitUntil(lambda: not win.banner.isVisibleTo(win), timeout=5000)
    assert win.messages.last_error == ""
    wait_done(qtbot, win)
    assert win.session.lanes["left"].frames[-1].labels[0] == 3  # and the fixed prompt is what runs


def test_the_error_banner_never_widens_the_window(qtbot, win):
    win.resize(1280, 720)
    qtbot.wait(50)
    before = win.minimumSizeHint().width()
    win.controls.prompt.setText("x" * 400)  # a long paste, no spaces to wrap at
    assert not win.restart()
    assert win.banner.isVisibleTo(win) and len(win.banner.text()) < 260 and "x" * 400 in win.messages.last_error
    qtbot.wait(50)
    assert win.minimumSizeHint().width() == before and win.width() == 1280


def _spread_samples(spread: float = 0.2):
    """16 continuations whose mean is 0 and whose every one lies `spread` from it (std `spread`)."""
    import numpy as np

    return np.concatenate([np.full((8, 28, 28), spread), np.full((8, 28, 28), -spread)]).astype(np.float32)


def test_the_continuations_label_claims_only_what_its_numbers_show():
    import numpy as np

    from engine.runtime.samplers.continuations import Continuations
    from gui.panels import continuations_verdict

    std = np.full((28, 28), 0.2, np.float32)  # sampling error of a mean of 16: 0.2 / 4 = 0.05
    img = np.zeros((28, 28), np.float32)
    close = Continuations(samples=_spread_samples(), mean=img, std=std, x0_mean=img, error=0.06)
    far = Continuations(samples=_spread_samples(), mean=img, std=std, x0_mean=img, error=0.25)
    assert close.nearest == pytest.approx(0.2) and close.sampling_error == pytest.approx(0.05)
    assert "x0 is their mean" in continuations_verdict(close, 6) and "± 0.050" in continuations_verdict(close, 6)
    assert "nearest continuation 0.200" in continuations_verdict(close, 6)
    assert "differs from x0" in continuations_verdict(far, 6) and "x0 is their mean" not in continuations_verdict(
        far, 6
    )


def test_the_continuations_test_accepts_their_mean_and_refuses_one_of_them():
    """The verdict's rule on real-looking numbers: x0 at the samples' mean (up to a small offset)
    matches; one of the samples, or a sample like them, put in x0's place does not."""
    import numpy as np

    from engine.runtime.samplers.continuations import Continuations

    rng = np.random.default_rng(0)
    centre = rng.uniform(0, 1, (28, 28)).astype(np.float32)
    samples = np.clip(centre + rng.normal(0, 0.2, (17, 28, 28)), 0, 1).astype(np.float32)
    held_out, samples = samples[0], samples[1:]
    mean, std = samples.mean(0), samples.std(0)

    def judged(x0):
        return Continuations(samples, mean, std, x0, float(np.sqrt(np.mean((mean - x0) ** 2)))).matches_x0()

    assert judged(mean) and judged(np.clip(mean + 0.03, 0, 1))  # the mean, and the mean a little off
    assert not judged(samples[3]) and not judged(held_out)  # one continuation is not their mean
    assert not judged(np.clip(mean + 0.3, 0, 1))  # nor is an image far from all of them


def test_late_in_a_run_an_unseen_difference_is_a_match():
    """When little is left to decide the continuations almost coincide; a difference of 1.5 % grey
    (below 5 of 255 levels) is a match, and the label says why; 5 % is not."""
    import numpy as np

    from engine.runtime.samplers.continuations import Continuations
    from gui.panels import continuations_verdict

    img, std = np.zeros((28, 28), np.float32), np.full((28, 28), 0.005, np.float32)
    late = Continuations(samples=_spread_samples(0.005), mean=img, std=std, x0_mean=img, error=0.015)
    assert late.matches_x0() and "less than 2 % grey apart" in continuations_verdict(late, 700)
    off = Continuations(samples=_spread_samples(0.005), mean=img, std=std, x0_mean=img, error=0.05)
    assert not off.matches_x0()


def test_pacing_says_when_the_machine_cannot_keep_up():
    from gui.worker import pace_note

    assert pace_note(50.0, 48.0) == "" and pace_note(0.0, 3.0) == "" and pace_note(50.0, None) == ""
    assert pace_note(200.0, 61.4) == "running at 61 of 200 steps/s"


def test_a_new_slide_does_not_keep_the_last_runs_pace_note(qtbot, win):
    win.messages.report_pace(200.0, 13.0)
    assert win.status.text() == "running at 13 of 200 steps/s"
    assert win.apply_scenario("one-big-step", paused=True)  # a lesson's ready slide: nothing paints
    assert win.status.text() == ""
    win.messages.show_status("16 continuations done")
    assert win.apply_scenario("one-big-step", paused=True)
    assert win.status.text() == "16 continuations done"  # only the pace note goes
    win.stop_run()


def test_the_guidance_view_shows_with_and_without_the_prompt(qtbot, win):
    from PySide6.QtCore import Qt

    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=5000)
    assert win.restart()  # guidance w = 3: two network passes a step
    wait_done(qtbot, win)
    p = win.panels["right"]
    assert p.side.currentWidget() is not p.guide_box
    qtbot.keyClick(win, Qt.Key_G)
    assert win.guidance_view and p.side.currentWidget() is p.guide_box
    f = win.current_frames()["right"]
    gp = f.guidance_parts
    assert np.allclose(p.cond.image.image, gp.cond[0]) and np.allclose(p.uncond.image.image, gp.uncond[0])
    assert np.allclose(p.guide_diff.image.image, 3.0 * (gp.cond[0] - gp.uncond[0]), atol=1e-5)
    assert "w = 3" in p.guide_label.text()
    # the last frame: what w adds is black to the eye, and the label says why
    assert np.abs(3.0 * (gp.cond[0] - gp.uncond[0])).max() < 0.04
    assert "nothing left to decide" in p.guide_label.text()
    win.timeline.setValue(f.nfe // 10)  # an early step: guidance is still deciding, nothing is said
    qtbot.waitUntil(lambda: "nothing left" not in p.guide_label.text(), timeout=3000)
    qtbot.keyClick(win, Qt.Key_G)
    assert p.side.currentWidget() is not p.guide_box
    assert win.apply_scenario("guidance", variant=2)  # the guidance scenario turns it on (w = 3)
    wait_done(qtbot, win)
    assert win.guidance_view and p.side.currentWidget() is p.guide_box


def test_clicking_a_grey_level_forces_the_pixel_and_the_rest_adapts(qtbot, win):
    from PySide6.QtCore import QPointF

    win.controls.k.setCurrentText("16")
    assert win.restart()
    wait_done(qtbot, win)
    left = win.session.lanes["left"]
    before = list(left.frames)
    win.timeline.setValue(before[9].nfe)  # scrub back to step 10
    shown = win.current_frames()["left"]
    assert shown is before[9]
    win.paint(force=True)
    pixel = int(shown.new_pixels.indices[0][0])
    hist = win.panels["left"].hist
    vb = hist.getPlotItem().vb
    pos = hist.mapFromScene(vb.mapViewToScene(QPointF(255, 0.5)))
    qtbot.mouseClick(hist.viewport(), Qt.LeftButton, pos=pos)  # a real click on grey level 255
    assert win.worker is not None and "forced to grey level 255" in win.status.text()
    wait_done(qtbot, win)
    frames = win.session.lanes["left"].frames
    assert all(a is b for a, b in zip(frames[:10], before[:10]))  # the steps before stay
    assert frames[10].state[0].reshape(-1)[pixel] == 1.0  # the forced value, from the next step on
    assert frames[-1].state[0].reshape(-1)[pixel] == 1.0 and frames[-1].known.all()
    assert [f.step for f in frames] == list(range(len(frames))) and frames[-1].is_last
    assert all(b.nfe > a.nfe for a, b in zip(frames, frames[1:]))  # one timeline, NFE rising
    assert win.session.lanes["right"].frames[-1].is_last  # the other panel carried on
    marks = win.panels["left"].state.marks  # the forced pixel is marked on the state canvas, to the end
    r, c = divmod(pixel, 28)
    assert [(p.pos().x(), p.pos().y()) for p in marks.points()] == [(c + 0.5, r + 0.5)]
    assert marks.opts["pen"].color().getRgb()[:3] != win.panels["left"].state.outline.opts["pen"].color().getRgb()[:3]
    win.timeline.setValue(frames[5].nfe)  # before the force: no mark
    assert len(marks.points()) == 0


def test_continuations_show_progress_and_can_be_cancelled(qtbot, win):
    win.controls.k.setCurrentText("1")  # AR one pixel a step: hundreds of batched continuation steps
    win.controls.cont_k.setValue(64)
    win.controls.speed.setCurrentText("10 steps/s")
    assert win.restart()
    qtbot.waitUntil(lambda: len(win.session.lanes["left"].frames) >= 3, timeout=30000)
    qtbot.mouseClick(win.controls.cont, Qt.LeftButton)
    assert win.worker.is_paused() and win.controls.cont.text() == "✕ cancel"
    qtbot.waitUntil(lambda: "left " in win.status.text() and "/" in win.status.text(), timeout=60000)
    assert "continuations:" in win.status.text()  # e.g. "64 continuations: left 5/781 · right 3/10"
    task = win.continuations.task
    qtbot.mouseClick(win.controls.cont, Qt.LeftButton)  # the same button cancels
    assert task.cancelled() and win.continuations.task is None and win.status.text() == "continuations cancelled"
    wait_threads_end(qtbot, [task])  # it ends between its steps; nobody waited for it
    qtbot.waitUntil(lambda: win.controls.cont.text() == "K continuations", timeout=5000)
    qtbot.wait(200)
    assert not win.panels["left"].cont_box.isVisible()
    win.stop_run()


def test_a_new_run_cancels_the_old_runs_continuations(qtbot, win):
    win.controls.k.setCurrentText("1")
    win.controls.cont_k.setValue(64)
    win.controls.speed.setCurrentText("10 steps/s")
    assert win.restart()
    qtbot.waitUntil(lambda: len(win.session.lanes["left"].frames) >= 3, timeout=30000)
    win.run_continuations()
    task = win.continuations.task
    assert task.isRunning()
    assert win.restart()  # e.g. the next slide of a lesson: the old continuations stop
    assert task.cancelled() and win.continuations.task is None  # at once, without waiting for it
    wait_threads_end(qtbot, [task])
    win.stop_run()


def test_a_hesitant_pixel_stands_above_the_baseline_and_a_sure_one_is_a_spike(qtbot, win):
    """p(this pixel) on the pixel-by-pixel slide: a fixed log axis on which a pixel the network
    hesitates over shows its spread (>= 20 % of the height over many grey levels) while a sure one
    is one spike, and the axis never moves."""
    assert win.apply_scenario("pixel-by-pixel")
    wait_done(qtbot, win, timeout=120_000)
    frames = win.session.lanes["left"].frames
    peaks = [float(f.new_pixels.probs[0, 0].max()) for f in frames]
    hesitant, sure = int(np.argmin(peaks)), int(np.argmax(peaks))
    assert peaks[hesitant] < 0.1 and peaks[sure] > 0.95
    panel = win.panels["left"]
    heights = {}
    for name, i in (("hesitant", hesitant), ("sure", sure)):
        panel.show_frame(frames, i)
        heights[name] = np.asarray(panel.hist_bars.getData()[1])
        assert panel.hist.getViewBox().viewRange()[1] == pytest.approx([-0.02, 1.02], abs=0.01)
    assert heights["hesitant"].max() >= 0.2 and (heights["hesitant"] >= 0.2).sum() >= 20
    assert (heights["sure"] >= 0.9).sum() == 1 and (heights["sure"] >= 0.2).sum() <= 10


def test_a_ready_slide_names_its_views_for_its_mode(qtbot, win):
    """Before it plays (a lesson's slide arrives paused at step 0), a panel's side views are titled
    for its own mode, not for the last run's."""
    assert win.apply_scenario("forward-processes")  # a run with other side views first
    wait_done(qtbot, win)
    assert win.apply_scenario("blurry-mess", paused=True)
    qtbot.waitUntil(lambda: win.panels["right"].extra.title.text() == "per-pixel std", timeout=30000)
    assert win.panels["left"].extra.title.text() == "per-pixel std"
    assert win.panels["left"].x0.title.text() == "x0: predicted clean image"
    assert win.panels["right"].title.full_text() == "ONE SHOT: INDEPENDENT PIXELS — “seven”"
    assert win.apply_scenario("forward-processes", paused=True)
    qtbot.waitUntil(lambda: win.panels["right"].extra.title.text() == "the noise ε added", timeout=30000)
    assert win.panels["left"].extra.title.text() == "pixels still present"
    assert win.panels["left"].x0.title.text() == "x0: the real image"
    win.stop_run()


def test_a_narrow_title_drops_the_prompt_before_the_method_is_cut(qtbot):
    from gui.fit_label import FitLabel

    label = FitLabel()
    qtbot.addWidget(label)
    full, short = "ONE SHOT: INDEPENDENT PIXELS — “seven”", "ONE SHOT: INDEPENDENT PIXELS"
    label.set_texts(full, short)
    fm = label.fontMetrics()
    label.show()
    for width, shown in [(fm.horizontalAdvance(full) + 20, full), (fm.horizontalAdvance(short) + 20, short)]:
        label.resize(width, 30)
        assert label.text() == shown and label.full_text() == full, width
    label.resize(fm.horizontalAdvance("ONE SHOT") + 20, 30)
    assert label.text().startswith("ONE SHOT") and label.text().endswith("…")


def test_a_typed_number_applies_without_enter_and_the_presenter_keys_still_work(qtbot, win):
    assert win.restart()
    wait_done(qtbot, win)
    first = win.worker
    box = win.controls.lanes["right"].steps
    qtbot.mouseClick(box.lineEdit(), Qt.LeftButton)  # a click in a number box gives it the focus
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "5")  # no Enter
    qtbot.waitUntil(lambda: fields.get(win.session.settings["right"], "steps") == 5, timeout=5000)
    qtbot.waitUntil(lambda: win.worker is not first, timeout=5000)  # and the run restarts with it
    wait_done(qtbot, win)
    assert len(win.session.lanes["right"].frames) == 5
    assert box.hasFocus()
    second = win.worker
    qtbot.keyClick(box, Qt.Key_R)  # R restarts, right after typing in the box
    assert win.worker is not second
    assert box.text() == "5"  # and typed nothing
    qtbot.keyClick(box, Qt.Key_Space)  # Space pauses / plays, never blanks the box
    assert box.text() == "5" and win.worker.is_paused()
    third = win.worker
    win.stop_run()
    qtbot.keyClick(box, Qt.Key_Right)  # → steps once (a new paused run: none was running)
    assert win.worker is not third
    qtbot.waitUntil(lambda: any(ln.frames for ln in win.session.lanes.values()), timeout=30000)
    assert box.text() == "5" and fields.get(win.session.settings["right"], "steps") == 5


def test_a_number_box_keeps_only_what_types_a_number(qtbot, win):
    box = win.controls.guidance
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "2.5")
    qtbot.keyClick(box, Qt.Key_B)  # the lesson's blank key: the window's, not a letter in the box
    qtbot.keyClick(box, Qt.Key_PageDown)  # the remote's next: never steps the box by ten
    assert box.lineEdit().text().startswith("2.5")
    qtbot.waitUntil(lambda: win.session.settings["left"].guidance == 2.5, timeout=5000)
    assert box.value() == 2.5


def test_an_out_of_range_number_typed_without_enter_is_said_and_kept(qtbot, win):
    box = win.controls.guidance
    before = box.value()
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "21")
    qtbot.waitUntil(lambda: "kept" in win.messages.last_error, timeout=5000)
    assert box.value() == before and box.lineEdit().text() == box.textFromValue(before)


def test_an_ar_verdict_says_what_a_difference_means():
    import numpy as np

    from engine.runtime.frames import AUTOREGRESSIVE, DIFFUSION
    from engine.runtime.samplers.continuations import Continuations
    from gui.panels import continuations_verdict

    std, img = np.full((28, 28), 0.2, np.float32), np.zeros((28, 28), np.float32)
    common = dict(samples=_spread_samples(), mean=img, std=std, x0_mean=img)
    far_ar = Continuations(**common, error=0.25, pixels_per_step=9, method=AUTOREGRESSIVE, capped_at=64)
    text = continuations_verdict(far_ar, 490)
    assert "differs from x0" in text and "self-consistent across orders" in text
    assert "capped at 64 steps" in text and "9 pixels at once" in text
    uncapped = Continuations(**common, error=0.25, pixels_per_step=1, method=AUTOREGRESSIVE)
    assert "self-consistent" in continuations_verdict(uncapped, 490) and "capped" not in continuations_verdict(uncapped)
    close_ar = Continuations(**common, error=0.06, pixels_per_step=9, method=AUTOREGRESSIVE, capped_at=64)
    assert "self-consistent" not in continuations_verdict(close_ar)  # a match needs no excuse
    far_diffusion = Continuations(**common, error=0.25, method=DIFFUSION)
    assert "self-consistent" not in continuations_verdict(far_diffusion)


def test_enter_in_the_prompt_gives_the_keys_back_to_the_window(qtbot, win):
    prompt = win.controls.prompt
    prompt.setFocus()
    prompt.selectAll()
    qtbot.keyClicks(prompt, "three")  # letters type into the prompt (a class name needs them)
    qtbot.keyClick(prompt, Qt.Key_Return)
    assert prompt.text() == "three" and not prompt.hasFocus()
    qtbot.keyClick(win, Qt.Key_R)  # and R restarts at once
    assert win.worker is not None and prompt.text() == "three"
    wait_done(qtbot, win)
    assert win.session.lanes["left"].frames[-1].labels[0] == 3


def test_after_a_drop_down_or_a_check_box_edit_the_keys_are_the_windows(qtbot, win):
    combo, box = win.controls.lanes["left"].k, win.controls.lanes["left"].greedy
    for w in (combo, box):
        w.setFocus()
        before = box.isChecked()
        old = win.worker
        qtbot.keyClick(w, Qt.Key_R)  # R restarts
        assert win.worker is not old and win.worker is not None
        qtbot.keyClick(w, Qt.Key_Space)  # Space pauses: the check box is not toggled
        assert box.isChecked() == before and win.worker.is_paused()
    win.stop_run()
