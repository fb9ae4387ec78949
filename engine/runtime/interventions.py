"""Direct manipulation of a run: force the value of a pixel the AR model is about to fix and
let the rest of the image adapt. The continuation keeps the run's settings and order."""

from __future__ import annotations

import numpy as np

from engine.maths.pixels import PIXELS, SIDE
from engine.runtime.frames import AUTOREGRESSIVE, Frame
from engine.runtime.samplers.autoregressive import sample_autoregressive


def force_pixel(models, frame: Frame, pixel: int, level: int, item: int = 0):
    """Frames that continue `frame`'s AR run with pixel `pixel` (flat index 0..783) set to grey
    level `level` (0..255): the frame's known pixels stay, this one is added, the same order
    and settings fill the rest (step numbers restart at 0 for the pixels left)."""
    if frame.method != AUTOREGRESSIVE:
        raise ValueError(f"only an autoregressive run has pixels to force, not {frame.method}")
    if not 0 <= int(pixel) < PIXELS:
        raise ValueError(f"pixel must be 0..783, got {pixel}")
    if not 0 <= int(level) <= 255:
        raise ValueError(f"grey level must be 0..255, got {level}")
    s = frame.settings
    known = frame.known[item].copy().reshape(-1)
    values = frame.state[item].copy().reshape(-1)
    known[int(pixel)] = True
    values[int(pixel)] = int(level) / 255
    label = None if frame.labels is None or frame.labels[item] < 0 else int(frame.labels[item])
    return sample_autoregressive(
        models.ar,
        n=1,
        labels=label,
        order=s.order,
        pixels_per_step=s.pixels_per_step,
        temperature=s.temperature,
        greedy=s.greedy,
        guidance=s.guidance,
        seed=s.seed + 1,
        known=known.reshape(SIDE, SIDE),
        values=values.reshape(SIDE, SIDE).astype(np.float32),
        order_seed=s.order_seed,
    )
