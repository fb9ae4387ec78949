"""Sampler behaviour with tiny random-init nets: frames, known pixels, determinism, guidance."""

import numpy as np
import pytest
import torch

from engine.maths import guidance
from engine.networks.nets import NULL_LABEL
from engine.runtime.frames import Frame
from engine.runtime.samplers.autoregressive import sample_autoregressive
from engine.runtime.samplers.diffusion import sample_diffusion
from engine.runtime.samplers.forward import forward_autoregressive, forward_diffusion
from engine.runtime.samplers.one_shot import sample_one_shot
from tests.engine.helpers import ConstantEps, tiny

AR = tiny("autoregressive")
DM = tiny("diffusion")


def run(gen):
    return list(gen)


@pytest.mark.parametrize(
    "order,k",
    [
        ("raster", 16),
        ("random", 64),
        ("spiral", 49),
        ("center-out", 16),
        ("confidence", 32),
        ("patches", 16),
        ("patches", 64),
    ],
)
def test_ar_fills_every_pixel_once(order, k):
    frames = run(sample_autoregressive(AR, n=2, labels=[3, -1], order=order, pixels_per_step=k, seed=0, guidance=2.0))
    assert len(frames) == frames[-1].total_steps
    seen = np.concatenate([f.new_pixels.indices[0] for f in frames])
    assert sorted(seen.tolist()) == list(range(784))
    last = frames[-1]
    assert last.known.all() and np.allclose(last.state, last.x0_mean)
    assert last.nfe == 2 * len(frames)  # guided: cond + uncond per step
    assert np.allclose(last.state * 255, np.round(last.state * 255), atol=1e-4)
    for f in frames:
        assert isinstance(f, Frame) and f.state.shape == (2, 28, 28) and f.state.dtype == np.float32
        assert f.new_pixels.probs.shape[2] == 256 and np.allclose(f.new_pixels.probs.sum(-1), 1, atol=1e-4)
        assert (f.uncertainty[f.known] == 0).all() and (f.x0_mean >= 0).all() and (f.x0_mean <= 1).all()
    assert last.labels.tolist() == [3, -1]


def test_ar_frames_grow_the_known_set_monotonically():
    frames = run(sample_autoregressive(AR, n=1, order="random", pixels_per_step=16, seed=1))
    counts = [f.known.sum() for f in frames]
    assert counts == sorted(counts) and counts[0] == 16 and counts[-1] == 784
    for a, b in zip(frames, frames[1:]):  # fixed pixels never change afterwards
        assert np.array_equal(b.state[a.known], a.state[a.known])


def test_ar_x0_mean_is_known_pixels_plus_expectation():
    f = next(sample_autoregressive(AR, n=1, order="raster", pixels_per_step=4, seed=0))
    assert np.array_equal(f.x0_mean[f.known], f.state[f.known])
    unknown = ~f.known
    assert np.all(f.x0_mean[unknown] > 0) and np.all(f.x0_mean[unknown] < 1)


def test_ar_inpainting_keeps_known_pixels():
    rng = np.random.default_rng(0)
    known = np.zeros((28, 28), bool)
    known[:10] = True
    values = np.round(rng.random((28, 28)) * 255) / 255
    frames = run(sample_autoregressive(AR, n=3, order="raster", pixels_per_step=28, seed=0, known=known, values=values))
    assert frames[0].total_steps == 18  # only the 18 unknown rows are generated
    for f in frames:
        assert np.allclose(f.state[:, known], np.broadcast_to(values[known], (3, known.sum())), atol=1e-6)
    conf = run(
        sample_autoregressive(AR, n=1, order="confidence", pixels_per_step=40, seed=0, known=known, values=values)
    )
    assert np.allclose(conf[-1].state[0][known], values[known], atol=1e-6)


