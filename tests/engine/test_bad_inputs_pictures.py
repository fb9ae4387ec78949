"""Pictures as people draw them and as they go wrong (issue 30 §4, §6), from tables: GOOD pictures
load as drawn (light ink on black, 28×28); BAD ones are one PictureError naming the file, decoded
by nothing but the app's own formats (a PostScript file named .png never reaches Ghostscript) and
refused from their header when too large."""

import io
import os
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from engine.networks import images
from engine.networks.images import PictureError, load_28x28


def _stroke(mode: str, ink, paper) -> Image.Image:
    """A vertical bar of `ink` on `paper`, 40×40, in `mode`."""
    im = Image.new(mode, (40, 40), paper)
    im.paste(ink, (16, 6, 24, 34))
    return im


def _png_header_only(w: int, h: int) -> bytes:
    """A PNG whose header claims w×h (nothing behind it decodes): only a header check refuses it cheaply."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def _save(im: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


# name -> (file name, bytes): each must load as light ink in the middle on black
GOOD = {
    "black ink on transparent (RGBA)": ("t.png", _save(_stroke("RGBA", (0, 0, 0, 255), (0, 0, 0, 0)), "PNG")),
    "black ink on transparent white (RGBA)": (
        "t.png",
        _save(_stroke("RGBA", (0, 0, 0, 255), (255, 255, 255, 0)), "PNG"),
    ),
    "grey with alpha (LA)": ("la.png", _save(_stroke("LA", (0, 255), (0, 0)), "PNG")),
    "dark on white JPEG": ("p.jpg", _save(_stroke("L", 0, 255), "JPEG")),
    "BMP": ("p.bmp", _save(_stroke("RGB", (0, 0, 0), (255, 255, 255)), "BMP")),
    "GIF (palette)": ("p.gif", _save(_stroke("L", 0, 255).convert("P"), "GIF")),
    "WebP": ("p.webp", _save(_stroke("RGB", (0, 0, 0), (255, 255, 255)), "WEBP", lossless=True)),
    "light ink on black (MNIST-like)": ("m.png", _save(_stroke("L", 255, 0), "PNG")),
}

POSTSCRIPT = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 28 28\nnewpath 0 0 moveto 28 28 lineto stroke\nshowpage\n"
# name -> (file name, bytes, words of the one line)
BAD = {
    "PostScript named .png": ("evil.png", POSTSCRIPT, "not an image this app can read"),
    "EPS": ("drawing.eps", POSTSCRIPT, "not an image this app can read"),
    "PDF named .png": ("doc.png", b"%PDF-1.4\n1 0 obj <<>> endobj\n", "not an image this app can read"),
    "empty file": ("e.png", b"", "not an image this app can read"),
    "text": ("t.png", b"hello", "not an image this app can read"),
    "truncated PNG": ("cut.png", _save(_stroke("L", 255, 0), "PNG")[:60], "damaged or unreadable"),
    "20000×20000 header (a decompression bomb)": ("big.png", _png_header_only(20000, 20000), "million"),
    "12000×12000 header (over 50 MP)": ("big.png", _png_header_only(12000, 12000), "12000×12000 pixels"),
}


@pytest.mark.parametrize("case", GOOD)
def test_pictures_as_people_draw_them_load_as_drawn(tmp_path, case):
    name, data = GOOD[case]
    (tmp_path / name).write_bytes(data)
    x = load_28x28(tmp_path / name)
    assert x.shape == (28, 28) and x.dtype == np.float32
    assert x[14, 14] > 0.7 and x[14, 3] < 0.1 and x[3, 14] < 0.1, case  # the stroke, not an empty image


@pytest.mark.parametrize("case", BAD)
def test_bad_pictures_are_one_line_naming_the_file(tmp_path, case, monkeypatch):
    name, data, words = BAD[case]
    path = tmp_path / name
    path.write_bytes(data)
    ran = []
    from PIL import EpsImagePlugin

    monkeypatch.setattr(EpsImagePlugin, "Ghostscript", lambda *a, **k: ran.append(1))  # would run gs
    with pytest.raises(PictureError) as e:
        load_28x28(path)
    msg = str(e.value)
    assert words in msg and str(path) in msg and "\n" not in msg, msg
    assert not ran


def test_only_in_process_decoders_are_named():
    assert set(images.FORMATS) <= {"PNG", "JPEG", "BMP", "GIF", "WEBP"}
    assert "EPS" not in images.FORMATS and "PDF" not in images.FORMATS


@pytest.mark.parametrize("make", ["folder", "fifo", "missing"])
def test_not_a_file_is_one_line(tmp_path, make):
    path = tmp_path / "p.png"
    if make == "folder":
        path.mkdir()
    elif make == "fifo":
        os.mkfifo(path)
    with pytest.raises(PictureError) as e:
        load_28x28(path)
    assert str(path) in str(e.value)


def test_a_large_picture_within_the_limit_loads_shrunk(tmp_path):
    """4000×3000 (12 MP, under the limit) is read and shrunk before the float maths."""
    im = Image.new("L", (4000, 3000), 255)
    im.paste(0, (1800, 300, 2200, 2700))
    im.save(tmp_path / "photo.png")
    x = load_28x28(tmp_path / "photo.png")
    assert x[14, 14] > 0.7 and x[14, 2] < 0.1
