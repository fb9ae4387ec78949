"""Schedule maths against closed forms; the three parametrizations and the DDPM and DDIM steps
against hand-computed values."""

import math

import numpy as np
import pytest
import torch

from engine.maths.parametrization import PREDICTIONS, eps_from_x0, to_x0_eps, training_target
from engine.maths.schedule import NoiseSchedule
from engine.networks import nets
from engine.runtime.samplers import ddim, ddpm


def test_linear_schedule_closed_forms():
    s = NoiseSchedule.linear()
    assert s.T == 1000
    assert s.betas[0] == pytest.approx(1e-4) and s.betas[-1] == pytest.approx(0.02)
    assert s.alpha_bar[0] == pytest.approx(1 - 1e-4)
    assert s.alpha_bar[9] == pytest.approx(np.prod(1 - s.betas[:10]))
    # ᾱ_{T-1} is tiny: x_999 is almost pure noise (closed form of the product ≈ 4.0e-5)
    assert s.alpha_bar[-1] == pytest.approx(4.036e-5, rel=1e-2)
    assert s.snr()[500] == pytest.approx(s.alpha_bar[500] / (1 - s.alpha_bar[500]))
    assert np.all(np.diff(s.alpha_bar) < 0)


def test_cosine_schedule_closed_forms():
    s = NoiseSchedule.cosine()
    f = lambda t: math.cos((t / 1000 + 0.008) / 1.008 * math.pi / 2) ** 2  # noqa: E731
    for t in (0, 250, 500, 900):  # ᾱ_t = f(t + 1) / f(0) wherever no beta is clipped
        assert s.alpha_bar[t] == pytest.approx(f(t + 1) / f(0), rel=1e-9)
    assert s.alpha_bar[499] == pytest.approx(0.4938, abs=1e-3)  # half the signal variance mid-way
    assert s.alpha_bar[-1] < 1e-8 and s.betas.max() == pytest.approx(0.999)
    assert np.all(np.diff(s.alpha_bar) < 0)
    assert NoiseSchedule.named("cosine").T == 1000
    with pytest.raises(ValueError, match="unknown noise schedule"):
        NoiseSchedule.named("quadratic")


@pytest.mark.parametrize("steps", [1, 2, 5, 10, 100, 1000])
def test_timesteps_start_at_pure_noise_and_are_distinct(steps):
    ts = NoiseSchedule.linear().timesteps(steps)
    assert len(ts) == steps and ts[0] == 999 and len(set(ts)) == steps and np.all(np.diff(ts) < 0)


def test_timesteps_reject_out_of_range():
    for bad in (0, 1001):
        with pytest.raises(ValueError):
            NoiseSchedule.linear().timesteps(bad)


@pytest.mark.parametrize("prediction", PREDICTIONS)
def test_each_parametrization_recovers_x0_and_eps_from_its_target(prediction):
    gen = torch.Generator().manual_seed(0)
    x0, eps = torch.rand(4, 28, 28, generator=gen) * 2 - 1, torch.randn(4, 28, 28, generator=gen)
    for ab in (0.999, 0.5, 1e-3):
        x_t = math.sqrt(ab) * x0 + math.sqrt(1 - ab) * eps
        x0_hat, eps_hat = to_x0_eps(training_target(x0, eps, ab, prediction), x_t, ab, prediction)
        assert torch.allclose(x0_hat, x0, atol=1e-3) and torch.allclose(eps_hat, eps, atol=1e-3)
        assert torch.allclose(eps_from_x0(x0, x_t, ab), eps, atol=1e-3)


def test_v_target_and_x0_by_hand():
    # ᾱ = 0.36: sqrt 0.6, sqrt(1 - ᾱ) 0.8; x0 = 0.5, ε = -1 -> x_t = 0.3 - 0.8 = -0.5
    v = training_target(torch.tensor(0.5), torch.tensor(-1.0), 0.36, "v")
    assert v.item() == pytest.approx(0.6 * -1 - 0.8 * 0.5)  # -1.0
    x0, eps = to_x0_eps(torch.tensor(-1.0), torch.tensor(-0.5), 0.36, "v")
    assert x0.item() == pytest.approx(0.6 * -0.5 - 0.8 * -1.0) == 0.5
    assert eps.item() == pytest.approx(0.8 * -0.5 + 0.6 * -1.0) == -1.0


