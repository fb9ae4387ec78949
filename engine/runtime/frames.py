"""The one record that crosses from the engine to the GUI: a frozen `Frame` per network step.

Every array is a fresh CPU numpy array, batch-first (N, 28, 28) for images, float32, values in
[0, 1] for images, and nobody mutates it after it is yielded. The GUI shows item 0 of the batch;
the CLIs and evaluation use whole batches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.runtime.settings import (
    ARRunSettings,
    DiffusionRunSettings,
    ForwardARRunSettings,
    ForwardDiffusionRunSettings,
    OneShotRunSettings,
)

RunSettingsRecord = (
    ARRunSettings | DiffusionRunSettings | OneShotRunSettings | ForwardARRunSettings | ForwardDiffusionRunSettings
)

AUTOREGRESSIVE = "autoregressive"
DIFFUSION = "diffusion"
ONE_SHOT = "one-shot"
FORWARD_AR = "forward-autoregressive"  # a real image losing its pixels in an order
FORWARD_DIFFUSION = "forward-diffusion"  # a real image being noised


@dataclass(frozen=True)
class NewPixels:
    """Pixels fixed in this AR step, with the distribution each was sampled from."""

    indices: np.ndarray  # (N, k) int64 flat indices into the 784 pixels
    probs: np.ndarray  # (N, k, 256) float32 predictive distribution actually sampled from
    values: np.ndarray  # (N, k) int64 sampled grey level 0..255


@dataclass(frozen=True)
class NoiseLevel:
    """Where a diffusion step stands on the noise schedule."""

    t: int  # training timestep of x_t, 0..T-1 (T = 1000)
    alpha_bar: float  # ᾱ_t: signal fraction of variance
    sigma: float  # sqrt(1 - ᾱ_t): noise std of x_t
    x_t: np.ndarray  # (N, H, W) float32 raw x_t in model units (data in [-1, 1])
    eps_hat: np.ndarray | None = None  # (N, H, W) float32 predicted noise (raw, ~N(0, 1))


@dataclass(frozen=True)
class GuidanceParts:
    """Classifier-free guidance made visible: the network run with and without the prompt, as
    predicted clean images; the frame's x0_mean is uncond + w · (cond − uncond) (before clipping)."""

    cond: np.ndarray  # (N, H, W) x̂0 with the prompt, in [0, 1]
    uncond: np.ndarray  # (N, H, W) x̂0 without the prompt, in [0, 1]
    guidance: float  # w


@dataclass(frozen=True)
class Frame:
    method: str  # one of the constants above
    step: int  # 0-based index of this step
    total_steps: int  # planned number of steps
    nfe: int  # network evaluations so far (a guided step counts 2)
    state: np.ndarray  # (N, H, W) what the method holds now, in [0, 1]
    x0_mean: np.ndarray  # (N, H, W) predicted clean image (posterior mean), in [0, 1]
    known: np.ndarray | None = None  # AR: (N, H, W) bool, pixels fixed so far
    new_pixels: NewPixels | None = None  # AR: pixels fixed in this step
    noise_level: NoiseLevel | None = None  # diffusion: schedule position, x_t, ε̂
    uncertainty: np.ndarray | None = None  # (N, H, W) per-pixel predictive std, in [0, 1] units
    elapsed_s: float = 0.0  # engine seconds since the run started
    labels: np.ndarray | None = None  # (N,) requested class, -1 for "no label"
    guidance_parts: GuidanceParts | None = None  # the cond and uncond runs of a guided step
    settings: RunSettingsRecord | None = None  # the frozen settings of the run that made it

    @property
    def is_last(self) -> bool:
        return self.step == self.total_steps - 1