def test_ar_same_seed_same_frames_and_greedy_ignores_the_seed():
    a = run(sample_autoregressive(AR, n=2, order="random", pixels_per_step=64, seed=5))
    b = run(sample_autoregressive(AR, n=2, order="random", pixels_per_step=64, seed=5))
    c = run(sample_autoregressive(AR, n=2, order="random", pixels_per_step=64, seed=6))
    assert all(np.array_equal(x.state, y.state) and np.array_equal(x.x0_mean, y.x0_mean) for x, y in zip(a, b))
    assert not np.array_equal(a[-1].state, c[-1].state)
    g1 = run(sample_autoregressive(AR, n=1, order="raster", pixels_per_step=16, greedy=True, seed=1))[-1].state
    g2 = run(sample_autoregressive(AR, n=1, order="raster", pixels_per_step=16, greedy=True, seed=2))[-1].state
    assert np.array_equal(g1, g2)


def test_low_temperature_approaches_greedy():
    def first_values(**kw):
        return next(sample_autoregressive(AR, n=4, order="random", pixels_per_step=64, seed=3, **kw)).new_pixels.values

    greedy = first_values(greedy=True)
    assert np.array_equal(first_values(temperature=1e-6), greedy)
    assert not np.array_equal(first_values(temperature=1.0), greedy)


@pytest.mark.parametrize(
    "bad",
    [
        dict(order="zigzag"),
        dict(pixels_per_step=0),
        dict(order="patches", pixels_per_step=8),
        dict(temperature=0.0),
        dict(guidance=-1.0),
    ],
)
def test_ar_rejects_bad_settings(bad):
    with pytest.raises(ValueError):
        next(sample_autoregressive(AR, n=1, **bad))


def test_cfg_w0_and_w1_are_the_unconditional_and_conditional_predictions():
    torch.manual_seed(0)
    x = torch.rand(2, 28, 28)
    known = torch.rand(2, 28, 28) < 0.5
    lab = torch.tensor([4, 7])
    with torch.inference_mode():
        cond = AR(x, known, lab)
        uncond = AR(x, known, torch.full_like(lab, NULL_LABEL))
        out0, n0 = guidance.ar_logits(AR, x, known, lab, 0.0)
        out1, n1 = guidance.ar_logits(AR, x, known, lab, 1.0)
        out3, n3 = guidance.ar_logits(AR, x, known, lab, 3.0)
    # compared as distributions: a mixture head's log-probabilities of levels it gives ~1e-10 carry
    # the rounding of a difference of two sigmoids, which a batch of 2 or 4 changes
    same = lambda a, b: torch.allclose(torch.softmax(a, -1), torch.softmax(b, -1), atol=1e-5)  # noqa: E731
    assert same(out0, uncond) and n0 == 1
    assert same(out1, cond) and n1 == 1
    assert same(out3, uncond + 3 * (cond - uncond)) and n3 == 2


def test_cfg_on_noise_and_samples_without_label():
    net = ConstantEps(0.1, per_label=0.01)
    x = torch.zeros(2, 28, 28)
    t = torch.tensor([10, 10])
    lab = guidance.label_tensor([2, -1], 2, "cpu")
    eps, nfe, cond_out, uncond_out = guidance.diffusion_output(net, x, t, lab, 3.0)
    assert nfe == 2 and cond_out.shape == uncond_out.shape == eps.shape
    cond, uncond = 0.1 + 0.02, 0.1 + 0.01 * NULL_LABEL
    assert eps[0, 0, 0].item() == pytest.approx(uncond + 3 * (cond - uncond), abs=1e-6)
    assert eps[1, 0, 0].item() == pytest.approx(uncond, abs=1e-6)  # no label: plain unconditional


@pytest.mark.parametrize("sampler,eta", [("ddim", 0.0), ("ddim", 0.5), ("ddpm", 0.0)])
def test_diffusion_frames(sampler, eta):
    frames = run(sample_diffusion(DM, n=2, labels=3, sampler=sampler, steps=7, eta=eta, guidance=2.0, seed=0))
    assert len(frames) == 7 and frames[-1].nfe == 14
    assert [f.noise_level.t for f in frames][-1] == -1 and frames[-1].noise_level.alpha_bar == 1.0
    for f in frames:
        assert f.state.shape == (2, 28, 28) and f.noise_level.eps_hat.shape == (2, 28, 28)
        assert f.x0_mean.min() >= 0 and f.x0_mean.max() <= 1
    assert np.allclose(frames[-1].state, frames[-1].x0_mean, atol=1e-6)


