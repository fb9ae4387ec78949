"""Planned parallel decoding (ARDM): the dynamic program against brute force, plans that decode
every pixel once in exactly N steps, N = 784 is today's one-pixel run, bad N is a clear error."""

import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine.maths import planning
from engine.networks.models import ModelSet, planned_steps
from engine.runtime import runs
from engine.runtime.runs import ARSettings, RunSettings
from engine.runtime.samplers.autoregressive import sample_autoregressive
from tests.engine.helpers import tiny

ROOT = Path(__file__).resolve().parents[2]


def brute_force(curve, steps):
    d = len(curve)
    best = None
    for cuts in itertools.combinations(range(1, d), steps - 1):
        sizes = np.diff([0, *cuts, d])
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        cost = float((sizes * curve[starts]).sum())
        if best is None or cost < best[0] - 1e-12:
            best = (cost, tuple(int(s) for s in sizes))
    return best


@pytest.mark.parametrize("seed", range(4))
def test_dynamic_program_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    curve = np.sort(rng.random(9) * 3)[::-1] if seed % 2 else rng.random(9) * 3  # falling, and any shape
    for steps in range(1, 10):
        sizes = planning.plan(curve, steps)
        cost, _ = brute_force(curve, steps)
        assert len(sizes) == steps and sum(sizes) == 9 and min(sizes) >= 1
        assert planning.bound_bits_per_dim(curve, sizes) * 9 * np.log(2) == pytest.approx(cost, abs=1e-9)


def test_convex_falling_curve_decodes_few_pixels_first_many_last():
    curve = 1.0 / (1.0 + np.arange(784) / 50.0)  # steep early, flat late: like a real model's
    sizes = planning.plan(curve, 100)
    assert sizes[0] < sizes[-1] and list(sizes) == sorted(sizes)  # (a straight line would give uniform steps)
    assert planning.bound_bits_per_dim(curve, sizes) < planning.bound_bits_per_dim(curve, planning.uniform(8, 784))


@pytest.mark.slow
@pytest.mark.parametrize("steps", [1, 10, 100, 783, 784])
def test_plan_decodes_every_pixel_once_in_exactly_n_steps(steps):
    curve = np.linspace(1.0, 0.2, 784)
    sizes = planning.plan(curve, steps)
    assert len(sizes) == steps and sum(sizes) == 784
    net = tiny("autoregressive")
    for order in ("random", "raster", "confidence", "patches"):
        if steps > 100 and order == "confidence":
            continue  # ranks every pixel each step: slow on a tiny net too
        frames = list(
            sample_autoregressive(
                net,
                order=order,
                pixels_per_step=16 if order == "patches" else 1,
                plan=sizes,
                seed=1,
                x0=order == "confidence",
            )
        )
        fixed = np.concatenate([f.new_pixels.indices[0] for f in frames])
        assert len(frames) == steps and frames[-1].total_steps == steps
        assert sorted(fixed.tolist()) == list(range(784)), order
        assert frames[-1].known.all() and frames[-1].settings.plan == sizes


@pytest.mark.slow
def test_planned_784_steps_is_the_one_pixel_run_frame_for_frame():
    net = tiny("autoregressive")
    models = ModelSet("mnist", "cpu", ar=net, ar_loss_curves={"random": np.linspace(1, 0.2, 784)})
    base = RunSettings(label=3, seed=5, guidance=1.0, ar=ARSettings(order="random", pixels_per_step=1))
    planned = base.with_changes(ar=ARSettings(order="random", pixels_per_step=1, planned_steps=784))
    a, b = list(runs.ar_frames(models, base)), list(runs.ar_frames(models, planned))
    assert len(a) == len(b) == 784
    for fa, fb in zip(a, b):
        np.testing.assert_array_equal(fa.state, fb.state)
        np.testing.assert_array_equal(fa.new_pixels.indices, fb.new_pixels.indices)
        np.testing.assert_array_equal(fa.x0_mean, fb.x0_mean)
        assert fa.nfe == fb.nfe


def test_plan_with_given_pixels_covers_only_the_unknown_ones():
    net = tiny("autoregressive")
    models = ModelSet("mnist", "cpu", ar=net, ar_loss_curves={"random": np.linspace(1, 0.2, 784)})
    known = np.zeros((28, 28), bool)
    known[:14] = True
    s = RunSettings(
        seed=2, known=known, values=np.full((28, 28), 0.5, np.float32), ar=ARSettings(order="random", planned_steps=20)
    )
    frames = list(runs.ar_frames(models, s))
    assert len(frames) == 20 and sum(frames[-1].settings.plan) == 392


@pytest.mark.parametrize("bad", [0, 785, -3, "text", 2.5, None])
def test_bad_planned_steps_are_a_clear_error(bad):
    with pytest.raises(ValueError, match="planned steps must be"):
        planning.plan(np.ones(784), bad)


def test_settings_refuse_bad_planned_steps_and_cards_without_a_curve():
    with pytest.raises(ValueError, match="planned steps must be 1..784"):
        RunSettings(ar=ARSettings(planned_steps=785)).validate()
    models = ModelSet("mnist", "cpu", ar=tiny("autoregressive"))
    with pytest.raises(ValueError, match="engine.tools.loss_curve --dataset mnist --write-card"):
        planned_steps(models, 10)


@pytest.mark.slow
@pytest.mark.parametrize(
    "args, message",
    [
        (["--steps", "0"], "steps must be"),
        (["--steps", "785"], "planned steps must be 1..784"),
        (["--steps", "ten"], "steps"),
        (["--steps", "100", "--pixels-per-step", "4"], "give one of them"),
    ],
)
def test_sample_cli_refuses_bad_planned_steps(tmp_path, args, message):
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "engine.tools.sample",
            "--method",
            "autoregressive",
            "--n",
            "1",
            "--out",
            str(tmp_path / "a.npz"),
            *args,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 2 and message in r.stderr, r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "a.npz").exists()


def test_non_increasing_fit_removes_rises_and_keeps_a_falling_curve():
    falling = np.array([3.0, 2.0, 2.0, 1.0])
    np.testing.assert_array_equal(planning.non_increasing(falling), falling)
    fit = planning.non_increasing(np.array([1.0, 3.0, 2.0, 0.5]))  # the rise is pooled: (1 + 3 + 2) / 3
    np.testing.assert_allclose(fit, [2.0, 2.0, 2.0, 0.5])
    assert np.all(np.diff(planning.non_increasing(np.random.default_rng(0).random(784))) <= 0)


def test_a_parallel_step_never_beats_one_pixel_steps_on_a_non_increasing_curve():
    curve = planning.non_increasing(1.0 / (1.0 + np.arange(784) / 30.0) + np.random.default_rng(1).random(784) * 0.05)
    one = planning.bound_bits_per_dim(curve, (1,) * 784)
    bounds = [planning.bound_bits_per_dim(curve, planning.plan(curve, n)) for n in (400, 100, 20, 5)]
    assert one <= bounds[0] <= bounds[1] <= bounds[2] <= bounds[3]
