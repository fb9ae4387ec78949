"""The window under pressure and bad input (issue 16): a device this machine lacks, a broken
classifier, restarts and closes while long work runs, memory after closing, leaving a scenario."""

import gc
import shutil
import weakref

import pytest
import torch

from gui import worker as worker_mod
from gui.main_window import MainWindow
from tests.engine.helpers import BAD_WEIGHTS, corrupt

from .conftest import ROOT, wait_done, wait_threads_end


def _small(w):
    c = w.controls
    c.dataset.setCurrentText("mnist")
    c.prompt.setText("seven")
    c.k.setCurrentText("64")
    c.steps.setValue(10)
    c.speed.setCurrentText("max")


def test_cuda_without_cuda_falls_back_to_the_cpu_with_a_notice(qtbot, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    w = MainWindow(device="cuda", remember=False)
    try:
        w.show()
        _small(w)
        assert w.controls.device.currentText() == "auto"  # the failing choice is not what gets remembered
        assert any("cuda" in n and "CPU" in n for n in w.notices) and "CPU" in w.status.text()
        assert w.controls.state_dict()["device"] == "auto"
        assert w.restart() and not w.banner.isVisible()
        wait_done(qtbot, w)
        assert all(ln.frames and not ln.error for ln in w.session.lanes.values())  # panels painted, not empty
        w.controls.device.setCurrentText("cuda")  # chosen later in the box: the same fallback
        assert w.restart() and w.controls.device.currentText() == "auto" and not w.banner.isVisible()
        wait_done(qtbot, w)
    finally:
        w.close()
        qtbot.waitUntil(lambda: not w.running_threads(), timeout=60000)


def test_a_corrupt_classifier_leaves_the_panels_running(qtbot, monkeypatch, tmp_path):
    from engine.networks import weights

    for f in (ROOT / "weights").iterdir():
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "mnist_classifier.safetensors").write_bytes(b"not a safetensors file" * 10)
    monkeypatch.setattr(weights, "WEIGHTS_DIR", tmp_path)
    w = MainWindow(device="cpu", remember=False)
    try:
        w.show()
        _small(w)
        assert w.restart(), w.messages.last_error
        wait_done(qtbot, w)
        assert all(len(ln.frames) > 1 and not ln.error for ln in w.session.lanes.values())
        assert all("probs" not in m for ln in w.session.lanes.values() for m in ln.metrics)  # no classifier plot
        assert len(w.notices) == 1 and "mnist_classifier.safetensors" in w.notices[0]
        assert w.restart()  # the problem shows once, not at every run
        wait_done(qtbot, w)
        assert len(w.notices) == 1 and not w.banner.isVisible()
    finally:
        w.close()
        qtbot.waitUntil(lambda: not w.running_threads(), timeout=60000)


def test_restart_during_a_1000_step_run_does_not_wait_for_it(qtbot, win, monkeypatch):
    """The GUI thread never waits on the engine: the old worker is cancelled and left to end on
    its own (within one network step); the new run starts at once."""
    win.controls.steps.setValue(1000)
    win.controls.k.setCurrentText("1")
    assert win.restart()
    first = win.worker
    qtbot.waitUntil(lambda: len(win.session.lanes["right"].frames) >= 2, timeout=30000)
    waits = []
    monkeypatch.setattr(type(first), "wait", lambda self, *a: waits.append(a) or True)
    win.controls.seed.setValue(7)
    assert win.restart()
    assert first.cancelled() and win.worker is not first and win.worker.isRunning()
    assert not waits, "the GUI thread waited for a worker"
    win.step_once()  # stepping and closing do not wait either
    win.close()
    assert not waits
    monkeypatch.undo()
    wait_threads_end(qtbot, [first])
    assert len(first.lanes[1].frames) < 1000  # it stopped at its next step, it did not run on to the end


def _frame(step, total=3):
    import numpy as np

    from engine.runtime.frames import Frame

    img = np.full((1, 28, 28), 0.5, np.float32)
    return Frame(method="diffusion", step=step, total_steps=total, nfe=step + 1, state=img, x0_mean=img)