def test_diffusion_determinism_per_seed():
    a = run(sample_diffusion(DM, n=1, sampler="ddpm", steps=5, seed=1))
    b = run(sample_diffusion(DM, n=1, sampler="ddpm", steps=5, seed=1))
    c = run(sample_diffusion(DM, n=1, sampler="ddpm", steps=5, seed=2))
    assert all(np.array_equal(x.state, y.state) for x, y in zip(a, b))
    assert not np.array_equal(a[-1].state, c[-1].state)


def test_diffusion_inpainting_keeps_known_pixels():
    known = np.zeros((28, 28), bool)
    known[5:15, 5:15] = True
    values = np.linspace(0, 1, 784).reshape(28, 28).astype(np.float32)
    frames = run(sample_diffusion(DM, n=2, sampler="ddpm", steps=10, seed=0, known=known, values=values))
    final = frames[-1].state
    assert np.allclose(final[:, known], np.broadcast_to(values[known], (2, known.sum())), atol=1e-6)
    for f in frames:
        assert np.allclose(f.x0_mean[:, known], np.broadcast_to(values[known], (2, known.sum())), atol=1e-6)


def test_diffusion_resume_from_a_frame_continues_the_schedule():
    frames = run(sample_diffusion(DM, n=1, sampler="ddim", steps=10, seed=0))
    mid = frames[3]
    rest = run(
        sample_diffusion(DM, n=1, sampler="ddim", steps=10, seed=9, start=(mid.noise_level.x_t, mid.noise_level.t))
    )
    assert len(rest) == 6
    assert np.allclose(rest[-1].state, frames[-1].state, atol=1e-5)  # deterministic DDIM: same ending


def test_one_shot_mean_is_the_expectation_and_independent_samples_levels():
    mean = run(sample_one_shot(AR, n=2, labels=1, mode="mean"))[0]
    ind = run(sample_one_shot(AR, n=2, labels=1, mode="independent", seed=0))[0]
    assert mean.nfe == 1 and mean.total_steps == 1
    assert np.allclose(mean.state, mean.x0_mean) and np.allclose(ind.x0_mean, mean.x0_mean)
    assert np.allclose(ind.state * 255, np.round(ind.state * 255), atol=1e-4)


def test_forward_processes():
    img = np.linspace(0, 1, 784, dtype=np.float32).reshape(28, 28)
    erase = run(forward_autoregressive(img, order="raster", pixels_per_step=28))
    assert len(erase) == 28 and erase[-1].known.sum() == 0 and erase[0].known.sum() == 784 - 28
    assert not erase[0].known[0, 27].any()  # the last row generated is the first erased
    noise = run(forward_diffusion(img, steps=10))
    ts = [f.noise_level.t for f in noise]
    assert ts == sorted(ts) and ts[-1] == 999
    assert np.abs(noise[0].state - img).mean() < np.abs(noise[-1].state - img).mean()


@pytest.mark.parametrize("prediction", ["epsilon", "v", "x0"])
@pytest.mark.parametrize(
    "sampler,steps,eta",
    [("ddim", 1, 0.0), ("ddim", 10, 0.0), ("ddim", 10, 1.0), ("ddpm", 10, 0.0), ("ddpm", 1000, 0.0)],
)
def test_a_denoiser_that_knows_x0_predicts_it_at_every_step_and_lands_on_it(prediction, sampler, steps, eta):
    """Every parametrization, sampler and step count: x̂0 is the oracle's image from the first step
    on (v and x0 exactly; ε up to float error amplified near pure noise) and the run ends on it."""
    from engine.maths.schedule import NoiseSchedule
    from tests.engine.helpers import OracleDenoiser

    target = torch.linspace(-1, 1, 784).reshape(1, 28, 28)
    net = OracleDenoiser(
        target, prediction, NoiseSchedule.cosine() if prediction != "epsilon" else NoiseSchedule.linear()
    )
    frames = run(sample_diffusion(net, n=2, sampler=sampler, steps=steps, eta=eta, seed=3))
    want = ((target[0] + 1) / 2).numpy()
    tol = 2e-2 if prediction == "epsilon" else 1e-4
    assert np.abs(frames[0].x0_mean - want).max() < tol
    assert all(np.abs(f.x0_mean - want).max() < tol for f in frames)
    assert np.abs(frames[-1].state - want).max() < 1e-4


