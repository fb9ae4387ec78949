"""x̂0 is a mean: from any frame, run K continuations (batched) and compare their per-pixel mean
with the frame's x̂0. The std shows what is still undecided."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .autoregressive import sample_autoregressive
from .diffusion import sample_diffusion
from .frames import AUTOREGRESSIVE, DIFFUSION, Frame


@dataclass(frozen=True)
class Continuations:
    samples: np.ndarray  # (K, 28, 28) final images
    mean: np.ndarray     # (28, 28) their per-pixel mean
    std: np.ndarray      # (28, 28) their per-pixel std
    x0_mean: np.ndarray  # (28, 28) the frame's predicted clean image
    error: float         # RMSE between mean and x0_mean


def continuations(models, frame: Frame, *, k: int = 16, seed: int = 0, item: int = 0, **settings) -> Continuations:
    """K continuations of item `item` of `frame`. AR: the same order (same random permutation)
    and settings from the frame's known pixels, always sampling (temperature 1 unless given).
    Diffusion: stochastic DDPM steps from the frame's raw x_t at its t over the timesteps left
    (`steps` total, default that run's; DDIM eta 0 would give K copies), keeping inpainted pixels."""
    if not 1 <= k <= 512:
        raise ValueError(f"k must be 1..512, got {k}")
    info = frame.info
    label = None if frame.labels is None or frame.labels[item] < 0 else int(frame.labels[item])
    guidance = settings.get("guidance", info.get("guidance", 1.0))
    if frame.method == AUTOREGRESSIVE:
        order = settings.get("order", info.get("order", "raster"))
        frames = sample_autoregressive(models.ar, n=k, labels=label, order=order,
                                       pixels_per_step=settings.get("pixels_per_step", info.get("pixels_per_step", 1)),
                                       temperature=settings.get("temperature", 1.0), greedy=False,
                                       guidance=guidance, seed=seed, known=frame.known[item], values=frame.state[item],
                                       order_seed=info.get("order_seed", info.get("seed")))
    elif frame.method == DIFFUSION:
        t = frame.noise_level.t
        frames = sample_diffusion(models.diffusion, n=k, labels=label, sampler="ddpm",
                                  steps=settings.get("steps", info.get("steps", 100)), guidance=guidance, seed=seed,
                                  start=(np.repeat(frame.noise_level.x_t[item][None], k, 0), t),
                                  known=None if frame.known is None else frame.known[item],
                                  values=None if frame.known is None else frame.x0_mean[item])
    else:
        raise ValueError(f"continuations need an autoregressive or diffusion frame, got {frame.method}")
    last = None
    for last in frames:
        pass
    samples = frame.state[item][None].repeat(k, 0) if last is None else last.state
    mean, std = samples.mean(0), samples.std(0)
    x0 = frame.x0_mean[item]
    return Continuations(samples, mean, std, x0, float(np.sqrt(np.mean((mean - x0) ** 2))))
