"""Draws the app icon: `python packaging/make_icon.py` -> packaging/icon.png (512 px) and icon.ico.

A 16x16 pixel grid turning from noise (top left) into a clean ring (bottom right): what the
app shows, diffusion removing noise. Deterministic (fixed seed); needs Pillow (an app dependency).
PyInstaller uses icon.ico on Windows and converts icon.png to .icns on macOS (with Pillow).
"""

from __future__ import annotations

import math
import random
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
N, SIZE = 16, 512


def draw() -> Image.Image:
    rng = random.Random(7)
    cell = SIZE // N
    img = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    px = img.load()
    for gy in range(N):
        for gx in range(N):
            r = math.hypot(gx - 7.5, gy - 7.5)
            clean = 1.0 if 3.2 <= r <= 6.2 else 0.0  # the ring
            t = min(1.0, max(0.0, (gx + gy) / (2 * (N - 1)) * 1.4 - 0.2))  # how denoised this cell is
            v = t * clean + (1 - t) * rng.random()
            shade = (int(20 + 215 * v), int(30 + 190 * v), int(60 + 170 * v), 255)
            for y in range(gy * cell + 1, (gy + 1) * cell - 1):
                for x in range(gx * cell + 1, (gx + 1) * cell - 1):
                    px[x, y] = shade
    return img


def main() -> None:
    img = draw()
    img.save(HERE / "icon.png")
    img.save(HERE / "icon.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    print(f"wrote {HERE / 'icon.png'} and {HERE / 'icon.ico'}")


if __name__ == "__main__":
    main()