def test_guided_frames_show_the_conditional_and_unconditional_x0():
    frames = run(sample_diffusion(DM, n=1, labels=3, steps=4, guidance=3.0, seed=0))
    unguided = run(sample_diffusion(DM, n=1, labels=3, steps=4, guidance=1.0, seed=0))
    parts = frames[0].guidance_parts
    assert parts is not None and parts.guidance == 3.0 and parts.cond.shape == parts.uncond.shape == (1, 28, 28)
    assert np.allclose(parts.cond, unguided[0].x0_mean, atol=1e-5)  # the first step: same x_T, the prompt's x̂0
    assert unguided[0].guidance_parts is None  # w = 1 runs the network once: nothing to show apart


def test_guided_ar_frames_show_the_expected_image_with_and_without_the_prompt():
    guided3 = next(sample_autoregressive(AR, n=1, labels=3, order="raster", pixels_per_step=8, guidance=3.0, seed=0))
    cond = next(sample_autoregressive(AR, n=1, labels=3, order="raster", pixels_per_step=8, guidance=1.0, seed=0))
    uncond = next(sample_autoregressive(AR, n=1, labels=None, order="raster", pixels_per_step=8, guidance=1.0, seed=0))
    parts = guided3.guidance_parts
    assert parts is not None and parts.guidance == 3.0 and cond.guidance_parts is None
    # the first step: where no pixel is fixed yet, the plain runs' x̂0 is their expectation
    assert np.allclose(parts.cond[~cond.known], cond.x0_mean[~cond.known], atol=1e-5)
    assert np.allclose(parts.uncond[~uncond.known], uncond.x0_mean[~uncond.known], atol=1e-5)


@pytest.mark.slow
@pytest.mark.parametrize("order,k", [("raster", 1), ("random", 16), ("patches", 16), ("confidence", 64)])
def test_ar_batch_sampling_without_x0_gives_the_same_samples(order, k):
    """x0=False predicts only the pixels fixed each step: the same images, no x0 to show."""
    kw = dict(n=2, labels=[3, -1], order=order, pixels_per_step=k, guidance=2.0, seed=5)
    *_, full = sample_autoregressive(AR, **kw)
    *_, lean = sample_autoregressive(AR, x0=False, **kw)
    assert np.array_equal(full.state, lean.state) and full.nfe == lean.nfe
    assert lean.uncertainty is None and np.array_equal(lean.x0_mean, lean.state)


@pytest.mark.parametrize("kind", ["autoregressive", "diffusion"])
def test_a_frame_s_seconds_count_the_engine_s_work_not_the_time_it_was_held(kind):
    """The header's seconds: a run paused between two steps does not count the pause."""
    import time as _time

    from engine.runtime.samplers.autoregressive import sample_autoregressive
    from engine.runtime.samplers.diffusion import sample_diffusion
    from tests.engine.helpers import tiny

    net = tiny(kind)
    gen = (
        sample_autoregressive(net, order="raster", pixels_per_step=196, seed=0)
        if kind == "autoregressive"
        else sample_diffusion(net, steps=4, seed=0)
    )
    first = next(gen)
    _time.sleep(0.5)  # a paused window holds the generator
    t0 = _time.perf_counter()
    second = next(gen)
    step_s = _time.perf_counter() - t0  # the second step's own time, whatever this machine's load
    assert 0 < second.elapsed_s - first.elapsed_s <= step_s + 1e-3  # the 0.5 s held is not counted
