"""The registry of what a panel can run (its *mode*): name -> generator factory, title, the
settings it uses (the window shows exactly those controls), and whether it shows a real image
being degraded (the forward processes: no network, the plots measure the image itself and count
steps). Adding a generator: its sampler file, a factory in engine/runtime/runs.py, one entry here.
Qt-free; scenarios, the window, `--render` and the tests read it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from engine.runtime import runs
from engine.runtime.frames import FORWARD_AR, FORWARD_DIFFUSION
from engine.runtime.runs import RunSettings

AR_FIELDS = ("order", "pixels_per_step", "temperature", "greedy")
DIFFUSION_FIELDS = ("sampler", "steps", "eta")


@dataclass(frozen=True)
class Mode:
    name: str
    title: str                           # what the panel, its controls, the legend and its strip are called
    fields: tuple                        # the per-panel settings it uses (AR_FIELDS / DIFFUSION_FIELDS names)
    forward: bool                        # a real image degraded (no network): plots measure the image, count steps
    make: Callable                       # (models, RunSettings) -> iterator of Frames
    choice: str = ""                     # what a panel's "show" box says for it (default: the name)

    def __post_init__(self):
        if not self.choice:
            object.__setattr__(self, "choice", self.name)


MODES = {m.name: m for m in [
    Mode("autoregressive", "autoregressive", AR_FIELDS, False, runs.ar_frames),
    Mode("diffusion", "diffusion", DIFFUSION_FIELDS, False, runs.diffusion_frames),
    Mode("one-shot-mean", "one shot: the mean", ("temperature",), False,
         lambda models, s: runs.one_shot_frames(models, s, "mean"), "one-shot mean"),
    Mode("one-shot-independent", "one shot: independent pixels", ("temperature",), False,
         lambda models, s: runs.one_shot_frames(models, s, "independent"), "one-shot independent"),
    Mode("forward-autoregressive", "erasing (forward)", ("order", "pixels_per_step"), True,
         lambda models, s: runs.forward_frames(models, s, "autoregressive"), "erase a real image"),
    Mode("forward-diffusion", "noising (forward)", ("steps",), True,
         lambda models, s: runs.forward_frames(models, s, "diffusion", s.seed), "noise a real image"),
]}


def mode(name: str) -> Mode:
    if name not in MODES:
        raise ValueError(f"unknown mode {name!r}: use one of {', '.join(MODES)}")
    return MODES[name]


def describe(mode_name: str, s: RunSettings) -> str:
    """A short label of what a panel runs, e.g. 'diffusion, DDIM 1 step' or 'autoregressive, patches,
    16 px/step': legend, strips and panel titles say what actually runs."""
    m = mode(mode_name)
    parts = [m.title]
    if "order" in m.fields:
        parts.append(s.ar.order)
    if "planned_steps" in m.fields and s.ar.planned_steps:
        parts.append(f"planned {s.ar.planned_steps} steps")
    elif "pixels_per_step" in m.fields:
        parts.append(f"{s.ar.pixels_per_step} px/step")
    if "greedy" in m.fields and s.ar.greedy:
        parts.append("greedy")
    if "sampler" in m.fields:
        n = s.diffusion.steps
        parts.append(f"{s.diffusion.sampler.upper()} {n} step{'s' if n != 1 else ''}")
    elif "steps" in m.fields:
        parts.append(f"{s.diffusion.steps} steps")
    return ", ".join(parts)


FORWARD_METHODS = (FORWARD_AR, FORWARD_DIFFUSION)  # Frame.method of the forward processes


def shows_real_image(method: str) -> bool:
    """Frames of this method (Frame.method) degrade a real image: their x0 is that image, the
    same at every step, so plots and labels measure and name the state instead."""
    return method in FORWARD_METHODS
