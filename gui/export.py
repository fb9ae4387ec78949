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
LABEL_PX, LINE_H = 15, 21  # the lines of text above each lane's pictures: what ran, then step and NFE


class ExportCancelled(Exception):
    """An export stopped by the user between two pictures: nothing is written."""


def _never() -> bool:
    return False


def _tile(frame) -> np.ndarray:
    pair = np.concatenate([frame.state[0], np.ones((SIDE, 2), np.float32), frame.x0_mean[0]], axis=1)
    return np.kron(pair, np.ones((SCALE, SCALE), np.float32))


def _font():
    from PIL import ImageFont

    return ImageFont.load_default(size=LABEL_PX)


def name_lines(width: int, name: str) -> list[str]:
    """The lane's name ("diffusion, DDIM 100 steps · mnist “seven”, w = 3, seed 42") in lines that
    fit `width` pixels: broken at " · " and ", " (never cut)."""
    font = _font()
    lines: list[str] = []
    for part in name.split(" · "):
        line = ""
        for word in part.split(", "):
            trial = f"{line}, {word}" if line else word
            if line and font.getlength(trial) > width - 8:
                lines.append(line + ",")
                line = word
            else:
                line = trial
        lines.append(line)
    return lines


def _label(width: int, lines: list[str], frame) -> np.ndarray:
    """Grey text on black: the lane's name (`lines`), then its step, NFE and what is shown."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (width, LINE_H * (len(lines) + 1) + 2), 0)
    draw = ImageDraw.Draw(img)
    font = _font()
    for j, line in enumerate(lines):
        draw.text((4, 2 + j * LINE_H), line, fill=255, font=font)
    x0 = "the real image" if shows_real_image(frame.method) else "x0 (predicted clean image)"
    draw.text(
        (4, 2 + len(lines) * LINE_H),
        f"step {frame.step + 1}/{frame.total_steps}   NFE {frame.nfe}   left: state, right: {x0}",
        fill=200,
        font=font,
    )
    return np.asarray(img, np.float32) / 255


def composite_frames(
    lanes: dict, max_frames: int = 300, names: dict | None = None, progress=None, cancelled=_never
) -> list[np.ndarray]:
    """uint8 RGB pictures along the run, at most `max_frames`, on the shared axis (NFE, or steps
    when a lane ran no network). `names` ({lane: gui.render.what_ran's label}) label the rows
    (default: each lane's method). `progress(done, total)` after each picture; `cancelled()` true:
    ExportCancelled between two pictures."""
    lanes = {n: fr for n, fr in lanes.items() if fr}
    if not lanes:
        raise ValueError("nothing to export: run something first")
    ax = axis.axis_for_lanes(lanes.values())
    top = max(axis.position(fr[-1], ax) for fr in lanes.values())
    width = _tile(next(iter(lanes.values()))[0]).shape[1]
    lines = {lane: name_lines(width, (names or {}).get(lane) or fr[0].method) for lane, fr in lanes.items()}
    places = {lane: [axis.position(f, ax) for f in fr] for lane, fr in lanes.items()}
    at = np.unique(np.linspace(0, top, min(max_frames, top + 1)).round().astype(int))
    out = []
    for pos in at:
        if cancelled():
            raise ExportCancelled
        rows = []
        for lane, fr in lanes.items():
            i = max(0, int(np.searchsorted(places[lane], pos, side="right")) - 1)
            tile = _tile(fr[i])
            rows.append(np.concatenate([_label(tile.shape[1], lines[lane], fr[i]), tile], axis=0))
        pic = np.concatenate([np.pad(r, ((4, 4), (4, 4)), constant_values=0.15) for r in rows], axis=0)
        out.append(np.repeat((pic * 255).astype(np.uint8)[..., None], 3, axis=2))
        if progress is not None:
            progress(len(out), len(at))
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


def _free_space(folder: Path) -> str:
    import shutil

    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return "the disk may be full"
    return "the disk is full" if free < 1 << 20 else f"{free / 2**20:.0f} MB free on the disk"


def write_run(
    lanes: dict,
    path: str | Path,
    fps: int = 20,
    names: dict | None = None,
    record: dict | None = None,
    progress=None,
    cancelled=_never,
) -> Path:
    """The run as GIF/MP4 (with `record` in a `.json` sidecar) or as its last picture in a PNG
    (with `record` in its text chunk). `progress`/`cancelled`: as composite_frames (a cancel while
    the file is encoded leaves nothing under `path` either)."""
    path = check_writable(path)
    suffix = path.suffix.lower()
    pics = composite_frames(lanes, names=names, progress=progress, cancelled=cancelled)
    if suffix == ".png":
        png_with_record(pics[-1], path, record)
    else:
        write_pictures(path, pics, fps, cancelled)
        if record is not None:
            write_text_atomic(records.sidecar(path), records.dumps(record))
    return path


def write_pictures(path: Path, pics: list, fps: int = 20, cancelled=_never) -> Path:
    """RGB uint8 pictures as the GIF/MP4 (or, last one, PNG) at `path`, written under a temporary
    name and renamed when complete: a full disk or an interrupt leaves nothing under `path` (and
    an earlier file of that name whole); files.WriteError is one line."""
    path, suffix = Path(path), Path(path).suffix.lower()

    def write(tmp: Path):
        _write(tmp, suffix, pics, fps)
        check_complete(tmp, suffix)
        if cancelled():  # after the encoding, before the rename: the temporary file goes
            raise ExportCancelled

    return write_atomic(path, write)


def check_complete(path: Path, suffix: str) -> None:
    """OSError unless the file ends as its format ends. A writer that loses its output (ffmpeg on a
    full disk exits without telling imageio) would otherwise leave a truncated file, silently."""
    data = Path(path).read_bytes()
    ok = {
        ".gif": lambda d: d[:3] == b"GIF" and d.endswith(b"\x3b"),
        ".png": lambda d: d[:8] == b"\x89PNG\r\n\x1a\n" and d[-8:-4] == b"IEND",
        ".mp4": _mp4_complete,
    }[suffix](data)
    if not ok:
        raise OSError(f"the written {suffix[1:].upper()} is incomplete ({_free_space(Path(path).parent)})")


def _mp4_complete(d: bytes) -> bool:
    """Top-level MP4 boxes that tile the file exactly, with the movie header (moov) and data (mdat)."""
    seen, i = set(), 0
    while i + 8 <= len(d):
        size, kind = int.from_bytes(d[i : i + 4], "big"), d[i + 4 : i + 8]
        if size == 1 and i + 16 <= len(d):
            size = int.from_bytes(d[i + 8 : i + 16], "big")
        if size < 8:
            return False
        seen.add(kind)
        i += size
    return i == len(d) and {b"moov", b"mdat"} <= seen


def _write(path: Path, suffix: str, pics: list, fps: int) -> None:
    if suffix == ".gif":  # encoded in memory, then written: a full disk is one OSError, not a writer
        # object that fails again when it is collected ("Exception ignored in ..." on stderr)
        path.write_bytes(
            iio.imwrite("<bytes>", pics + [pics[-1]] * fps, extension=".gif", duration=1000 // fps, loop=0)
        )
    elif suffix == ".mp4":
        h, w = pics[0].shape[:2]
        pics = [np.pad(p, ((0, h % 2), (0, w % 2), (0, 0))) for p in pics]
        (_write_mp4_pyav if _has_pyav() else _write_mp4_ffmpeg)(path, pics + [pics[-1]] * fps, fps)
    else:
        path.write_bytes(iio.imwrite("<bytes>", pics[-1], extension=".png"))


def _write_mp4_pyav(path: Path, pics: list, fps: int) -> None:
    """H.264 through PyAV, the container closed before this returns, also when a write fails
    (imageio's plugin left a failed writer to the garbage collector, whose flush then raised
    "Exception ignored in __del__" at some later moment)."""
    import av

    container = av.open(str(path), mode="w", format="mp4")
    failed = False
    try:
        stream = container.add_stream("libx264", rate=fps)
        stream.height, stream.width = pics[0].shape[:2]
        stream.pix_fmt = "yuv420p"
        for pic in pics:
            for packet in stream.encode(av.VideoFrame.from_ndarray(pic, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():  # flush the encoder
            container.mux(packet)
    except BaseException:
        failed = True
        raise
    finally:
        try:
            container.close()
        except Exception:
            if not failed:  # a failure to finish the file is the failure; after another one, it is noise
                raise


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
