"""The settings a window remembers between launches, as a flat table of plain values, read back
through the one settings table (engine.runtime.fields.parse): a value of the wrong type or range
is dropped with one line saying so, the rest are kept. Nothing in a remembered file can stop the
app from starting. Qt-free (gui/remembered.py keeps the file).

Keys: a shared setting by its name ("guidance"), a panel's own as "left.order"; besides them the
app's "device", "speed", "pacing", "continuations" (K) and "folder" (where the file dialogs open). The panels' modes are not remembered:
a new launch shows autoregression and diffusion."""

from __future__ import annotations

from engine.runtime import fields
from engine.runtime.session import PACINGS, SPEEDS, Session

DEVICES = ("auto", "cpu", "cuda")
LEGACY = {"prompt": "label", "k": "pixels_per_step"}  # names an older version wrote


def of_session(session: Session, device: str = "auto") -> dict:
    d: dict = {n: fields.get(session.settings["left"], n) for n in fields.SHARED}
    for panel, s in session.settings.items():
        d.update({f"{panel}.{n}": fields.get(s, n) for n in fields.PER_PANEL})
    d.update(device=device, speed=session.speed, pacing=session.pacing, continuations=session.continuations_k)
    if session.last_folder:
        d["folder"] = session.last_folder
    return d


def apply(d, session: Session) -> tuple[str | None, list[str]]:
    """Write the remembered values `d` that fit into `session`; returns (the remembered device or
    None, one line for each value dropped)."""
    if not isinstance(d, dict):
        return None, [f"remembered settings are not a table ({type(d).__name__}): the defaults are used"]
    notes: list[str] = []

    def note(key, why):
        notes.append(f"remembered {key} dropped: {why}")

    keys = sorted(d, key=lambda k: (str(k) != "dataset", str(k)))  # the dataset first: the prompt is one of its classes
    device = None
    for key in keys:
        value = d[key]
        if not isinstance(key, str):
            continue
        panel, _, name = key.rpartition(".")
        name = LEGACY.get(name, name)
        try:
            if key == "device":
                if value not in DEVICES:
                    raise ValueError(f"device must be one of {', '.join(DEVICES)}, got {value!r}")
                device = value
            elif key == "speed":
                session.set_pace(speed=_choice(value, SPEEDS, "speed"))
            elif key == "pacing":
                # older versions wrote the box's text ("same NFE budget")
                session.set_pace(pacing=_choice(value, PACINGS, "pacing"))
            elif key == "continuations":
                session.continuations_k = _k(value)
            elif key == "folder":
                if not isinstance(value, str):
                    raise ValueError(f"folder must be a path, got {value!r}")
                session.use_folder(value)  # one gone since (a USB stick): the dialogs open where they would
            elif name in fields.FIELDS and (panel in session.settings if panel else name in fields.SHARED):
                session.edit(name, value, panel or None)
        except ValueError as e:
            note(key, e)
    return device, notes


def _choice(value, allowed, what: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{what} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def _k(value) -> int:
    lo, hi = fields.CONTINUATIONS
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, str))
        or not str(value).isdigit()
        or not lo <= int(value) <= hi
    ):
        raise ValueError(f"continuations must be {lo} to {hi}, got {value!r}")
    return int(value)
