"""A smaller ICU data library for the Linux bundle: `python3 packaging/trim_icu.py LIBICUDATA OUT` (stdlib + binutils + gcc).

PySide6's Qt links ICU, and `libicudata.so.73` (32 MB) is nothing but one symbol, `icudt73_dat`: an
ICU common data package ("CmnD": a table of contents, then every item). QtCore calls ICU for four
things only (its imports, `nm -D libQt6Core.so.6`): case mapping (`u_strToUpper/Lower`: built into
libicuuc, no data), legacy text codecs (`ucnv_*`), collation (`ucol_*`, QCollator) and time zone
names (`ucal_*`). Qt itself does locale formatting, text boundaries, IDNA and normalisation, and
the app's text is English and UTF-8. So the package keeps what those four calls read with the root
and English locales and leaves out the rest:

* kept: every top-level table that is not a locale (supplemental data, likely subtags, time zone
  rules and metazones, plurals, numbering systems, the converter alias table `cnvalias.icu`, the
  normalisation and property files), `root` and the English locales; in `coll/` the root
  collation (`ucadata.icu`, `root.res`) and English; in `zone/` root and English; the single-byte
  code pages (ISO-8859-*, windows-125*, KOI8, DOS: 154 tables of at most 20 kB, 0.5 MB in all).
* left out: the other locales (ICU falls back to root for them: QCollator sorts in root order,
  time zone names are the English ones), the 36 multi-byte (CJK) code pages (`*.cnv`, 4.6 MB: a
  QStringDecoder for, say, Shift-JIS is then invalid; UTF-8/16/32 and Latin-1 are Qt's own), and the trees Qt never
  opens: break iteration dictionaries, transliteration, number spell-out, currency, language,
  region and unit names.

The new library has the same SONAME and symbol, built with `gcc` from the filtered package
(`.incbin`). ICU finds its items by binary search of the table of contents, so the kept names stay
in their order; every item starts 16-byte aligned, as in the original.
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
import tempfile

KEEP_TREES = {"coll", "zone"}  # subtrees of which root/English are kept; every other subtree goes
LOCALE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]*)*\.res$")  # de.res, zh_Hant_TW.res, de__PHONEBOOK.res


SMALL_CODE_PAGE = 20_000  # bytes: every single-byte code page table is smaller (ISO-8859-15: 2.8 kB)


def keep(item: str, size: int) -> bool:
    """`item` without the package prefix, e.g. 'coll/de.res', 'cnvalias.icu', 'en_GB.res'; `size` in bytes."""
    tree, _, name = item.rpartition("/")
    if tree and tree not in KEEP_TREES:
        return False
    if name.endswith(".cnv"):
        return size <= SMALL_CODE_PAGE
    if LOCALE.match(name) and name not in ("root.res", "pool.res", "res_index.res"):
        return name == "en.res" or name.startswith("en_")
    return True


def _symbol(lib: str) -> tuple[str, bytes]:
    """The data symbol (icudtNN_dat) and its bytes, read from the ELF file with readelf."""
    syms = subprocess.run(["readelf", "-sW", lib], check=True, capture_output=True, text=True).stdout
    m = re.search(r"([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s+GLOBAL\s+\S+\s+\d+\s+(icudt\d+_dat)$", syms, re.M)
    if not m:
        raise SystemExit(f"trim_icu: no icudtNN_dat symbol in {lib}")
    addr, size, name = int(m.group(1), 16), int(m.group(2), 0), m.group(3)
    secs = subprocess.run(["readelf", "-SW", lib], check=True, capture_output=True, text=True).stdout
    for s in re.finditer(r"\]\s+(\S+)\s+(PROGBITS)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)", secs):
        start, off, length = (int(s.group(i), 16) for i in (3, 4, 5))
        if start <= addr < start + length:
            with open(lib, "rb") as f:
                f.seek(off + addr - start)
                return name, f.read(size)
    raise SystemExit(f"trim_icu: {name} is in no section of {lib}")


def filter_package(data: bytes, keep=keep) -> tuple[bytes, int, int]:
    """The CmnD package with only the kept items; also (items before, items after)."""
    header_size = struct.unpack_from("<H", data, 0)[0]
    if data[2:4] != b"\xda\x27" or data[12:16] != b"CmnD" or data[8] != 0:
        raise SystemExit("trim_icu: not a little-endian ICU common data package (CmnD)")
    toc = header_size
    count = struct.unpack_from("<I", data, toc)[0]
    entries = [struct.unpack_from("<II", data, toc + 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_off, data_off) in enumerate(entries):
        name = data[toc + name_off : data.index(b"\0", toc + name_off)].decode("ascii")
        end = entries[i + 1][1] if i + 1 < count else len(data) - toc
        items.append((name, data[toc + data_off : toc + end]))
    kept = [(n, d) for n, d in items if keep(n.split("/", 1)[1], len(d))]
    names = b"".join(n.encode("ascii") + b"\0" for n, _ in kept)
    name_offs, pos = [], 4 + 8 * len(kept)
    for n, _ in kept:
        name_offs.append(pos)
        pos += len(n) + 1
    pos = (pos + 15) & ~15
    body, data_offs = b"", []
    for _, d in kept:
        data_offs.append(pos + len(body))
        body += d + b"\0" * ((-len(d)) % 16)
    table = struct.pack("<I", len(kept)) + b"".join(struct.pack("<II", a, b) for a, b in zip(name_offs, data_offs))
    head = table + names
    out = data[:header_size] + head + b"\0" * ((4 + 8 * len(kept) + len(names) + 15 & ~15) - len(head)) + body
    return out, len(items), len(kept)


def trim(lib: str, out: str) -> tuple[int, int, int, int]:
    """Write the trimmed library to `out`; return (bytes before, bytes after, items before, items after)."""
    symbol, data = _symbol(lib)
    new, n_before, n_after = filter_package(data)
    dyn = subprocess.run(["readelf", "-d", lib], check=True, capture_output=True, text=True).stdout
    soname = re.search(r"\(SONAME\).*\[(.+)\]", dyn).group(1)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        dat, asm = os.path.join(tmp, "icudt.dat"), os.path.join(tmp, "icudt.S")
        with open(dat, "wb") as f:
            f.write(new)
        with open(asm, "w") as f:
            f.write(
                f'.section .rodata\n.globl {symbol}\n.type {symbol}, @object\n.balign 16\n{symbol}:\n.incbin "{dat}"\n'
                f'.size {symbol}, .-{symbol}\n.section .note.GNU-stack,"",@progbits\n'
            )
        cmd = ["gcc", "-shared", "-nostdlib", f"-Wl,-soname,{soname}", "-Wl,-z,noexecstack", "-s", "-o", out, asm]
        subprocess.run(cmd, check=True)
    return os.path.getsize(lib), os.path.getsize(out), n_before, n_after


if __name__ == "__main__":
    before, after, n0, n1 = trim(sys.argv[1], sys.argv[2])
    print(f"{sys.argv[2]}: {after / 1e6:.1f} MB, {n1} of {n0} items (was {before / 1e6:.1f} MB)")
