"""Schedule maths against closed forms; DDPM and DDIM steps against hand-computed values."""
import math

import numpy as np
import pytest
import torch

from engine import ddim, ddpm
from engine.schedule import NoiseSchedule


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


@pytest.mark.parametrize("steps", [1, 2, 5, 10, 100, 1000])
def test_timesteps_start_at_pure_noise_and_are_distinct(steps):
    ts = NoiseSchedule.linear().timesteps(steps)
    assert len(ts) == steps and ts[0] == 999 and len(set(ts)) == steps and np.all(np.diff(ts) < 0)


def test_timesteps_reject_out_of_range():
    for bad in (0, 1001):
        with pytest.raises(ValueError):
            NoiseSchedule.linear().timesteps(bad)


def test_ddpm_step_matches_hand_computation():
    ab_t, ab_prev = 0.5, 0.8
    x_t = torch.tensor([[0.3]])
    eps = torch.tensor([[0.2]])
    noise = torch.tensor([[1.0]])
    x_prev, x0 = ddpm.step(eps, x_t, ab_t, ab_prev, noise)
    x0_ref = (0.3 - math.sqrt(0.5) * 0.2) / math.sqrt(0.5)             # 0.224264
    alpha = ab_t / ab_prev
    beta = 1 - alpha
    mean = math.sqrt(ab_prev) * beta / (1 - ab_t) * x0_ref + math.sqrt(alpha) * (1 - ab_prev) / (1 - ab_t) * 0.3
    var = (1 - ab_prev) / (1 - ab_t) * beta
    assert x0.item() == pytest.approx(x0_ref, abs=1e-6)
    assert x_prev.item() == pytest.approx(mean + math.sqrt(var), abs=1e-6)
    assert x0_ref == pytest.approx(0.224264, abs=1e-6)


def test_ddim_deterministic_step_matches_hand_computation():
    ab_t, ab_prev = 0.5, 0.8
    x_t, eps = torch.tensor([[0.3]]), torch.tensor([[0.2]])
    x_prev, x0 = ddim.step(eps, x_t, ab_t, ab_prev, eta=0.0)
    x0_ref = (0.3 - math.sqrt(0.5) * 0.2) / math.sqrt(0.5)
    ref = math.sqrt(0.8) * x0_ref + math.sqrt(0.2) * 0.2
    assert x_prev.item() == pytest.approx(ref, abs=1e-6)
    assert x0.item() == pytest.approx(x0_ref, abs=1e-6)


def test_ddim_eta_one_has_ddpm_variance():
    ab_t, ab_prev = 0.5, 0.8
    s = ddim.sigma(ab_t, ab_prev, 1.0)
    beta_tilde = (1 - ab_prev) / (1 - ab_t) * (1 - ab_t / ab_prev)
    assert s ** 2 == pytest.approx(beta_tilde)


def test_final_step_returns_clipped_x0():
    x_t, eps = torch.tensor([[3.0]]), torch.tensor([[0.0]])
    for step in (lambda: ddpm.step(eps, x_t, 0.9, 1.0, None), lambda: ddim.step(eps, x_t, 0.9, 1.0)):
        x_prev, x0 = step()
        assert x_prev.item() == 1.0 and x0.item() == 1.0  # clipped to the data range
