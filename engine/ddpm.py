"""DDPM ancestral step (Ho et al. 2020), generalised to skipped timesteps.

From x_t and the predicted noise ε̂: x̂0 = (x_t − sqrt(1−ᾱ_t) ε̂) / sqrt(ᾱ_t), clipped to the data
range, then x_prev ~ q(x_prev | x_t, x̂0) = N(μ̃, β̃) with
  μ̃ = sqrt(ᾱ_prev) β / (1−ᾱ_t) · x̂0 + sqrt(α) (1−ᾱ_prev) / (1−ᾱ_t) · x_t,
  β̃ = (1−ᾱ_prev) / (1−ᾱ_t) · β,   where α = ᾱ_t / ᾱ_prev and β = 1 − α.
"""
from __future__ import annotations

import math

import torch


def predict_x0(eps: torch.Tensor, x_t: torch.Tensor, alpha_bar_t: float, clip: bool = True) -> torch.Tensor:
    x0 = (x_t - math.sqrt(1 - alpha_bar_t) * eps) / math.sqrt(alpha_bar_t)
    return x0.clamp(-1, 1) if clip else x0


def step(eps: torch.Tensor, x_t: torch.Tensor, alpha_bar_t: float, alpha_bar_prev: float,
         noise: torch.Tensor | None, clip: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """One ancestral step from ᾱ_t to ᾱ_prev (1.0 = the clean image). Returns (x_prev, x̂0)."""
    x0 = predict_x0(eps, x_t, alpha_bar_t, clip)
    if alpha_bar_prev >= 1.0:
        return x0, x0
    alpha = alpha_bar_t / alpha_bar_prev
    beta = 1.0 - alpha
    c0 = math.sqrt(alpha_bar_prev) * beta / (1 - alpha_bar_t)
    ct = math.sqrt(alpha) * (1 - alpha_bar_prev) / (1 - alpha_bar_t)
    var = (1 - alpha_bar_prev) / (1 - alpha_bar_t) * beta
    mean = c0 * x0 + ct * x_t
    return (mean if noise is None else mean + math.sqrt(var) * noise), x0
