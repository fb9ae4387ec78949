"""The forward processes the two generators undo, shown on a real held-out image:

* autoregression undoes erasing: the image loses its pixels in an order, k a step;
* diffusion undoes noising: x_t = sqrt(ᾱ_t) x0 + sqrt(1 − ᾱ_t) ε with t rising to T − 1 (one
  fixed draw of ε, so the noising looks continuous).
"""

from __future__ import annotations

import numpy as np

from engine.maths import orders
from engine.maths.pixels import PIXELS, SIDE
from engine.maths.schedule import NoiseSchedule
from engine.runtime.frames import FORWARD_AR, FORWARD_DIFFUSION, Frame, NoiseLevel
from engine.runtime.settings import ForwardARRunSettings, ForwardDiffusionRunSettings


def forward_autoregressive(image01: np.ndarray, *, order: str = "random", pixels_per_step: int = 8, seed: int = 0):
    """Yield frames of `image01` (28, 28) losing its pixels: the last pixels to be generated are
    erased first (the generation order reversed), ending blank."""
    if order == "confidence":
        order = "random"  # confidence needs a network; erasing uses a fixed order
    img = np.asarray(image01, np.float32).reshape(SIDE, SIDE)
    perm = orders.make_order(order, np.random.default_rng(seed), pixels_per_step)
    groups = orders.step_groups(perm, pixels_per_step, order)[::-1]
    known = np.ones(PIXELS, bool)
    for i, g in enumerate(groups):
        known[g] = False
        kn = known.reshape(1, SIDE, SIDE).copy()
        yield Frame(
            method=FORWARD_AR,
            step=i,
            total_steps=len(groups),
            nfe=0,
            state=img[None] * kn,
            x0_mean=img[None].copy(),
            known=kn,
            settings=ForwardARRunSettings(order, pixels_per_step, seed),
        )


def forward_diffusion(image01: np.ndarray, *, steps: int = 100, seed: int = 0, schedule: NoiseSchedule | None = None):
    """Yield frames of `image01` being noised, t rising evenly to T − 1."""
    schedule = schedule or NoiseSchedule.linear()
    x0 = np.asarray(image01, np.float32).reshape(1, SIDE, SIDE) * 2 - 1
    eps = np.random.default_rng(seed).standard_normal((1, SIDE, SIDE)).astype(np.float32)
    ts = schedule.timesteps(steps)[::-1]
    for i, t in enumerate(ts):
        ab = float(schedule.alpha_bar[t])
        x_t = (np.sqrt(ab) * x0 + np.sqrt(1 - ab) * eps).astype(np.float32)
        yield Frame(
            method=FORWARD_DIFFUSION,
            step=i,
            total_steps=len(ts),
            nfe=0,
            state=np.clip((x_t + 1) / 2, 0, 1),
            x0_mean=(x0 + 1) / 2,
            noise_level=NoiseLevel(t=int(t), alpha_bar=ab, sigma=float(np.sqrt(1 - ab)), x_t=x_t, eps_hat=eps.copy()),
            settings=ForwardDiffusionRunSettings(steps=steps, seed=seed),
        )