def test_a_cancelled_worker_drops_the_step_it_was_in():
    """Results of a worker cancelled mid-step are dropped (nobody shows that run any more); a
    worker whose lanes a next worker carries on keeps that step (keep_last)."""
    from gui.worker import Lane, RunWorker

    for keep, expected in ((False, 1), (True, 2)):
        w = None

        def gen():
            yield _frame(0)
            w.cancel()  # the cancel arrives while the next network step runs
            yield _frame(1)
            yield _frame(2)

        w = RunWorker([Lane("left", gen)])
        w.keep_last = keep
        w.run()  # in this thread
        assert len(w.lanes[0].frames) == expected


@pytest.mark.slow
def test_closed_windows_and_their_runs_are_released(qtbot):
    refs, runs = [], []
    for i in range(3):
        w = MainWindow(device="cpu", remember=False)
        w.show()
        _small(w)
        assert w.restart()
        wait_done(qtbot, w)
        runs.append(weakref.ref(w.session.lanes["left"].frames[-1]))
        if i == 1:  # K continuations too (a window that ran them was never freed)
            w.paint(force=True)
            w.run_continuations()
            qtbot.wait(100)
        w.close()
        refs.append(weakref.ref(w))
        del w
    qtbot.waitUntil(lambda: worker_mod.reap() == 0, timeout=60000)
    qtbot.wait(50)  # deleteLater
    gc.collect()
    assert [r() is None for r in refs] == [True] * 3
    assert [r() is None for r in runs] == [True] * 3  # their frames too


def test_a_restart_releases_the_old_runs_frames(qtbot, win):
    assert win.restart()
    wait_done(qtbot, win)
    old = weakref.ref(win.session.lanes["left"].frames[-1])
    old_worker = weakref.ref(win.worker)
    assert win.restart()
    wait_done(qtbot, win)
    qtbot.waitUntil(lambda: worker_mod.reap() == 0, timeout=60000)
    gc.collect()
    assert old() is None and old_worker() is None


def test_leaving_x0_is_a_mean_mid_run_by_a_new_seed_keeps_painting(qtbot, win):
    """Reported: choose x0-is-a-mean, change the seed: every repaint raised AttributeError
    ('NoneType' object has no attribute 'continuations_at') and the picture froze."""
    import sys

    errors = []
    old_hook = sys.excepthook
    sys.excepthook = lambda *a: errors.append(a)
    try:
        assert win.apply_scenario("x0-is-a-mean")
        win.controls.speed.setCurrentText("max")
        qtbot.waitUntil(lambda: len(win.session.lanes["left"].frames) >= 1, timeout=30000)
        win.end_scenario()  # what an edit of a point field does, before the run restarts
        win.paint(force=True)  # raised AttributeError before
        win.controls.seed.setValue(win.controls.seed.value() + 1)  # the user's edit: restart after a pause
        qtbot.waitUntil(
            lambda: (
                win.worker is not None
                and win.session.lanes
                and all(ln.done for ln in win.session.lanes.values())
                and win.session.lanes["left"].frames[0].settings.seed == win.controls.seed.value()
            ),
            timeout=120000,
        )
        win.paint(force=True)
    finally:
        sys.excepthook = old_hook
    assert not errors
    assert win.timeline.value() == win.timeline.maximum()  # the picture follows the run to its end


