"""The user's own picture as a 28×28 grey image in [0, 1], like the training data: for the
forward processes and for completion (open or drop a PNG/JPG in the window).

Only the decoders named in FORMATS ever see the file: Pillow otherwise picks one from the
content, and a PostScript file named `.png` would be handed to Ghostscript (an external program
with a long record of code-execution bugs). The size is read from the header and checked before
any pixel is decoded. Every failure is one ValueError naming the file: the window shows it as
its red banner."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from engine.maths.pixels import SIDE

MAX_BYTES = 50 * 1024 * 1024  # refuse absurd files before decoding them
MAX_PIXELS = 50_000_000  # width × height from the header (a 12000×12000 PNG needs ~2 GB decoded)
WORK_SIDE = 1024  # a large picture is shrunk to this side before the grey maths
FORMATS = ("PNG", "JPEG", "BMP", "GIF", "WEBP")  # Pillow's plugins that decode in-process


class PictureError(ValueError):
    """A picture this app will not read; the message names the file and why."""


def load_28x28(path, invert: bool | None = None) -> np.ndarray:
    """Read an image file, convert to grey, fit it into 28×28 keeping its aspect ratio (centred,
    padded with the background) and return float32 (28, 28) in [0, 1].

    A transparent background counts as white paper: alpha is composited on white first.
    MNIST and Fashion-MNIST are light ink on a black background: `invert=None` inverts a picture
    whose border is mostly light (dark ink on white paper), True/False force it."""
    path = Path(path)
    if not path.is_file():
        raise PictureError(f"{path}: no such file" if not path.exists() else f"{path}: not a picture file")
    if path.stat().st_size > MAX_BYTES:
        raise PictureError(f"{path}: larger than {MAX_BYTES // 2**20} MB; use a smaller picture")
    grey = _decode_grey(path)
    border = lambda g: np.concatenate([g[0], g[-1], g[:, 0], g[:, -1]])  # noqa: E731
    if invert if invert is not None else border(grey).mean() > 0.5:
        grey = 1 - grey
    from PIL import Image

    h, w = grey.shape
    side = max(h, w)
    square = np.full((side, side), float(np.median(border(grey))), np.float32)  # pad with the background
    square[(side - h) // 2 : (side - h) // 2 + h, (side - w) // 2 : (side - w) // 2 + w] = grey
    small = Image.fromarray((square * 255).astype(np.uint8)).resize((SIDE, SIDE), Image.Resampling.LANCZOS)
    return np.clip(np.asarray(small, np.float32) / 255, 0, 1)


def _decode_grey(path: Path) -> np.ndarray:
    """float32 (h, w) in [0, 1], decoded only by FORMATS, alpha composited on white."""
    from PIL import Image, UnidentifiedImageError

    names = ", ".join(f.replace("JPEG", "JPG").replace("WEBP", "WebP") for f in FORMATS)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # MAX_PIXELS below is the limit
            im = Image.open(path, formats=FORMATS)
        with im:
            w, h = im.size  # from the header: nothing is decoded yet
            if w * h > MAX_PIXELS:
                raise PictureError(
                    f"{path}: {w}×{h} pixels is more than {MAX_PIXELS // 10**6} million; use a smaller picture"
                )
            if w < 1 or h < 1:
                raise PictureError(f"{path}: the picture is empty ({w}×{h})")
            im.seek(0)  # an animated GIF/WebP: its first frame
            rgba = im.convert("RGBA")
            rgba.thumbnail(
                (WORK_SIDE, WORK_SIDE), Image.Resampling.LANCZOS
            )  # 28×28 is the goal: no float copy of 50 MP
    except PictureError:
        raise
    except UnidentifiedImageError:
        raise PictureError(f"{path}: not an image this app can read (it reads {names})") from None
    except Image.DecompressionBombError:  # Pillow's own limit, above ours: raised while opening
        raise PictureError(f"{path}: more than {MAX_PIXELS // 10**6} million pixels; use a smaller picture") from None
    except Exception as e:  # a damaged file: Pillow's decoders raise OSError, ValueError, SyntaxError, EOFError, ...
        text = str(e).strip().splitlines()[0][:120] if str(e).strip() else type(e).__name__
        raise PictureError(f"{path}: a damaged or unreadable picture ({text})") from None
    a = np.asarray(rgba, np.float32) / 255
    alpha = a[..., 3:4]
    rgb = a[..., :3] * alpha + (1 - alpha)  # on white paper
    return (rgb @ np.array([0.299, 0.587, 0.114], np.float32)).astype(np.float32)  # ITU-R 601, as Pillow's "L"
