"""Write a run as GIF, MP4 or PNG: for every network evaluation, each lane's state and x0 side
by side (nearest-neighbour scaled), left lane above the right one. Each lane's row is labelled,
burnt into every frame: what it runs (method and settings), its step and NFE.

Every export is reproducible: a PNG carries the run's exact settings (engine.runtime.record) as
JSON in a text chunk under the key `pixels-and-noise`, a GIF or MP4 in a `.json` sidecar beside
it; `main.py --replay FILE` re-runs that run."""

from __future__ import annotations

from pathlib import Path

import imageio.v3 as iio
import numpy as np

from engine.maths.pixels import SIDE
from engine.networks.files import write_atomic, write_text_atomic
from engine.runtime import record as records
from engine.runtime.modes import shows_real_image
from engine.tools import cli

from . import axis

SCALE = 8
LABEL_PX, LABEL_H = 15, 42  # two lines of text above each lane's pictures


def _tile(frame) -> np.ndarray:
    pair = np.concatenate([frame.state[0], np.ones((SIDE, 2), np.float32), frame.x0_mean[0]], axis=1)
    return np.kron(pair, np.ones((SCALE, SCALE), np.float32))


def _label(width: int, name: str, frame) -> np.ndarray:
    """(LABEL_H, width) grey text on black: the lane's name, then its step, NFE and what is shown."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (width, LABEL_H), 0)
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=LABEL_PX)
    draw.text((4, 2), name, fill=255, font=font)
    x0 = "the real image" if shows_real_image(frame.method) else "x0 (predicted clean image)"
    draw.text(
        (4, 2 + LABEL_H // 2),
        f"step {frame.step + 1}/{frame.total_steps}   NFE {frame.nfe}   left: state, right: {x0}",
        fill=200,
        font=font,
    )
    return np.asarray(img, np.float32) / 255


def composite_frames(lanes: dict, max_frames: int = 300, names: dict | None = None) -> list[np.ndarray]:
    """uint8 RGB pictures along the run, at most `max_frames`, on the shared axis (NFE, or steps
    when a lane ran no network). `names` ({lane: 'diffusion, DDIM 100 steps'}) label the rows
    (default: each lane's method)."""
    lanes = {n: fr for n, fr in lanes.items() if fr}
    if not lanes:
        raise ValueError("nothing to export: run something first")
    ax = axis.axis_for_lanes(lanes.values())
    top = max(axis.position(fr[-1], ax) for fr in lanes.values())
    out = []
    for pos in np.unique(np.linspace(0, top, min(max_frames, top + 1)).round().astype(int)):
        rows = []
        for lane, fr in lanes.items():
            i = max(0, int(np.searchsorted([axis.position(f, ax) for f in fr], pos, side="right")) - 1)
            tile = _tile(fr[i])
            name = (names or {}).get(lane) or fr[i].method
            rows.append(np.concatenate([_label(tile.shape[1], name, fr[i]), tile], axis=0))
        pic = np.concatenate([np.pad(r, ((4, 4), (4, 4)), constant_values=0.15) for r in rows], axis=0)
        out.append(np.repeat((pic * 255).astype(np.uint8)[..., None], 3, axis=2))
    return out


def check_writable(path: str | Path, suffixes=(".gif", ".mp4", ".png")) -> Path:
    """engine.tools.cli.check_writable with the export formats (one home for the rule)."""
    return cli.check_writable(path, suffixes)


def png_with_record(rgb_or_image, path: Path, record: dict | None) -> None:
    """Write a PNG (a uint8 array or a PIL image) carrying `record` in its text chunk, atomically."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    img = rgb_or_image if isinstance(rgb_or_image, Image.Image) else Image.fromarray(rgb_or_image)
    info = PngInfo()
    if record is not None:
        info.add_text(records.KEY, records.dumps(record))
    write_atomic(path, lambda tmp: img.save(tmp, format="PNG", pnginfo=info))


def save_window_png(widget, path: str | Path, record: dict | None = None) -> Path:
    """The window as it looks now, as PNG with the run's `record` in it (ValueError/OSError: why it
    cannot be written)."""
    import io

    from PIL import Image
    from PySide6.QtCore import QBuffer, QIODevice

    out = check_writable(path, (".png",))
    buf = QBuffer()
    buf.open(QIODevice.WriteOnly)
    if not widget.grab().save(buf, "PNG"):
        raise OSError(f"could not save {path}")
    png_with_record(Image.open(io.BytesIO(bytes(buf.data())), formats=["PNG"]), out, record)
    return out


def write_run(
    lanes: dict, path: str | Path, fps: int = 20, names: dict | None = None, record: dict | None = None
) -> Path:
    """The run as GIF/MP4 (with `record` in a `.json` sidecar) or as its last picture in a PNG
    (with `record` in its text chunk)."""
    path = check_writable(path)
    suffix = path.suffix.lower()
    pics = composite_frames(lanes, names=names)
    try:
        if suffix == ".png":
            png_with_record(pics[-1], path, record)
        else:
            _write(path, suffix, pics, fps)
            if record is not None:
                write_text_atomic(records.sidecar(path), records.dumps(record))
    except Exception as e:  # the writer's own failure (disk full, ffmpeg): one line, not its command line
        text = str(e).strip()
        reason = getattr(e, "strerror", None) or (text.splitlines()[0] if text else type(e).__name__)
        raise OSError(f"could not write {path}: {reason}") from None
    return path


def _write(path: Path, suffix: str, pics: list, fps: int) -> None:
    if suffix == ".gif":
        iio.imwrite(path, pics + [pics[-1]] * fps, duration=1000 // fps, loop=0)
    elif suffix == ".mp4":
        h, w = pics[0].shape[:2]
        pics = [np.pad(p, ((0, h % 2), (0, w % 2), (0, 0))) for p in pics]
        iio.imwrite(
            path, pics + [pics[-1]] * fps, fps=fps, codec="libx264", plugin="pyav"
        ) if _has_pyav() else _write_mp4_ffmpeg(path, pics + [pics[-1]] * fps, fps)
    else:
        iio.imwrite(path, pics[-1])


def _has_pyav() -> bool:
    try:
        import av  # noqa: F401

        return True
    except ImportError:
        return False


def _write_mp4_ffmpeg(path: Path, pics: list, fps: int) -> None:
    import imageio.v2 as iio2

    with iio2.get_writer(str(path), fps=fps, codec="libx264", macro_block_size=1) as w:
        for p in pics:
            w.append_data(p)
