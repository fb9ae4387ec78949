"""Smoke test of the FROZEN app: `python3 packaging/smoke_test.py [APP]` (stdlib only, any Python 3).

Runs `APP --self-test OUTDIR` offscreen (APP defaults to dist/pixels-and-noise/pixels-and-noise), then
checks: exit code 0; result.json says ok and every check passed (all shipped weights loaded, both
panels ran through the worker, the window was grabbed); window.png is a valid PNG (chunk CRCs,
IHDR, decompressed pixel data) of a sensible size (at least 800x600) and is not blank (many
distinct colours, and not one colour covering nearly everything). Exit 0 only if all hold.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_APP = ROOT / "dist" / "pixels-and-noise" / ("pixels-and-noise.exe" if os.name == "nt" else "pixels-and-noise")


def read_png(path: Path) -> tuple[int, int, list[bytes], int]:
    """(width, height, unfiltered rows, bytes per pixel) of an 8-bit RGB/RGBA/grey PNG; raises on damage."""
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG (bad signature)")
    pos, idat, ihdr = 8, [], None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + n]
        (crc,) = struct.unpack(">I", data[pos + 8 + n : pos + 12 + n])
        if zlib.crc32(kind + body) != crc:
            raise ValueError(f"bad CRC in chunk {kind!r}")
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + n
    if ihdr is None or not idat:
        raise ValueError("PNG without IHDR or IDAT")
    w, h, depth, color, _, _, interlace = ihdr
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}.get(color)
    if depth != 8 or bpp is None or interlace:
        raise ValueError(f"unexpected PNG format (depth {depth}, colour type {color}, interlace {interlace})")
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    if len(raw) != h * (stride + 1):
        raise ValueError("PNG pixel data has the wrong length")
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            elif f != 0:
                raise ValueError(f"bad PNG filter {f}")
        rows.append(bytes(line))
        prev = line
    return w, h, rows, bpp


def check_png(path: Path) -> str:
    w, h, rows, bpp = read_png(path)
    if w < 800 or h < 600:
        raise ValueError(f"window.png is only {w}x{h}")
    counts: dict[bytes, int] = {}
    for y in range(0, h, 7):
        for x in range(0, w, 7):
            px = rows[y][x * bpp : (x + 1) * bpp]
            counts[px] = counts.get(px, 0) + 1
    total = sum(counts.values())
    top = max(counts.values()) / total
    if len(counts) < 50 or top > 0.97:
        raise ValueError(f"window.png looks blank: {len(counts)} colours sampled, one covers {top:.0%}")
    return f"{w}x{h} PNG, {len(counts)} colours sampled, most common covers {top:.0%}"


def main(argv: list[str]) -> int:
    app = Path(argv[1]) if len(argv) > 1 else DEFAULT_APP
    if not app.exists():
        print(f"FAIL: no frozen app at {app}; build it with `bash packaging/build.sh`")
        return 1
    out = Path(tempfile.mkdtemp(prefix="pn-smoke-"))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(out / "config"))
    t0 = time.perf_counter()
    p = subprocess.run(
        [str(app), "--self-test", str(out)], env=env, cwd=out, capture_output=True, text=True, timeout=600
    )
    wall = time.perf_counter() - t0
    problems = []
    if p.returncode != 0:
        problems.append(f"exit code {p.returncode}")
    try:
        result = json.loads((out / "result.json").read_text())
        failed = [c for c in result["checks"] if not c["ok"]]
        if not result["ok"] or failed:
            problems += [f"check failed: {c['check']}: {c['detail']}\n{c.get('traceback', '')}" for c in failed]
        print(f"result.json: ok={result['ok']}, {len(result['checks'])} checks, {result['seconds']} s inside the app")
        for c in result["checks"]:
            print(f"  {'ok  ' if c['ok'] else 'FAIL'} {c['check']} ({c['seconds']} s)")
    except (OSError, ValueError, KeyError) as e:
        problems.append(f"result.json missing or unreadable: {e}")
    try:
        print("window.png:", check_png(out / "window.png"))
    except (OSError, ValueError) as e:
        problems.append(f"window.png: {e}")
    if problems:
        print((p.stdout + p.stderr)[-3000:])
        print("FAIL:\n  " + "\n  ".join(problems))
        return 1
    print(f"PASS: frozen self-test ok in {wall:.1f} s wall ({app}); output in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
