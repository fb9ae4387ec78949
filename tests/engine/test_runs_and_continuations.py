"""Run settings validation, the factories the GUI calls, K continuations, resuming, order skipping."""

import numpy as np
import pytest
import torch

from engine.maths import guidance
from engine.networks.bank import Bank
from engine.networks.models import ModelSet
from engine.networks.nets import NULL_LABEL
from engine.runtime import runs
from engine.runtime.samplers.autoregressive import sample_autoregressive
from engine.runtime.samplers.continuations import Continuations, continuations, iter_continuations
from engine.runtime.samplers.diffusion import sample_diffusion
from tests.engine.helpers import ConstantEps, tiny

AR = tiny("autoregressive")
DM = tiny("diffusion")
MODELS = ModelSet(
    "mnist",
    torch.device("cpu"),
    ar=AR,
    diffusion=DM,
    classifier=None,
    bank=Bank(np.tile(np.arange(10, dtype=np.uint8)[:, None, None] * 20, (1, 28, 28)), np.arange(10)),
)
FAST = runs.RunSettings(
    label=3,
    guidance=2.0,
    seed=1,
    ar=runs.ARSettings(order="random", pixels_per_step=98),
    diffusion=runs.DiffusionSettings(sampler="ddpm", steps=6),
)


@pytest.mark.parametrize(
    "change",
    [
        dict(dataset="cifar"),
        dict(label=12),
        dict(seed=-1),
        dict(guidance=-0.5),
        dict(ar=runs.ARSettings(order="zigzag")),
        dict(ar=runs.ARSettings(order="patches", pixels_per_step=8)),
        dict(ar=runs.ARSettings(temperature=0.0)),
        dict(ar=runs.ARSettings(pixels_per_step=0)),
        dict(diffusion=runs.DiffusionSettings(steps=0)),
        dict(diffusion=runs.DiffusionSettings(steps=1001)),
        dict(diffusion=runs.DiffusionSettings(sampler="euler")),
        dict(diffusion=runs.DiffusionSettings(eta=2.0)),
        dict(known=np.ones((28, 28), bool)),
        dict(known=np.ones((5, 5), bool), values=np.ones((5, 5))),
        dict(known=np.ones((28, 28), bool), values=np.full((28, 28), 2.0)),
    ],
)
def test_run_settings_reject_bad_values(change):
    with pytest.raises(ValueError):
        runs.RunSettings(**change).validate()


def test_default_run_settings_are_valid():
    assert runs.RunSettings().validate() == runs.RunSettings()


def test_factories_yield_frames_of_each_method():
    ar = list(runs.ar_frames(MODELS, FAST, n=2))
    dm = list(runs.diffusion_frames(MODELS, FAST))
    one = list(runs.one_shot_frames(MODELS, FAST, "independent"))
    fa = list(runs.forward_frames(MODELS, FAST, "autoregressive", bank_index=0))
    fd = list(runs.forward_frames(MODELS, FAST, "diffusion"))
    assert [len(ar), len(dm), len(one), len(fa), len(fd)] == [8, 6, 1, 8, 6]
    assert ar[-1].state.shape == (2, 28, 28) and ar[-1].known.all() and ar[-1].labels.tolist() == [3, 3]
    assert {f.method for f in (ar[0], dm[0], one[0], fa[0], fd[0])} == {
        "autoregressive",
        "diffusion",
        "one-shot",
        "forward-autoregressive",
        "forward-diffusion",
    }
    assert np.allclose(fa[0].x0_mean[0], 60 / 255)  # the bank image of class 3
    with pytest.raises(ValueError):
        runs.forward_frames(MODELS, FAST, "teleport")


def test_frames_do_not_share_arrays():
    a, b = list(runs.ar_frames(MODELS, FAST))[:2]
    assert not np.shares_memory(a.state, b.state) and not np.shares_memory(a.known, b.known)
    assert a.settings == b.settings and a.settings.order == FAST.ar.order
    c, d = list(runs.forward_frames(MODELS, FAST, "diffusion"))[:2]
    assert not np.shares_memory(c.noise_level.eps_hat, d.noise_level.eps_hat)


def test_ar_continuations_keep_the_frame_pixels_and_vary_elsewhere():
    frames = list(runs.ar_frames(MODELS, FAST))
    f = frames[2]
    c = continuations(MODELS, f, k=6, seed=4)
    assert c.samples.shape == (6, 28, 28) and c.mean.shape == c.std.shape == c.x0_mean.shape == (28, 28)
    known = f.known[0]
    assert np.allclose(c.samples[:, known], f.state[0][known]) and c.std[known].max() < 1e-6
    assert c.std[~known].mean() > 0 and np.isfinite(c.error) and c.error >= 0
    assert np.allclose(c.x0_mean, f.x0_mean[0])


def test_ar_continuation_follows_the_runs_random_order():
    frames = list(sample_autoregressive(AR, n=1, order="random", pixels_per_step=98, seed=7))
    f = frames[2]
    rest = list(
        sample_autoregressive(
            AR,
            n=1,
            order="random",
            pixels_per_step=98,
            seed=99,
            known=f.known[0],
            values=f.state[0],
            order_seed=f.settings.order_seed,
        )
    )
    assert len(rest) == 5
    for a, b in zip(frames[3:], rest):
        assert np.array_equal(a.new_pixels.indices, b.new_pixels.indices)


