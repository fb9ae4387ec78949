"""Write a run as GIF, MP4 or PNG: for every network evaluation, each lane's state and x0 side
by side (nearest-neighbour scaled), left lane above the right one."""
from __future__ import annotations

from pathlib import Path

import imageio.v3 as iio
import numpy as np

from . import axis

SCALE = 8


def _tile(frame) -> np.ndarray:
    pair = np.concatenate([frame.state[0], np.ones((28, 2), np.float32), frame.x0_mean[0]], axis=1)
    return np.kron(pair, np.ones((SCALE, SCALE), np.float32))


def composite_frames(lanes: dict, max_frames: int = 300) -> list[np.ndarray]:
    """uint8 RGB pictures along the run, at most `max_frames`, on the shared axis (NFE, or steps
    when a lane ran no network)."""
    lanes = {n: fr for n, fr in lanes.items() if fr}
    if not lanes:
        raise ValueError("nothing to export: run something first")
    ax = axis.axis_for_lanes(lanes.values())
    top = max(axis.position(fr[-1], ax) for fr in lanes.values())
    out = []
    for pos in np.unique(np.linspace(0, top, min(max_frames, top + 1)).round().astype(int)):
        rows = []
        for fr in lanes.values():
            i = max(0, int(np.searchsorted([axis.position(f, ax) for f in fr], pos, side="right")) - 1)
            rows.append(_tile(fr[i]))
        pic = np.concatenate([np.pad(r, ((4, 4), (4, 4)), constant_values=0.15) for r in rows], axis=0)
        out.append(np.repeat((pic * 255).astype(np.uint8)[..., None], 3, axis=2))
    return out


def write_run(lanes: dict, path: str | Path, fps: int = 20) -> Path:
    path = Path(path)
    pics = composite_frames(lanes)
    suffix = path.suffix.lower()
    if suffix == ".gif":
        iio.imwrite(path, pics + [pics[-1]] * fps, duration=1000 // fps, loop=0)
    elif suffix == ".mp4":
        h, w = pics[0].shape[:2]
        pics = [np.pad(p, ((0, h % 2), (0, w % 2), (0, 0))) for p in pics]
        iio.imwrite(path, pics + [pics[-1]] * fps, fps=fps, codec="libx264", plugin="pyav") if _has_pyav() else \
            _write_mp4_ffmpeg(path, pics + [pics[-1]] * fps, fps)
    elif suffix == ".png":
        iio.imwrite(path, pics[-1])
    else:
        raise ValueError(f"unsupported export format {suffix!r}: use .gif, .mp4 or .png")
    return path


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
