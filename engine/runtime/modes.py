"""The registry of what a panel can run (its *mode*): name -> generator factory, title, the
settings it uses (the window shows exactly those controls), and whether it shows a real image
being degraded (the forward processes: no network, the plots measure the image itself and count
steps). Adding a generator: its sampler file, a factory in engine/runtime/runs.py, one entry here.
Qt-free; scenarios, the window, `--render` and the tests read it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from engine.runtime import runs
from engine.runtime.frames import FORWARD_AR, FORWARD_DIFFUSION, ONE_SHOT
from engine.runtime.runs import RunSettings

AR_FIELDS = ("order", "pixels_per_step", "planned_steps", "temperature", "greedy")
DIFFUSION_FIELDS = ("sampler", "steps", "eta")

# what the plot under a panel's side image shows (gui/panels.py draws each)
DISTRIBUTION, SCHEDULE, TEXT = "distribution", "schedule", "text"


@dataclass(frozen=True)
class Mode:
    """A generator a panel can run, with how the window shows it: the window reads these rules and
    never branches on a mode's name."""

    name: str
    title: str  # what the panel, its controls, the legend and its strip are called
    fields: tuple  # the per-panel settings it uses (names in engine/runtime/fields.py)
    forward: bool  # a real image degraded (no network): plots measure the image, count steps
    make: Callable  # (models, RunSettings) -> iterator of Frames
    choice: str = ""  # what a panel's "show" box says for it (default: the name)
    method: str = ""  # the Frame.method its frames carry (default: the name)
    side_title: str = "per-pixel std"  # the small image beside x0
    side_plot: str = TEXT  # under it: a pixel's distribution, the noise schedule or an explanation
    explain: Callable | None = None  # (Frame) -> the explanation shown when side_plot is TEXT
    continuations: bool = False  # K continuations from a step of it mean something (x0 is their mean)
    forces_pixels: bool = False  # a click on its pixel's distribution forces that pixel
    gist: str = ""  # what it does, in free play's caption ("diffusion removes a little noise per step")

    def __post_init__(self):
        if not self.choice:
            object.__setattr__(self, "choice", self.name)
        if not self.method:
            object.__setattr__(self, "method", self.name)


def _one_shot_text(f) -> str:
    return "The whole image predicted in ONE network evaluation. " + (
        "Showing the mean of every pixel's distribution: a blurry average of all possible images."
        if f.settings.mode == "mean"
        else "Every pixel sampled on its own: the pixels do not agree, so it is speckle."
    )


MODES: dict[str, Mode] = {
    m.name: m
    for m in [
        Mode(
            "autoregressive",
            "autoregressive",
            AR_FIELDS,
            False,
            runs.ar_frames,
            side_title="order: blue first",
            side_plot=DISTRIBUTION,
            continuations=True,
            forces_pixels=True,
            gist="autoregression fixes pixels one step at a time",
        ),
        Mode(
            "diffusion",
            "diffusion",
            DIFFUSION_FIELDS,
            False,
            runs.diffusion_frames,
            side_title="predicted noise ε̂",
            side_plot=SCHEDULE,
            continuations=True,
            gist="diffusion removes a little noise per step",
        ),
        Mode(
            "one-shot-mean",
            "one shot: the mean",
            ("temperature",),
            False,
            lambda models, s: runs.one_shot_frames(models, s, "mean"),
            "one-shot mean",
            method=ONE_SHOT,
            explain=_one_shot_text,
            gist="the whole image in one network evaluation, every pixel its mean (a blur)",
        ),
        Mode(
            "one-shot-independent",
            "one shot: independent pixels",
            ("temperature",),
            False,
            lambda models, s: runs.one_shot_frames(models, s, "independent"),
            "one-shot independent",
            method=ONE_SHOT,
            explain=_one_shot_text,
            gist="the whole image in one network evaluation, every pixel sampled on its own (speckle)",
        ),
        Mode(
            "forward-autoregressive",
            "erasing (forward)",
            ("order", "pixels_per_step"),
            True,
            lambda models, s: runs.forward_frames(models, s, "autoregressive"),
            "erase a real image",
            method=FORWARD_AR,
            side_title="pixels still present",
            gist="a real image losing its pixels (what autoregression learns to undo)",
            explain=lambda f: "A real image losing its pixels: what autoregression learns to undo, pixel by pixel.",
        ),
        Mode(
            "forward-diffusion",
            "noising (forward)",
            ("steps",),
            True,
            lambda models, s: runs.forward_frames(models, s, "diffusion", s.seed),
            "noise a real image",
            method=FORWARD_DIFFUSION,
            side_title="the noise ε added",
            gist="a real image being noised (what diffusion learns to undo)",
            side_plot=SCHEDULE,
            explain=lambda f: "A real image being noised: what diffusion learns to undo, a little per step.",
        ),
    ]
}


def register(m: Mode) -> Mode:
    """Add a mode to the registry (a new generator: its sampler file, a factory, this entry)."""
    MODES[m.name] = m
    return m


def unregister(name: str) -> None:
    MODES.pop(name, None)


def of_method(method: str) -> Mode | None:
    """The first registered mode whose frames carry `method` (Frame.method); None for an unknown one."""
    return next((m for m in MODES.values() if m.method == method), None)


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


FORWARD_METHODS = (FORWARD_AR, FORWARD_DIFFUSION)  # Frame.method of the shipped forward processes


def shows_real_image(method: str) -> bool:
    """Frames of this method (Frame.method) degrade a real image: their x0 is that image, the
    same at every step, so plots and labels measure and name the state instead."""
    m = of_method(method)
    return m.forward if m is not None else method in FORWARD_METHODS


def free_play_caption(left: str, right: str) -> str:
    """Free play's caption for the panels' modes: what each side does, and what x0 is where a
    network predicts (the default pair: "Left: autoregression fixes pixels ... Right: diffusion ...")."""
    ms = [MODES[left], MODES[right]]
    said = " ".join(f"{side}: {m.gist or m.title}." for side, m in zip(("Left", "Right"), ms))
    predicting = [m for m in ms if not m.forward]
    if not predicting:
        return said + " The plots measure the degraded image."
    where = "In both" if len(predicting) == 2 else ("Left" if not ms[0].forward else "Right")
    return f"{said} {where}, x0 (predicted clean image) is the mean of what the image can still become."
