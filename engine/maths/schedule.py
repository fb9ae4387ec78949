"""T = 1000 step noise schedules: DDPM's linear betas 1e-4 .. 0.02 (Ho et al. 2020) and the cosine
schedule (Nichol & Dhariwal 2021), which spreads the signal-to-noise ratio evenly over the steps.

x_t = sqrt(ᾱ_t) x_0 + sqrt(1 - ᾱ_t) ε,  ᾱ_t = prod_{s<=t} (1 - β_s),  t = 0 .. T-1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

T_TRAIN = 1000
SCHEDULES = ("linear", "cosine")


@dataclass(frozen=True)
class NoiseSchedule:
    betas: np.ndarray  # (T,) float64

    @classmethod
    def linear(cls, T: int = T_TRAIN, beta_start: float = 1e-4, beta_end: float = 0.02) -> NoiseSchedule:
        return cls(np.linspace(beta_start, beta_end, T, dtype=np.float64))

    @classmethod
    def cosine(cls, T: int = T_TRAIN, s: float = 0.008, max_beta: float = 0.999) -> NoiseSchedule:
        """ᾱ(t) = f(t)/f(0), f(t) = cos²((t/T + s)/(1 + s) · π/2); betas clipped at `max_beta`
        (so ᾱ_{T-1} ≈ 2.4e-9: x_{T-1} is pure noise to float precision)."""
        f = np.cos((np.arange(T + 1) / T + s) / (1 + s) * np.pi / 2) ** 2
        return cls(np.clip(1 - f[1:] / f[:-1], 0, max_beta))

    @classmethod
    def named(cls, name: str) -> NoiseSchedule:
        if name not in SCHEDULES:
            raise ValueError(f"unknown noise schedule {name!r}: use one of {', '.join(SCHEDULES)}")
        return getattr(cls, name)()

    @property
    def T(self) -> int:
        return len(self.betas)

    @property
    def alphas(self) -> np.ndarray:
        return 1.0 - self.betas

    @property
    def alpha_bar(self) -> np.ndarray:
        return np.cumprod(self.alphas)

    def snr(self) -> np.ndarray:
        """Signal-to-noise ratio ᾱ_t / (1 - ᾱ_t)."""
        ab = self.alpha_bar
        return ab / (1.0 - ab)

    def timesteps(self, steps: int) -> np.ndarray:
        """`steps` timesteps from T-1 down to 0, evenly spaced ("trailing" spacing, so that
        even a single step starts from pure noise at t = T-1 and ends at t = 0)."""
        if not 1 <= steps <= self.T:
            raise ValueError(f"steps must be between 1 and {self.T}, got {steps}")
        return (np.round(np.arange(self.T, 0, -self.T / steps)) - 1).astype(np.int64)

    def alpha_bar_at(self, t: int) -> float:
        """ᾱ_t, with ᾱ_{-1} = 1 (the clean image)."""
        return 1.0 if t < 0 else float(self.alpha_bar[t])
