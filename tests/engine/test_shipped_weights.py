"""Every shipped weights file loads, and clears a cheap quality floor, so that a broken or
untrained weights file cannot land. Floors sit well below the measured numbers (README)."""

import numpy as np
import pytest

from engine.maths import metrics
from engine.networks import weights
from engine.networks.bank import load_bank

pytestmark = pytest.mark.slow  # whole runs of the shipped networks: `pytest -m "not slow"` leaves them out

DATASETS = ("mnist", "fashion")
MAX_FILE_BYTES = 8 * 1024 * 1024
# Floors per dataset: classifier accuracy on the 100 bank images, diffusion agreement on 10
# guided samples, AR bits/dim bound on the bank images, AR agreement on 10 guided samples.
FLOORS = {
    "mnist": dict(classifier=0.95, diffusion=0.8, ar_bpd=1.25, ar=0.7),
    "fashion": dict(classifier=0.85, diffusion=0.7, ar_bpd=3.5, ar=0.6),
}


def _shipped(dataset, kind):
    path, _ = weights.paths(dataset, kind, weights.SHIPPED_WEIGHTS_DIR)
    if not path.exists():
        pytest.fail(f"{path} is not shipped")
    return weights.load(dataset, kind, "cpu", weights.SHIPPED_WEIGHTS_DIR)


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("kind", weights.KINDS)
def test_shipped_weights_load_with_a_complete_card(dataset, kind):
    model, card = _shipped(dataset, kind)
    path, _ = weights.paths(dataset, kind, weights.SHIPPED_WEIGHTS_DIR)
    assert path.stat().st_size <= MAX_FILE_BYTES
    assert card["training"]["steps"] > 100, "a card must record real training"
    assert card["parameters"] == sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize("dataset", DATASETS)
def test_shipped_classifier_recognises_held_out_images(dataset):
    clf, _ = _shipped(dataset, "classifier")
    bank = load_bank(dataset, weights.SHIPPED_WEIGHTS_DIR)
    probs = metrics.classifier_probs(clf, bank.images.astype(np.float32) / 255)
    assert (probs.argmax(1) == bank.labels).mean() >= FLOORS[dataset]["classifier"]


@pytest.mark.parametrize("dataset", DATASETS)
def test_shipped_diffusion_samples_are_recognised(dataset):
    from engine.runtime.samplers.diffusion import sample_diffusion

    net, _ = _shipped(dataset, "diffusion")
    clf, _ = _shipped(dataset, "classifier")
    labels = np.arange(10)
    *_, last = sample_diffusion(net, n=10, labels=labels, sampler="ddim", steps=20, guidance=3.0, seed=0)
    agree = (metrics.classifier_probs(clf, last.state).argmax(1) == labels).mean()
    assert agree >= FLOORS[dataset]["diffusion"]


@pytest.mark.parametrize("dataset", DATASETS)
def test_shipped_ar_model_predicts_held_out_pixels(dataset):
    from engine.tools.evaluate import ar_bits_per_dim

    net, _ = _shipped(dataset, "autoregressive")
    bank = load_bank(dataset, weights.SHIPPED_WEIGHTS_DIR)
    bpd, _ = ar_bits_per_dim(net, bank.images, None, draws=1, seed=0)
    assert bpd <= FLOORS[dataset]["ar_bpd"]


@pytest.mark.parametrize("dataset", DATASETS)
def test_shipped_ar_samples_are_recognised(dataset):
    """16 scattered pixels a step (49 guided steps) keeps it cheap; samples must still read as the label."""
    from engine.runtime.samplers.autoregressive import sample_autoregressive

    net, _ = _shipped(dataset, "autoregressive")
    clf, _ = _shipped(dataset, "classifier")
    labels = np.arange(10)
    *_, last = sample_autoregressive(net, n=10, labels=labels, order="random", pixels_per_step=16, guidance=3.0, seed=0)
    agree = (metrics.classifier_probs(clf, last.state).argmax(1) == labels).mean()
    assert agree >= FLOORS[dataset]["ar"]


@pytest.mark.parametrize("dataset", DATASETS)
def test_shipped_ar_distribution_reads_as_a_distribution(dataset):
    """The p(this pixel) plot: over the mid grey levels (16..239) each pixel's predicted distribution
    is smooth, not a comb. Roughness = share of the probability that differs from its own 3-level
    moving average, on pixels likely to hold ink (the bottom half of bank images, top half given).
    The 256-way softmax heads measured 0.216 (MNIST) / 0.040 (Fashion); the mixture heads 0.0006 / 0.0048
    (Fashion 0.0039 before its raster fine-tune)."""
    import torch

    net, card = _shipped(dataset, "autoregressive")
    assert card["config"].get("head") == "logistic_mixture"
    bank = load_bank(dataset, weights.SHIPPED_WEIGHTS_DIR)
    x = torch.from_numpy(bank.images[:50]).float() / 255
    known = torch.zeros(50, 28, 28, dtype=torch.bool)
    known[:, :14] = True
    with torch.no_grad():
        p = torch.softmax(net(x, known, torch.from_numpy(bank.labels[:50])), -1)[:, 14 * 28 :].reshape(-1, 256)
    p = p[p[:, 0] < 0.5]
    mid, smooth = p[:, 16:240], (p[:, 15:239] + p[:, 16:240] + p[:, 17:241]) / 3
    rough = float(((mid - smooth).abs().sum(1) / mid.sum(1).clamp(min=1e-9)).mean())
    assert len(p) > 1000 and rough <= 0.01


@pytest.mark.parametrize("dataset", DATASETS)
def test_shipped_ar_card_carries_its_loss_curve_and_plans_from_it(dataset):
    """Planned parallel decoding reads the curve from the card (never measured at start-up): it was
    measured with these very weights, falls as pixels become known, and its plans put few pixels in
    the first steps and many in the last."""
    from engine.maths import planning
    from engine.networks.models import load_models, planned_steps

    net, card = weights.load(dataset, "autoregressive")
    entry = card["eval"]["loss_curve"]
    assert entry["fingerprint"] == weights.fingerprint(net)
    models = load_models(dataset, "cpu", kinds=("autoregressive",), bank=False)
    curve = models.ar_loss_curves["random"]
    assert curve.shape == (784,) and curve[:50].mean() > curve[-100:].mean()
    for n in (100, 20):
        plan = planned_steps(models, n)
        assert len(plan) == n and sum(plan) == 784
        assert np.mean(plan[: n // 4]) < np.mean(plan[-n // 4 :])
        assert (
            planning.bound_bits_per_dim(planning.smoothed(curve), plan)
            <= planning.bound_bits_per_dim(planning.smoothed(curve), planning.uniform(-(-784 // n), 784)) + 1e-9
        )
