"""Every setting of a run, described once: name, type, range, precision, label, tooltip, CLI flag.

The window's controls, the command line's flags and their `LIMITS`, the remembered settings, the
exports and their replay are all made from `FIELDS`; `parse` is the one check of a value given from
outside (a widget, a flag, a remembered file, an exported run). Which modes use a setting is said by
each mode (engine/runtime/modes.py `Mode.fields`), so a new mode needs no edit here.

`group` says where the value lives in `RunSettings`: "run" (shared by both panels), "ar"
(`RunSettings.ar`) or "diffusion" (`RunSettings.diffusion`). Qt-free.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from engine.maths.orders import ORDERS
from engine.maths.pixels import PIXELS
from engine.networks.data import CLASS_NAMES, DATASETS, parse_label


@dataclass(frozen=True)
class Field:
    name: str  # attribute name in RunSettings / ARSettings / DiffusionSettings
    group: str  # "run", "ar" or "diffusion": where the value lives
    kind: type  # int, float, bool or str
    label: str  # what the control and its label say
    tip: str  # the control's tooltip (the range is added by the spin boxes)
    lo: float | None = None  # numbers: the allowed range, both ends included
    hi: float | None = None
    decimals: int = 0  # floats: the precision the value is kept, shown and run at
    step: float = 1.0  # a spin box's step
    choices: tuple = ()  # str: the allowed values
    presets: tuple = ()  # int: a drop-down of suggested values (others allowed in range)
    special: str = ""  # what the lowest value is shown as ("off")
    cli: bool = True  # a flag of `main.py` (--render, --replay)
    visible: Callable[[Any], bool] | None = None  # (RunSettings) -> shown at all (eta: DDIM only)

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def ranged(self) -> bool:
        return self.kind in (int, float) and self.lo is not None


def bounds(f: Field) -> tuple[float, float]:
    """The range of a number setting (ValueError for one with none)."""
    if f.lo is None or f.hi is None:
        raise ValueError(f"{f.name} has no range")
    return f.lo, f.hi


FIELDS: dict[str, Field] = {
    f.name: f
    for f in [
        Field(
            "dataset",
            "run",
            str,
            "dataset",
            "Which trained models: handwritten digits (MNIST) or clothes (Fashion-MNIST).",
            choices=tuple(DATASETS),
        ),
        Field(
            "label",
            "run",
            str,
            "prompt",
            'Conditional generation: type a class ("seven", "7", "sneaker") or "none" for an unconditional model.',
        ),
        Field(
            "guidance",
            "run",
            float,
            "w",
            "Classifier-free guidance w: the model runs with AND without the prompt "
            "and the difference is amplified. 0 = ignore the prompt, 1 = plain conditional, >1 = stronger.",
            0.0,
            20.0,
            decimals=2,
            step=0.5,
        ),
        Field(
            "seed",
            "run",
            int,
            "seed",
            "The random seed: the same seed and settings give the same run, frame for frame.",
            0,
            2**31 - 1,
        ),
        Field(
            "order",
            "ar",
            str,
            "order",
            "The order pixels are generated in. 'confidence' fixes the most certain "
            "pixels first; 'patches' fixes contiguous blocks.",
            choices=tuple(ORDERS),
        ),
        Field(
            "pixels_per_step",
            "ar",
            int,
            "px/step",
            "Pixels fixed per network evaluation. More = fewer steps, but "
            "pixels fixed together cannot see each other: contiguous patches lose consistency, scattered pixels less.",
            1,
            PIXELS,
            presets=(1, 2, 4, 8, 16, 64),
        ),
        Field(
            "planned_steps",
            "ar",
            int,
            "steps (planned)",
            "planned parallel decoding (ARDM): the model's loss curve "
            "decides how many pixels each of N network steps fixes — few while much is uncertain, many at the end; "
            "0 = px/step pixels every step",
            0,
            PIXELS,
            step=1,
            special="off",
        ),
        Field(
            "temperature",
            "ar",
            float,
            "temp.",
            "Sampling temperature: < 1 sharpens each pixel's distribution "
            "(safer, duller), > 1 flattens it (wilder, noisier).",
            0.05,
            3.0,
            decimals=2,
            step=0.1,
        ),
        Field(
            "greedy",
            "ar",
            bool,
            "greedy",
            "Always take the most likely value instead of sampling: the same image for every seed.",
        ),
        Field(
            "sampler",
            "diffusion",
            str,
            "sampler",
            "DDIM (eta 0): deterministic, the same noise gives the same image. DDPM: fresh noise every step.",
            choices=("ddim", "ddpm"),
        ),
        Field(
            "steps",
            "diffusion",
            int,
            "steps",
            "Denoising steps over the 1000 noise levels. ~100 suffice; 1 big step gives a blurry mean.",
            1,
            1000,
        ),
        Field(
            "eta",
            "diffusion",
            float,
            "eta",
            "DDIM eta: 0 deterministic, 1 as noisy as DDPM.",
            0.0,
            1.0,
            decimals=2,
            step=0.1,
            visible=lambda s: s.diffusion.sampler == "ddim",
        ),
    ]
}

SHARED = tuple(n for n, f in FIELDS.items() if f.group == "run")  # both panels run with one value
PER_PANEL = tuple(n for n, f in FIELDS.items() if f.group != "run")  # each panel its own (its mode's)

CONTINUATIONS = (2, 128)  # K of "K continuations" (the window's box, the CLIs' --continuations)

# name -> (lowest, highest): the command lines' ranges (engine.tools.cli.LIMITS takes these)
LIMITS: dict[str, tuple[float, float]] = {
    **{n: bounds(f) for n, f in FIELDS.items() if f.ranged},
    "continuations": CONTINUATIONS,
}


def field(name: str) -> Field:
    if name not in FIELDS:
        raise ValueError(f"unknown setting {name!r}: use one of {', '.join(FIELDS)}")
    return FIELDS[name]


def parse(name: str, value, dataset: str = "mnist"):
    """`value` (a widget's, a flag's text, a remembered or exported one) as the setting's type, checked
    against its range and choices and kept at its precision; ValueError with one line if it does not fit.
    The label is a class number, a class name of `dataset`, or None / "none"."""
    f = field(name)
    if name == "label":
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValueError(f"prompt must be a class or none, got {value!r}")
        return parse_label(str(value), dataset)
    if f.kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise ValueError(f"{name} must be true or false, got {value!r}")
    if f.kind is str:
        if not isinstance(value, str) or (f.choices and value not in f.choices):
            raise ValueError(f"{name} must be one of {', '.join(f.choices)}, got {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    try:
        v = float(value)
        if f.kind is int:
            if not math.isfinite(v) or v != int(v):
                raise ValueError
            v = int(v) if not isinstance(value, int) else value
    except (ValueError, OverflowError):
        raise ValueError(f"{name} must be {'an integer' if f.kind is int else 'a number'}, got {value!r}") from None
    lo, hi = bounds(f)
    if not math.isfinite(v) or not lo <= v <= hi:
        raise ValueError(f"{name} must be {f.lo:g} to {f.hi:g}, got {value!r}")
    return round(v, f.decimals) if f.kind is float else v


def get(s, name: str):
    """The value of setting `name` in RunSettings `s`."""
    f = field(name)
    return getattr(s if f.group == "run" else getattr(s, f.group), name)


def with_value(s, name: str, value):
    """RunSettings `s` with setting `name` = `value` (already parsed)."""
    f = field(name)
    if f.group == "run":
        return replace(s, **{name: value})
    return replace(s, **{f.group: replace(getattr(s, f.group), **{name: value})})


def shown_text(name: str, value, dataset: str = "mnist") -> str:
    """How a value is written for people (a control's text, a label): the label as its class name."""
    if name == "label":
        return "none" if value is None else CLASS_NAMES[dataset][value]
    f = field(name)
    if f.kind is float:
        return f"{value:.{f.decimals}f}"
    return str(value).lower() if f.kind is bool else str(value)


def to_dict(s) -> dict:
    """Every setting of RunSettings `s` as plain JSON values (name -> value)."""
    return {n: get(s, n) for n in FIELDS}


def from_dict(d: dict, base) -> tuple[Any, list[str]]:
    """RunSettings `base` with every value of `d` that fits its setting; and a line for each one
    dropped (unknown names are left out silently: an older or newer file)."""
    s, dropped = base, []
    dataset = str(d["dataset"]) if d.get("dataset") in DATASETS else base.dataset
    for name, value in d.items():
        if name not in FIELDS:
            continue
        try:
            s = with_value(s, name, parse(name, value, dataset))
        except ValueError as e:
            dropped.append(str(e))
    return s, dropped
