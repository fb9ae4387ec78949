"""The user's own picture as a 28×28 grey image in [0, 1], like the training data: for the
forward processes and for completion (open or drop a PNG/JPG in the window)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.maths.pixels import SIDE

MAX_BYTES = 50 * 1024 * 1024  # refuse absurd files before decoding them


def load_28x28(path, invert: bool | None = None) -> np.ndarray:
    """Read an image file, convert to grey, fit it into 28×28 keeping its aspect ratio (centred,
    padded with the background) and return float32 (28, 28) in [0, 1].

    MNIST and Fashion-MNIST are light ink on a black background: `invert=None` inverts a picture
    whose border is mostly light (dark ink on white paper), True/False force it."""
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    if path.stat().st_size > MAX_BYTES:
        raise ValueError(f"{path}: larger than {MAX_BYTES // 2**20} MB; use a smaller picture")
    try:
        with Image.open(path) as im:
            grey = np.asarray(im.convert("L"), np.float32) / 255
    except (UnidentifiedImageError, OSError, ValueError) as e:
        raise ValueError(f"{path}: not an image this app can read ({e})") from None
    border = lambda g: np.concatenate([g[0], g[-1], g[:, 0], g[:, -1]])  # noqa: E731
    if invert if invert is not None else border(grey).mean() > 0.5:
        grey = 1 - grey
    h, w = grey.shape
    side = max(h, w)
    square = np.full((side, side), float(np.median(border(grey))), np.float32)  # pad with the background
    square[(side - h) // 2 : (side - h) // 2 + h, (side - w) // 2 : (side - w) // 2 + w] = grey
    small = Image.fromarray((square * 255).astype(np.uint8)).resize((SIDE, SIDE), Image.Resampling.LANCZOS)
    return np.clip(np.asarray(small, np.float32) / 255, 0, 1)
