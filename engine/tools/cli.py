"""The command lines' edge: one parser whose every error is one `error:` line and exit code 2,
the allowed range of each number (a run's settings from engine.runtime.fields, as the window's), and checks that
an output can be written before any work starts.

Validate once, here, at the edge: a bad value never reaches a sampler or the trainer."""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
from pathlib import Path

from engine.runtime import fields

# name -> (lowest, highest) allowed value; ints where both bounds are ints. A run's settings
# (seed, guidance, temperature, steps, eta, pixels_per_step, planned_steps) come from the one
# settings table, engine.runtime.fields; the rest are the offline tools' own.
LIMITS: dict[str, tuple[float, float]] = {
    **fields.LIMITS,  # and "continuations"
    "n": (1, 100_000),  # images a command makes
    "batch": (1, 10_000),
    "threads": (0, 256),  # 0: torch's default
    "lr": (1e-7, 1.0),
    "base": (8, 256),  # UNet width (a multiple of its 8 GroupNorm groups)
    "blocks": (1, 8),  # UNet ResBlocks per level each way
    "train_steps": (1, 10_000_000),
    "save_every": (1, 10_000_000),
    "draws": (0, 100),
    "raster_subset": (0, 10_000),
    "share": (0.0, 1.0),
}


class Parser(argparse.ArgumentParser):
    """argparse with one error line: `error: <what is wrong and what is allowed> (see --help)`, exit 2."""

    def error(self, message):
        print(f"error: {message} (see {self.prog} --help)", file=sys.stderr)
        raise SystemExit(2)


def ranged(name: str, flag: str | None = None):
    """An argparse type for LIMITS[name]: a finite number in the range, else one clear message."""
    lo, hi = LIMITS[name]
    integer = isinstance(lo, int) and isinstance(hi, int)
    shown = flag or "--" + name.replace("_", "-")

    def parse(text: str):
        try:
            v = int(text) if integer else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{shown} must be {'an integer' if integer else 'a number'}, got {text!r}"
            ) from None
        if not math.isfinite(v) or not lo <= v <= hi:
            raise argparse.ArgumentTypeError(f"{shown} must be {lo:g} to {hi:g}, got {text}")
        return v

    parse.__name__ = name  # argparse names the type in its own messages
    return parse


def check_writable_dir(path, flag: str) -> Path:
    """A folder that exists or can be made, and can be written: ValueError naming `flag` if not."""
    p = Path(path)
    probe = p
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise ValueError(f"{flag} {path}: {probe} is a file, not a folder")
    try:  # the real test: permission bits do not stop root, and /proc or a read-only disk say yes to access()
        tempfile.TemporaryFile(dir=probe).close()
    except OSError as e:
        raise ValueError(f"{flag} {path}: cannot write in {probe} ({e.strerror or e})") from None
    return p


def check_writable(path, suffixes: tuple = ()) -> Path:
    """The path, if a file can be written there; else ValueError/OSError with one line that says
    why (checked before any work: a wrong suffix, a missing or read-only folder, a folder named
    like the file). The window's exports and every command line's output use it."""
    path = Path(path)
    if suffixes and path.suffix.lower() not in suffixes:
        raise ValueError(
            f"unsupported format {path.suffix.lower() or '(none)'!r} for {path}: use {', '.join(suffixes)}"
        )
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.exists():
        raise OSError(f"cannot write {path}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise OSError(f"cannot write {path}: {folder} is not a folder")
    if path.is_dir():
        raise OSError(f"cannot write {path}: it is a folder")
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise OSError(f"cannot write {path}: permission denied")
    try:  # the real test (a read-only disk, a user the permission bits do not stop)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError as e:
        raise OSError(f"cannot write {path}: {e.strerror or e}") from None
    return path


def _num(x) -> str:
    return str(x) if isinstance(x, int) else f"{x:g}"


def add_run_flags(group, skip: tuple = ()) -> None:
    """One flag a setting of a run (engine.runtime.fields.FIELDS, `skip` left out): a number is checked
    against its range at parse time, a choice against its choices, a bool is a switch."""
    for f in fields.FIELDS.values():
        if not f.cli or f.name in skip:
            continue
        if f.kind is bool:
            group.add_argument(f.flag, action="store_true", default=None, help=f.tip)
        elif f.ranged:
            group.add_argument(
                f.flag, type=ranged(f.name), help=f"{f.tip} ({_num(f.lo)} to {_num(f.hi)})".replace("%", "%%")
            )
        elif f.choices:
            group.add_argument(f.flag, choices=f.choices, help=f.tip.replace("%", "%%"))
        else:
            group.add_argument(f.flag, help=f.tip.replace("%", "%%"))


def settings_from_flags(args, base):
    """RunSettings `base` with every run flag given on the command line (None: not given; 0 is a value).
    ValueError with one line for a value that does not fit (a prompt of another dataset)."""
    s = base
    if getattr(args, "dataset", None) is not None:
        s = fields.with_value(s, "dataset", fields.parse("dataset", args.dataset))
    for f in fields.FIELDS.values():
        v = getattr(args, f.name, None)
        if v is not None and f.name != "dataset":
            s = fields.with_value(s, f.name, fields.parse(f.name, v, s.dataset))
    return s.validate()
