"""Checks of the files the frozen app writes (stdlib only): PNG, GIF and MP4 are parsed, not just
sniffed, so a truncated or empty file fails. Used by packaging/smoke_test.py."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path


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
        raise ValueError(f"{path.name} is only {w}x{h}")
    counts: dict[bytes, int] = {}
    for y in range(0, h, 7):
        for x in range(0, w, 7):
            px = rows[y][x * bpp : (x + 1) * bpp]
            counts[px] = counts.get(px, 0) + 1
    total = sum(counts.values())
    top = max(counts.values()) / total
    if len(counts) < 50 or top > 0.97:
        raise ValueError(f"{path.name} looks blank: {len(counts)} colours sampled, one covers {top:.0%}")
    return f"{w}x{h} PNG, {len(counts)} colours sampled, most common covers {top:.0%}"


def check_gif(path: Path) -> str:
    """An animated GIF: walks every block to the trailer and counts the frames (at least 2)."""
    try:
        return _check_gif(path.read_bytes())
    except IndexError:
        raise ValueError("GIF ends before its trailer (truncated)") from None


def _check_gif(d: bytes) -> str:
    if d[:6] not in (b"GIF87a", b"GIF89a"):
        raise ValueError("not a GIF (bad signature)")
    w, h, flags = struct.unpack("<HHB", d[6:11])
    pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    frames = 0

    def skip_sub_blocks(p: int) -> int:
        while d[p] != 0:
            p += d[p] + 1
        return p + 1

    while True:
        kind = d[pos]
        if kind == 0x3B:
            break
        if kind == 0x21:
            pos = skip_sub_blocks(pos + 2)
        elif kind == 0x2C:
            frames += 1
            fl = d[pos + 9]
            pos += 10 + (3 << ((fl & 7) + 1) if fl & 0x80 else 0)
            pos = skip_sub_blocks(pos + 1)  # after the LZW minimum code size
        else:
            raise ValueError(f"bad GIF block 0x{kind:02x} at byte {pos}")
        if pos >= len(d):
            raise ValueError("GIF ends before its trailer (truncated)")
    if frames < 2 or w < 100 or h < 100:
        raise ValueError(f"GIF has {frames} frames of {w}x{h}")
    return f"{w}x{h} GIF, {frames} frames"


def _boxes(d: bytes, pos: int, end: int):
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", d[pos : pos + 8])
        head = 8
        if size == 1:
            (size,) = struct.unpack(">Q", d[pos + 8 : pos + 16])
            head = 16
        elif size == 0:
            size = end - pos
        if size < head or pos + size > end:
            raise ValueError(f"MP4 box {kind!r} runs past the end of the file (truncated)")
        yield kind, pos + head, pos + size
        pos += size


def check_mp4(path: Path) -> str:
    """An H.264 MP4: top-level ftyp, moov and mdat boxes; moov's video track has an avc1 sample entry
    and at least 2 samples (stsz), and mdat holds the samples' bytes."""
    d = path.read_bytes()
    top = {kind: (a, b) for kind, a, b in _boxes(d, 0, len(d))}
    for need in (b"ftyp", b"moov", b"mdat"):
        if need not in top:
            raise ValueError(f"MP4 without a {need.decode()} box")
    a, b = top[b"moov"]
    moov = d[a:b]
    if b"avc1" not in moov:
        raise ValueError("MP4 has no H.264 (avc1) track")
    i = moov.find(b"stsz")
    if i < 0:
        raise ValueError("MP4 has no sample size table (stsz)")
    sample_size, count = struct.unpack(">II", moov[i + 8 : i + 16])
    a, b = top[b"mdat"]
    if count < 2 or b - a < 1000:
        raise ValueError(f"MP4 has {count} samples, {b - a} bytes of media data")
    return f"H.264 MP4, {count} frames, {(b - a) / 1000:.0f} kB of media data"
