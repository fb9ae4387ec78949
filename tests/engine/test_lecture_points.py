"""Each lecture point is checked on the frames the shipped models make, the way the hall sees
them: a caption may only claim what these numbers show. Small batches keep it cheap; the full
measurements are in benchmarks/diffusion_x0.py and benchmarks/claims.py (README)."""

import numpy as np
import pytest

from engine.maths import metrics
from engine.networks import weights
from engine.networks.models import load_models
from engine.runtime.samplers.autoregressive import sample_autoregressive
from engine.runtime.samplers.continuations import continuations
from engine.runtime.samplers.diffusion import sample_diffusion
from engine.runtime.samplers.one_shot import sample_one_shot

pytestmark = pytest.mark.slow  # whole runs of the shipped networks: `pytest -m "not slow"` leaves them out

DATASETS = ("mnist", "fashion")
LABELS = np.arange(10)


@pytest.fixture(scope="module", params=DATASETS)
def models(request):
    return load_models(request.param, "cpu", weights.SHIPPED_WEIGHTS_DIR)


def _real(models) -> np.ndarray:
    return models.bank.images.astype(np.float32) / 255


def _last(gen):
    *_, f = gen
    return f


def test_the_diffusion_model_predicts_v_so_its_x0_is_a_mean_at_every_noise_level(models):
    assert models.diffusion.prediction in ("v", "x0")


def test_the_first_x0_from_pure_noise_is_the_blurry_class_mean(models):
    """x_T is pure noise: x̂0 = E[x0 | label], close to the one-shot predictor's mean of the class
    and far below real images in high-frequency power."""
    first = next(sample_diffusion(models.diffusion, n=10, labels=LABELS, steps=100, guidance=1.0, seed=0)).x0_mean
    oneshot = next(sample_one_shot(models.ar, n=10, labels=LABELS, guidance=1.0)).x0_mean
    real = _real(models)
    to_mean = np.mean([metrics.distance(first[c], oneshot[c]) for c in LABELS])
    to_real = np.mean([metrics.distance(first[c], real[models.bank.labels == c][0]) for c in LABELS])
    assert to_mean < 0.75 * to_real
    assert metrics.high_frequency_share(first) < 0.5 * metrics.high_frequency_share(real)


def test_one_big_step_is_blurry_and_more_steps_sharpen(models):
    """The one-big-step scenario: 1 DDIM step gives the blurry mean (not speckle), 100 steps detail."""
    hf = {
        steps: metrics.high_frequency_share(
            _last(sample_diffusion(models.diffusion, n=10, labels=LABELS, steps=steps, guidance=3.0, seed=0)).state
        )
        for steps in (1, 10, 100)
    }
    real = metrics.high_frequency_share(_real(models))
    assert hf[1] < 0.5 * real
    assert hf[1] < hf[10] and hf[1] < 0.5 * hf[100]


def test_x0_sharpens_along_a_diffusion_run(models):
    """The coarse-to-fine scenario: x̂0's sharpness and its share of fine detail rise from the first
    step to the last, and the highest frequencies are the last to arrive."""
    frames = list(sample_diffusion(models.diffusion, n=10, labels=LABELS, steps=100, guidance=3.0, seed=0))
    at = (0, 24, 49, 74, 99)
    sharp = [metrics.sharpness_batch(frames[i].x0_mean).mean() for i in at]
    detail = [metrics.high_frequency_share(frames[i].x0_mean) for i in at]
    assert all(b > a - 0.002 for a, b in zip(sharp, sharp[1:])) and sharp[-1] > 1.1 * sharp[0]
    assert all(b > a for a, b in zip(detail, detail[1:])) and detail[-1] > 2.5 * detail[0]
    final = [metrics.radial_power_spectrum(im, 6) for im in frames[-1].state]
    share_at = lambda i: np.mean(
        [
            metrics.radial_power_spectrum(im, 6) / f  # noqa: E731
            for im, f in zip(frames[i].x0_mean, final)
        ],
        0,
    )
    early = share_at(20)
    assert early[0] > 2 * early[-1]  # at 20 % the coarse band is far nearer its final power than the finest


@pytest.mark.parametrize("frac", [0.1, 0.3, 0.5, 0.7, 0.9])
def test_diffusion_x0_is_the_mean_of_its_continuations(models, frac):
    """The x0-is-a-mean scenario, diffusion side: 16 continuations from the frame average to its x̂0
    within the sampling error of 16 draws (3 standard errors + 0.03), and the window's verdict says so
    (x0 nearer their mean than any one continuation)."""
    frames = list(sample_diffusion(models.diffusion, n=1, labels=7, sampler="ddpm", steps=50, guidance=1.0, seed=1))
    f = frames[int(frac * len(frames)) - 1]
    c = continuations(models, f, k=16, seed=2)
    spread = float(np.sqrt(np.mean(c.std**2)))
    assert c.error <= 3 * spread / 4 + 0.03, (c.error, spread)
    assert c.matches_x0(), (c.error, c.nearest)


def test_scattered_pixels_stay_more_consistent_than_patches(models):
    """The too-many-pixels scenario: 16 pixels a step as 4x4 patches vs 16 scattered pixels, over
    seeds; the scattered images are recognised as the prompt at least as often."""
    labels = np.tile(LABELS, 2)
    agree = {}
    for order in ("patches", "random"):
        last = _last(
            sample_autoregressive(models.ar, n=20, labels=labels, order=order, pixels_per_step=16, guidance=3.0, seed=0)
        )
        agree[order] = (metrics.classifier_probs(models.classifier, last.state).argmax(1) == labels).mean()
    assert agree["random"] >= agree["patches"] + 0.1 or (agree["random"] >= 0.9 and agree["patches"] < 0.9), agree


def test_greedy_gives_the_same_image_for_every_seed_and_sampling_does_not(models):
    runs = {
        (g, s): _last(
            sample_autoregressive(
                models.ar, n=1, labels=7, order="raster", pixels_per_step=16, greedy=g, guidance=3.0, seed=s
            )
        ).state
        for g in (True, False)
        for s in (0, 1)
    }
    assert np.array_equal(runs[True, 0], runs[True, 1])
    assert not np.array_equal(runs[False, 0], runs[False, 1])
