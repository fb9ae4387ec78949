"""DDIM step (Song et al. 2021). eta = 0 is deterministic; eta = 1 matches DDPM's variance.

Given x_t, the predicted clean image x̂0 (clipped) and the noise ε̂ consistent with it
(ε̂ = (x_t − sqrt(ᾱ_t) x̂0) / sqrt(1−ᾱ_t)),
  x_prev = sqrt(ᾱ_prev) x̂0 + sqrt(1 − ᾱ_prev − σ²) ε̂ + σ z,
  σ = eta · sqrt((1−ᾱ_prev)/(1−ᾱ_t)) · sqrt(1 − ᾱ_t/ᾱ_prev).
"""

from __future__ import annotations

import math

import torch


def sigma(alpha_bar_t: float, alpha_bar_prev: float, eta: float) -> float:
    if alpha_bar_prev >= 1.0:
        return 0.0
    return eta * math.sqrt((1 - alpha_bar_prev) / (1 - alpha_bar_t)) * math.sqrt(1 - alpha_bar_t / alpha_bar_prev)


def step(
    x0: torch.Tensor,
    eps: torch.Tensor,
    alpha_bar_t: float,
    alpha_bar_prev: float,
    eta: float = 0.0,
    noise: torch.Tensor | None = None,
) -> torch.Tensor:
    """One DDIM step from ᾱ_t to ᾱ_prev (1.0 = the clean image: returns x̂0). Returns x_prev."""
    if alpha_bar_prev >= 1.0:
        return x0
    s = sigma(alpha_bar_t, alpha_bar_prev, eta)
    x_prev = math.sqrt(alpha_bar_prev) * x0 + math.sqrt(max(0.0, 1 - alpha_bar_prev - s * s)) * eps
    if s > 0 and noise is not None:
        x_prev = x_prev + s * noise
    return x_prev
