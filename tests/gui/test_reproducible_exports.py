"""Every export carries its exact run (issue 26): a PNG in its `pixels-and-noise` text chunk, a GIF
or MP4 in a `.json` sidecar; `main.py --replay FILE` re-runs exactly that run."""

import json
import subprocess
import sys

import numpy as np
import pytest

from engine.runtime import record

from .conftest import ROOT, wait_done

SMALL = ["--pixels-per-step", "64", "--steps", "5", "--device", "cpu"]


def _main(*args):
    r = subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    return r


def test_a_window_png_and_a_gif_carry_the_run_and_replay_it(qtbot, win, tmp_path):
    win.session.edit("guidance", 2.25)
    win.session.edit("seed", 4)
    assert win.restart()
    wait_done(qtbot, win)
    png, gif = tmp_path / "w.png", tmp_path / "r.gif"
    assert win.export_png(str(png))
    win.export_run(str(gif))
    for f in (png, gif):
        rec = record.read(f)
        settings, modes = record.to_run(rec)
        assert modes == win.session.running_modes
        assert settings == win.session.running and settings["left"].guidance == 2.25
    assert json.loads((tmp_path / "r.gif.json").read_text()) == record.read(png)
    # replayed in the window: the same frames
    before = {n: ln.frames[-1].x0_mean.copy() for n, ln in win.session.lanes.items()}
    win.session.edit("guidance", 7.0)  # an edit since: the replay puts the recorded run back
    win.session.use_run(*record.to_run(record.read(png)))
    assert win.restart()
    wait_done(qtbot, win)
    assert all(np.array_equal(ln.frames[-1].x0_mean, before[n]) for n, ln in win.session.lanes.items())


@pytest.mark.slow
def test_render_png_and_gif_record_and_run_guidance_225_and_replay_exactly(tmp_path):
    a_png, a_gif, b_gif = tmp_path / "a.png", tmp_path / "a.gif", tmp_path / "b.gif"
    _main("--render", str(a_png), "--guidance", "2.25", *SMALL)
    _main("--render", str(a_gif), "--guidance", "2.25", *SMALL)
    rp, rg = record.read(a_png), record.read(a_gif)
    assert rp["settings"]["left"]["guidance"] == rg["settings"]["right"]["guidance"] == 2.25
    assert rp == rg  # the window's path and the headless path run the same settings
    _main("--replay", str(a_png), "--render", str(b_gif), "--device", "cpu")
    assert record.read(b_gif) == rp
    assert a_gif.read_bytes() == b_gif.read_bytes()  # exactly that run, frame for frame


@pytest.mark.slow
def test_replay_of_a_file_with_no_record_is_one_line(tmp_path):
    from PIL import Image

    plain = tmp_path / "plain.png"
    Image.new("L", (4, 4)).save(plain)
    for f in (plain, tmp_path / "missing.gif"):
        r = subprocess.run(
            [sys.executable, "main.py", "--replay", str(f)], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and r.stderr.startswith("error:")