def test_diffusion_continuations_differ_and_the_last_frame_has_none_left():
    frames = list(runs.diffusion_frames(MODELS, FAST))
    c = continuations(MODELS, frames[1], k=5, seed=0)
    assert c.samples.shape == (5, 28, 28) and c.std.mean() > 0
    done = continuations(MODELS, frames[-1], k=3)
    assert np.allclose(done.samples, frames[-1].state[0]) and done.std.max() < 1e-6
    with pytest.raises(ValueError):
        continuations(MODELS, list(runs.one_shot_frames(MODELS, FAST))[0])


def test_continuations_report_progress_and_stop_when_the_caller_stops():
    frames = list(runs.diffusion_frames(MODELS, FAST))
    items = list(iter_continuations(MODELS, frames[0], k=3, seed=0))
    progress, result = items[:-1], items[-1]
    assert [p.done for p in progress] == list(range(1, len(progress) + 1)) and progress[-1].total == len(progress)
    assert len(progress) == len(frames) - 1 and progress[0].mean.shape == (28, 28)
    assert isinstance(result, Continuations) and np.allclose(result.mean, progress[-1].mean, atol=1e-6)
    it = iter_continuations(MODELS, frames[0], k=3, seed=0)
    next(it)
    it.close()  # cancelling between steps: nothing more is computed
    with pytest.raises(StopIteration):
        next(it)
    with pytest.raises(ValueError, match="cannot change"):
        continuations(MODELS, frames[0], k=2, seed_of_order=3)


def test_diffusion_continuations_keep_inpainted_pixels():
    known = np.zeros((28, 28), bool)
    known[:, :10] = True
    values = np.full((28, 28), 0.25, np.float32)
    frames = list(runs.diffusion_frames(MODELS, FAST.with_changes(known=known, values=values)))
    c = continuations(MODELS, frames[2], k=4, seed=1)
    assert np.allclose(c.samples[:, known], 0.25, atol=1e-6)


def test_diffusion_resume_off_the_grid_starts_at_the_given_timestep():
    x = np.zeros((1, 28, 28), np.float32)
    frames = list(sample_diffusion(ConstantEps(0.0), n=1, sampler="ddim", steps=10, start=(x, 550)))
    # 550 itself, then the grid of 10 steps below it: 499, 399, ..., 99, then clean
    assert [f.noise_level.t for f in frames] == [499, 399, 299, 199, 99, -1]
    with pytest.raises(ValueError):
        next(sample_diffusion(DM, n=1, steps=10, start=(x, 1000)))
    assert list(sample_diffusion(DM, n=1, steps=10, start=(x, -1))) == []


def test_ar_inpainting_skips_known_pixels_in_a_random_order():
    known = np.zeros((28, 28), bool)
    known[:14] = True  # 392 pixels known, 392 left
    values = np.full((28, 28), 0.5, np.float32)
    frames = list(sample_autoregressive(AR, n=2, order="random", pixels_per_step=98, known=known, values=values))
    assert len(frames) == 4 == frames[0].total_steps
    for f in frames:
        assert not known.reshape(-1)[f.new_pixels.indices].any()  # every step fixes only new pixels
    patched = list(sample_autoregressive(AR, n=1, order="patches", pixels_per_step=196, known=known, values=values))
    assert len(patched) == 2 and all(f.new_pixels.indices.shape == (1, 196) for f in patched)


def test_guidance_accepts_minus_one_and_label_lists():
    net = ConstantEps(0.1, per_label=0.01)
    x, t = torch.zeros(3, 28, 28), torch.zeros(3, dtype=torch.long)
    a, na, _, _ = guidance.diffusion_output(net, x, t, torch.tensor([2, -1, NULL_LABEL]), 2.0)
    b, nb, _, _ = guidance.diffusion_output(net, x, t, [2, -1, -1], 2.0)
    c, nc, _, _ = guidance.diffusion_output(net, x, t, None, 2.0)
    assert torch.equal(a, b) and na == nb == 2 and nc == 1
    assert torch.allclose(c, torch.full_like(c, 0.1 + 0.01 * NULL_LABEL))
    with pytest.raises(ValueError):
        guidance.diffusion_output(net, x, t, [2, 11, 0], 2.0)


def test_erasing_uses_exactly_the_panels_order_and_pixels_per_step():
    s = FAST.with_changes(ar=runs.ARSettings(order="raster", pixels_per_step=1))
    frames = list(runs.forward_frames(MODELS, s, "autoregressive"))
    assert len(frames) == 784 and frames[0].settings.pixels_per_step == 1 and frames[0].settings.order == "raster"
    with pytest.raises(ValueError, match="fixed order"):
        runs.forward_frames(MODELS, FAST.with_changes(ar=runs.ARSettings(order="confidence")), "autoregressive")


@pytest.mark.slow
def test_capped_ar_continuations_take_more_pixels_a_step_and_keep_the_frame():
    frames = list(sample_autoregressive(AR, n=1, order="raster", pixels_per_step=1, seed=3, labels=2))
    f = frames[199]  # 584 pixels left, one a step
    items = list(iter_continuations(MODELS, f, k=4, seed=0, max_steps=8))
    c = items[-1]
    assert c.pixels_per_step == 73 and items[-2].total == 8  # ceil(584 / 8) pixels in each of 8 steps
    known = f.known[0]
    assert np.allclose(c.samples[:, known], f.state[0][known]) and (c.std[~known] > 0).any()
    assert continuations(MODELS, frames[-20], k=2, max_steps=64).pixels_per_step == 1  # under the cap: unchanged
