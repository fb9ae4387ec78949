"""DDPM ancestral step (Ho et al. 2020), generalised to skipped timesteps.

Given x_t and the predicted clean image x̂0 (already clipped to the data range; see
engine.maths.parametrization for how any network output becomes x̂0), x_prev ~ q(x_prev | x_t, x̂0) = N(μ̃, β̃):
  μ̃ = sqrt(ᾱ_prev) β / (1−ᾱ_t) · x̂0 + sqrt(α) (1−ᾱ_prev) / (1−ᾱ_t) · x_t,
  β̃ = (1−ᾱ_prev) / (1−ᾱ_t) · β,   where α = ᾱ_t / ᾱ_prev and β = 1 − α.
"""

from __future__ import annotations

import math

import torch


def step(
    x0: torch.Tensor, x_t: torch.Tensor, alpha_bar_t: float, alpha_bar_prev: float, noise: torch.Tensor | None
) -> torch.Tensor:
    """One ancestral step from ᾱ_t to ᾱ_prev (1.0 = the clean image: returns x̂0). Returns x_prev."""
    if alpha_bar_prev >= 1.0:
        return x0
    alpha = alpha_bar_t / alpha_bar_prev
    beta = 1.0 - alpha
    c0 = math.sqrt(alpha_bar_prev) * beta / (1 - alpha_bar_t)
    ct = math.sqrt(alpha) * (1 - alpha_bar_prev) / (1 - alpha_bar_t)
    var = (1 - alpha_bar_prev) / (1 - alpha_bar_t) * beta
    mean = c0 * x0 + ct * x_t
    return mean if noise is None else mean + math.sqrt(var) * noise