@pytest.mark.slow
def test_render_into_a_missing_folder_fails_before_the_work(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "missing" / "x.png"
    r = subprocess.run(
        [sys.executable, "main.py", "--render", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 2 and "wrote" not in r.stdout and not out.exists()
    assert len(r.stderr.strip().splitlines()) == 1 and "does not exist" in r.stderr


def test_exports_that_cannot_be_written_say_why_in_one_line(qtbot, win, tmp_path, monkeypatch):
    from gui import export

    (tmp_path / "file").write_text("x")
    assert not win.export_png(str(tmp_path / "file" / "window.png"))  # Ctrl+S into a "folder" that is a file
    assert win.banner.isVisible() and "not a folder" in win.messages.last_error and "\n" not in win.messages.last_error
    assert not win.export_png(str(tmp_path / "nowhere" / "window.png"))
    assert "does not exist" in win.messages.last_error
    assert win.restart()
    wait_done(qtbot, win)
    composed = []
    monkeypatch.setattr(export, "composite_frames", lambda *a, **k: composed.append(1) or [])
    with pytest.raises(OSError, match="does not exist"):
        win.export_run(str(tmp_path / "nowhere" / "run.mp4"))
    assert not composed  # the path is checked before the work
    monkeypatch.undo()

    def broken_pipe(*a):
        raise BrokenPipeError(32, "Broken pipe")  # what ffmpeg dying mid-write looks like

    monkeypatch.setattr(export, "_write", broken_pipe)
    with pytest.raises(OSError) as e:
        win.export_run(str(tmp_path / "run.mp4"))
    assert str(e.value) == f"could not write {tmp_path / 'run.mp4'}: Broken pipe"
    assert win.export_png(str(tmp_path / "ok.png")) and (tmp_path / "ok.png").stat().st_size > 1000


@pytest.mark.parametrize(
    "box, typed, rng",
    [("seed", "2147483648", "0 to 2147483647"), ("guidance", "21", "0 to 20"), ("temperature", "0.01", "0.05 to 3")],
)
def test_out_of_range_input_is_said_and_never_changes_the_value_silently(qtbot, win, box, typed, rng):
    from PySide6.QtCore import Qt

    w = getattr(win.controls, box)
    before = w.value()
    assert rng in w.toolTip()  # the allowed range is in the tooltip
    edit = w.lineEdit()
    edit.selectAll()
    qtbot.keyClicks(edit, typed)
    assert edit.text() == typed  # not clipped while typing (2147483648 used to become 214748364)
    qtbot.keyClick(edit, Qt.Key_Return)
    assert w.value() == before  # the last good value is kept, and the window says so
    assert win.banner.isVisible() and typed in win.messages.last_error and rng in win.messages.last_error
    assert "kept" in win.messages.last_error


@pytest.mark.slow
@pytest.mark.parametrize("bad", [["--seed", "99999999999999999999"], ["--seed", "-1"], ["--steps", "0"]])
def test_render_bad_run_options_exit_2_with_one_line_and_write_nothing(tmp_path, bad):
    import subprocess
    import sys

    out = tmp_path / "x.gif"
    r = subprocess.run(
        [sys.executable, "main.py", "--render", str(out), *bad], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and r.stderr.startswith("error:")
    assert not out.exists()  # --steps 0 used to run 100 steps silently


def test_render_writes_a_gif_without_a_window(qapp, tmp_path, monkeypatch):
    import imageio.v3 as iio

    import main
    from gui import main_window, render

    def no_window(*a, **k):
        raise AssertionError("--render .gif built a window")

    monkeypatch.setattr(main_window.MainWindow, "__init__", no_window)
    args = main.parse_args(
        ["--render", str(tmp_path / "run.gif"), "--steps", "4", "--pixels-per-step", "64", "--seed", "3"]
    )
    assert render.render(qapp, args.render, main.run_settings_from_args(args), "cpu") == 0
    pics = iio.imread(tmp_path / "run.gif")
    assert len(pics) >= 5 and pics[0].shape[0] > 400  # frames along the run, both lanes stacked


@pytest.mark.slow
@pytest.mark.parametrize("kind", BAD_WEIGHTS)
def test_a_bad_weights_file_is_one_clear_message_and_the_other_dataset_runs(qtbot, monkeypatch, tmp_path, kind):
    from engine.networks import weights

    for f in (ROOT / "weights").iterdir():
        shutil.copy(f, tmp_path / f.name)
    corrupt(tmp_path / "mnist_diffusion.safetensors", kind)
    monkeypatch.setattr(weights, "WEIGHTS_DIR", tmp_path)
    w = MainWindow(device="cpu", remember=False)
    try:
        w.show()
        _small(w)
        assert not w.restart()
        msg = w.messages.last_error
        assert w.banner.isVisible() and "mnist_diffusion" in msg and "\n" not in msg and "Traceback" not in msg
        w.controls.dataset.setCurrentText("fashion")
        assert w.restart(), w.messages.last_error
        wait_done(qtbot, w)
        assert all(len(ln.frames) > 1 and not ln.error for ln in w.session.lanes.values())
    finally:
        w.close()
        qtbot.waitUntil(lambda: not w.running_threads(), timeout=60000)