def test_an_error_in_the_prediction_reaches_x0_amplified_for_epsilon_not_for_v():
    """The reason for v: near pure noise ε̂'s errors are multiplied by sqrt((1−ᾱ)/ᾱ) in x̂0."""
    ab, err = NoiseSchedule.linear().alpha_bar[-1], 0.01
    x_t = torch.tensor(0.7)
    dx_eps = to_x0_eps(torch.tensor(err), x_t, ab, "epsilon")[0] - to_x0_eps(torch.tensor(0.0), x_t, ab, "epsilon")[0]
    dx_v = to_x0_eps(torch.tensor(err), x_t, ab, "v")[0] - to_x0_eps(torch.tensor(0.0), x_t, ab, "v")[0]
    assert abs(dx_eps.item()) > 100 * err and abs(dx_v.item()) <= err


def test_unknown_prediction_is_refused():
    with pytest.raises(ValueError, match="unknown prediction"):
        to_x0_eps(torch.tensor(0.0), torch.tensor(0.0), 0.5, "score")
    with pytest.raises(ValueError, match="prediction must be one of"):
        nets.DiffusionConfig(prediction="score")


def test_an_old_epsilon_card_config_still_loads_as_epsilon_on_the_linear_schedule():
    old = {
        "in_ch": 1,
        "out_ch": 1,
        "base": 8,
        "mults": [1, 2],
        "emb": 16,
        "groups": 4,
        "attention": False,
        "out_kernel": 3,
    }
    net = nets.build("diffusion", nets.DiffusionConfig.from_dict(old))
    assert net.prediction == "epsilon" and net.noise_schedule().alpha_bar[-1] == pytest.approx(4.036e-5, rel=1e-2)
    assert nets.default_config("diffusion").prediction == "v"


def test_ddpm_step_matches_hand_computation():
    ab_t, ab_prev = 0.5, 0.8
    x_t, x0, noise = torch.tensor([[0.3]]), torch.tensor([[0.224264]]), torch.tensor([[1.0]])
    x_prev = ddpm.step(x0, x_t, ab_t, ab_prev, noise)
    alpha = ab_t / ab_prev
    beta = 1 - alpha
    mean = math.sqrt(ab_prev) * beta / (1 - ab_t) * 0.224264 + math.sqrt(alpha) * (1 - ab_prev) / (1 - ab_t) * 0.3
    var = (1 - ab_prev) / (1 - ab_t) * beta
    assert x_prev.item() == pytest.approx(mean + math.sqrt(var), abs=1e-6)
    assert ddpm.step(x0, x_t, ab_t, ab_prev, None).item() == pytest.approx(mean, abs=1e-6)


def test_ddim_deterministic_step_matches_hand_computation():
    ab_t, ab_prev = 0.5, 0.8
    x_t, eps = torch.tensor([[0.3]]), torch.tensor([[0.2]])
    x0 = (x_t - math.sqrt(0.5) * eps) / math.sqrt(0.5)
    x_prev = ddim.step(x0, eps, ab_t, ab_prev, eta=0.0)
    ref = math.sqrt(0.8) * x0.item() + math.sqrt(0.2) * 0.2
    assert x_prev.item() == pytest.approx(ref, abs=1e-6)


def test_ddim_eta_one_has_ddpm_variance():
    ab_t, ab_prev = 0.5, 0.8
    s = ddim.sigma(ab_t, ab_prev, 1.0)
    beta_tilde = (1 - ab_prev) / (1 - ab_t) * (1 - ab_t / ab_prev)
    assert s**2 == pytest.approx(beta_tilde)


def test_final_step_returns_x0():
    x_t, x0, eps = torch.tensor([[3.0]]), torch.tensor([[1.0]]), torch.tensor([[0.0]])
    assert ddpm.step(x0, x_t, 0.9, 1.0, None).item() == 1.0
    assert ddim.step(x0, eps, 0.9, 1.0).item() == 1.0


def test_ddim_and_ddpm_share_one_step_interface():
    """The diffusion sampler asks samplers.steps.rule(name, eta) for its step: the same call for
    both, each rule equal to its formula, and an unknown sampler a clear error."""
    import torch

    from engine.runtime.samplers import ddim, ddpm, steps

    x_t, x0, eps, noise = (torch.randn(1, 28, 28, generator=torch.Generator().manual_seed(i)) for i in range(4))
    ab, ab_prev = 0.3, 0.6
    assert torch.equal(
        steps.rule("ddim", 0.5)(x_t, x0, eps, ab, ab_prev, noise), ddim.step(x0, eps, ab, ab_prev, 0.5, noise)
    )
    assert torch.equal(steps.rule("ddpm")(x_t, x0, eps, ab, ab_prev, noise), ddpm.step(x0, x_t, ab, ab_prev, noise))
    assert (
        steps.rule("ddpm").stochastic and not steps.rule("ddim", 0.0).stochastic and steps.rule("ddim", 1.0).stochastic
    )
    with pytest.raises(ValueError, match="unknown sampler"):
        steps.rule("euler")
