"""A run's exact settings as plain JSON, and back: what an export carries so `main.py --replay FILE`
re-runs that very run (the convention Stable Diffusion front-ends made standard).

A PNG carries the record in a text chunk under the key `pixels-and-noise`; a GIF or MP4 in a
`.json` sidecar beside it (`run.gif` -> `run.gif.json`). Every setting is read back through the one
settings table (engine.runtime.fields.parse), so a record that was edited by hand is checked like
any other input. Qt-free.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from engine.maths.pixels import SIDE
from engine.runtime import fields
from engine.runtime.modes import MODES
from engine.runtime.runs import RunSettings

KEY = "pixels-and-noise"  # the PNG text chunk's key
VERSION = 1


def of_session(session) -> dict:
    """The run under way (or, before any, the one the session would start)."""
    settings = session.running or session.settings
    modes = session.running_modes or session.modes
    return of_run(settings, modes, session.given, session.user_image)


def of_run(settings: dict, modes: dict, given=None, image=None) -> dict:
    """{lane: RunSettings}, {lane: mode}, the pixels given to both models and your picture as JSON values."""
    return {
        "app": KEY,
        "version": VERSION,
        "modes": dict(modes),
        "settings": {n: fields.to_dict(s) for n, s in settings.items()},
        "given": None
        if given is None
        else {
            "known": np.asarray(given[0], bool).astype(int).tolist(),
            "values": np.asarray(given[1], np.float32).tolist(),
        },
        "image": None if image is None else np.asarray(image, np.float32).tolist(),
    }


def to_run(record: dict) -> tuple[dict, dict]:
    """({lane: RunSettings}, {lane: mode}) of a record, checked (ValueError naming what is wrong);
    the given pixels and picture are in each lane's `known`, `values` and `image`."""
    if not isinstance(record, dict) or record.get("app") != KEY:
        raise ValueError(f"not a run of this app (no {KEY!r} record)")
    modes, settings = record.get("modes"), record.get("settings")
    if not isinstance(modes, dict) or not isinstance(settings, dict) or set(modes) != set(settings) or not modes:
        raise ValueError("the record names no panels' modes and settings")
    given, image = record.get("given"), record.get("image")
    known = values = None
    if given is not None:
        known = _image(given.get("known") if isinstance(given, dict) else None, "given pixels").astype(bool)
        values = _image(given.get("values"), "given values")
    pic = None if image is None else _image(image, "picture")
    out = {}
    for lane, mode in modes.items():
        if mode not in MODES:
            raise ValueError(f"the record's {lane} panel runs {mode!r}, unknown here: use one of {', '.join(MODES)}")
        d = settings[lane]
        if not isinstance(d, dict):
            raise ValueError(f"the record's {lane} settings are not a table")
        s, dropped = fields.from_dict(d, RunSettings())
        if dropped:
            raise ValueError(f"the record's {lane} panel: {dropped[0]}")
        out[lane] = s.with_changes(known=known, values=values, image=pic).validate()
    return out, dict(modes)


def _image(v, what: str) -> np.ndarray:
    a = np.asarray(v, np.float32) if isinstance(v, list) else None
    if a is None or a.shape != (SIDE, SIDE) or not np.isfinite(a).all():
        raise ValueError(f"the record's {what} are not a 28x28 image")
    return a


def dumps(record: dict) -> str:
    return json.dumps(record, separators=(",", ":"))


def sidecar(path) -> Path:
    """Where a GIF's or MP4's record goes: beside it, `run.gif.json`."""
    p = Path(path)
    return p.with_name(p.name + ".json")


def read(path) -> dict:
    """The record of an exported run: a PNG's text chunk, a `.json` record, or the sidecar beside a
    GIF/MP4. ValueError/OSError with one line when there is none."""
    p = Path(path)
    if not p.exists():
        raise OSError(f"cannot read {p}: no such file")
    if p.suffix.lower() == ".png":
        from PIL import Image

        try:
            with Image.open(p, formats=["PNG"]) as im:
                text = im.text.get(KEY) if hasattr(im, "text") else None
        except OSError as e:
            raise ValueError(f"{p} is not a PNG image ({e})") from None
        if text is None:
            raise ValueError(f"{p} carries no run settings (no {KEY!r} text chunk)")
    else:
        src = p if p.suffix.lower() == ".json" else sidecar(p)
        if not src.exists():
            raise OSError(f"cannot replay {p}: no record beside it ({src.name})")
        text = src.read_text(encoding="utf-8")
    try:
        return json.loads(text)
    except ValueError as e:
        raise ValueError(f"the run record of {p} is not JSON ({e})") from None
