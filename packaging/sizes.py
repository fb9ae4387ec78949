"""Where the bytes of a onedir bundle go: `python3 packaging/sizes.py [dist/pixels-and-noise]` (stdlib only).

Groups the files under the bundle's `_internal/` by package (the first path part; loose shared
libraries by library family, e.g. libQt6*, libpython*), prints a Markdown table biggest first in MB
(10^6 bytes, like `du --si`), then the total of all files (apparent size; `du -sh` counts blocks).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def group(rel: Path) -> str:
    parts = rel.parts
    if len(parts) > 1:
        return parts[0] + "/"
    name = parts[0]
    m = re.match(
        r"(lib[A-Za-z]+?)(?:6[A-Z]|[-_.\d])", name
    )  # libQt6Core.so.6 -> libQt6*, libicudata.so.73 -> libicudata*
    return (m.group(1) + ("6*" if name.startswith(m.group(1) + "6") else "*")) if m else name


def sizes(bundle: Path) -> Counter:
    inner = bundle / "_internal" if (bundle / "_internal").is_dir() else bundle
    out: Counter = Counter()
    for f in bundle.rglob("*"):
        if f.is_file() and not f.is_symlink():
            rel = f.relative_to(inner) if f.is_relative_to(inner) else Path("(launcher) " + f.name)
            out[group(rel)] += f.stat().st_size
    return out


def main(argv: list[str]) -> int:
    bundle = Path(argv[1]) if len(argv) > 1 else ROOT / "dist" / "pixels-and-noise"
    s = sizes(bundle)
    print("| part | MB |\n|---|---:|")
    for k, v in s.most_common():
        if v >= 0.5e6:
            print(f"| {k} | {v / 1e6:.0f} |")
    small = sum(v for v in s.values() if v < 0.5e6)
    print(f"| (others, each < 0.5 MB) | {small / 1e6:.0f} |\n| **all files** | **{sum(s.values()) / 1e6:.0f}** |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
