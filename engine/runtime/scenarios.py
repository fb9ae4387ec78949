"""The named lecture scenarios.

A scenario is a run configuration for both panels (each panel's mode, from the registry in
engine/runtime/modes.py, and its settings) plus a caption of one to three sentences; some have
variants the lecturer steps through (key V), e.g. 1, 2, 5, 10, 100 steps.

Qt-free: the GUI applies them (`--scenario NAME`, the Scenarios menu, a lesson) and `--render`
renders them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from engine.maths.pixels import SIDE
from engine.networks.data import CLASS_NAMES
from engine.runtime.modes import AR_FIELDS, DIFFUSION_FIELDS, MODES, Mode, describe, mode  # noqa: F401 (the registry's home is modes)
from engine.runtime.runs import ARSettings, DiffusionSettings, RunSettings

# the caption when no scenario runs (free play), and when the panels show the forward processes
FORWARD_CAPTION = (
    "The forward processes: a real image losing its pixels (left) or being noised (right). "
    "This is what the two generators learn to undo. The plots measure the degraded image."
)
FREE_PLAY_CAPTION = (
    "Left: autoregression fixes pixels one step at a time. Right: diffusion removes a little noise "
    "per step. In both, x0 (predicted clean image) is the mean of what the image can still become."
)


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    caption: str
    left_mode: str  # autoregressive, one-shot-mean, forward-autoregressive, ...
    right_mode: str  # diffusion, autoregressive, one-shot-independent, forward-diffusion
    left: RunSettings
    right: RunSettings
    variants: tuple = ()  # ((label, {"left": {...}, "right": {...}}), ...)
    speed: str = "max"  # a speed of the control bar
    continuations_at: float | None = None  # pause at this fraction of the run and run K continuations
    sketch: bool = False  # start from a partial drawing (top half of a held-out image)
    guidance_view: bool = False  # show each guided step with and without the prompt beside x0
    plots: tuple = ()  # the one or two plots that carry its point (a lecture layout shows
    # these large; engine.maths.metrics names: distance, sharpness, ...)
    by_dataset: tuple = ()  # ((dataset, {"left": {...}, "right": {...}, "caption": "..."}), ...): what
    # a dataset changes (measured: benchmarks/showcase.py), applied before a variant's changes

    def changes_for(self, dataset: str) -> dict:
        return next((c for d, c in self.by_dataset if d == dataset), {})

    def caption_for(self, dataset: str = "mnist", label: int | None = 7) -> str:
        """The caption as it holds on `dataset`, its {prompt} the prompt's name there ("seven", "sneaker")."""
        text = self.changes_for(dataset).get("caption", self.caption)
        prompt = "image" if label is None else CLASS_NAMES[dataset][label]
        return text.replace("{prompt}", prompt)


def _s(label=7, guidance=3.0, seed=0, dataset="mnist", **kw) -> RunSettings:
    ar = ARSettings(
        **{k: kw.pop(k) for k in ("order", "pixels_per_step", "planned_steps", "temperature", "greedy") if k in kw}
    )
    df = DiffusionSettings(**{k: kw.pop(k) for k in ("sampler", "steps", "eta") if k in kw})
    assert not kw, kw
    return RunSettings(dataset=dataset, label=label, guidance=guidance, seed=seed, ar=ar, diffusion=df)


# Where free play starts (a new window, before any scenario): a seven, guidance 3, autoregression
# one pixel a step in a random order beside DDIM 100. Random, not raster: these order-agnostic
# networks draw best in it (README, n = 500: Fashion agreement 99.0 % vs 87.0 %, Fréchet 5.4x vs
# 12.9x the reference; MNIST 99.8 % vs 98.6 %), and x0 then goes from blurry to sharp everywhere at
# once, as diffusion's does. Scenarios about the order itself (pixel-by-pixel) keep raster.
FREE_PLAY = _s(order="random", pixels_per_step=1, steps=100)


# measured: benchmarks/planned_ar.py and the claims row "at 100 network evaluations" (README)
CAPTION_SAME_BUDGET = (
    "100 network steps each. Left: autoregression, its loss curve deciding how many pixels each step fixes "
    "(few first, many at the end). Right: diffusion. Over 200 digits diffusion's are closer to real ones; "
    "planning pays most at 50 and 20 steps (V: uniform, 784, 50, 20)."
)


CAPTION_SAME_BUDGET_FASHION = (
    "100 network steps each. Left: autoregression, its loss curve deciding how many pixels each step fixes "
    "(few first, many at the end). Right: diffusion. Over 200 clothes the two are level down to 20 steps "
    "(V: 50, 20); only below that does diffusion pull ahead."
)

# Fashion in raster order, one pixel a step: of 100 sneakers (w = 3) the classifier reads 44 as sneakers,
# mean p 0.43, Fréchet 299; in random order 100, p 0.96, Fréchet 16 (benchmarks/showcase.py). The slides
# whose point is not the raster order itself draw clothes in random order.
FASHION_IN_RANDOM_ORDER = {"left": {"order": "random"}}

SCENARIOS = {
    s.name: s
    for s in [
        Scenario(
            "blurry-mess",
            "Predict the whole image at once",
            "One network evaluation, every pixel at once. Left: the mean of each pixel's distribution — a blurry "
            "average of every {prompt} it could be. Right: every pixel sampled on its own — speckle, because the "
            "pixels do not agree with each other.",
            "one-shot-mean",
            "one-shot-independent",
            _s(),
            _s(),
            plots=("detail", "prob"),
        ),
        Scenario(
            "pixel-by-pixel",
            "Autoregression, one pixel at a time",
            "Raster order, one pixel per network evaluation: watch the predicted distribution of each pixel and "
            "the value drawn from it. x0 sharpens as pixels are fixed. Raster is the hardest order: each pixel "
            "sees only the rows above it.",
            "autoregressive",
            "diffusion",
            _s(order="raster", pixels_per_step=1),
            _s(steps=100),
            speed="200 steps/s",
            plots=("uncertainty", "distance"),
            by_dataset=(
                (
                    "fashion",
                    {
                        **FASHION_IN_RANDOM_ORDER,
                        "caption": "Random order (blue first), one pixel per network evaluation: watch each "
                        "pixel's predicted distribution and the value drawn from it; x0 sharpens as pixels are "
                        "fixed. Not raster: row by row, each pixel sees only the rows above, and only 44 of 100 "
                        "sneakers come out as sneakers (100 in random order).",
                    },
                ),
            ),
        ),
        Scenario(
            "greedy-vs-sampling",
            "Greedy vs sampling",
            "Left: always the most likely value — the same image for every seed, and a poor one: the likeliest "
            "value pixel by pixel is not the likeliest image. Right: sampling — a different {prompt} for each seed.",
            "autoregressive",
            "autoregressive",
            _s(order="raster", pixels_per_step=4, greedy=True),
            _s(order="raster", pixels_per_step=4),
            variants=tuple((f"seed {i}", {"left": {"seed": i}, "right": {"seed": i}}) for i in range(3)),
            plots=("prob", "distance"),
        ),
        Scenario(
            "too-many-pixels",
            "Many pixels per step",
            "Left: a square patch of pixels fixed in one network evaluation, without seeing each other — seams and "
            "broken strokes. Right: as many scattered pixels — much more consistent. How many: in brackets "
            "(V: 64, 4).",
            # seed 4: among seeds 0-11 the one whose single picture shows the claim at 16, 64 and 4 pixels a
            # step (classifier p(seven) patches 0.85 / 0.02 / 0.83, scattered 0.97 / 0.90 / 0.97); seed 0 drew a
            # clean patch seven and a scattered one with an extra stroke. Over 100 samples the claim holds for
            # any seed (README claims table: FD 101 vs 37 at 16 pixels a step).
            "autoregressive",
            "autoregressive",
            _s(order="patches", pixels_per_step=16, seed=4),
            _s(order="random", pixels_per_step=16, seed=4),
            variants=tuple(
                (f"{k} pixels/step", {"left": {"pixels_per_step": k}, "right": {"pixels_per_step": k}})
                for k in (16, 64, 4)
            ),  # (1 a step: both the same order, ~70 s to two equal sevens)
            plots=("prob", "sharpness"),
        ),
        Scenario(
            "forward-processes",
            "What each method undoes",
            "Left: a real image losing its pixels, 8 a step — autoregression learns to put them back. Right: the "
            "same image drowning in noise — diffusion learns to remove it a little at a time. Both take the same "
            "98 steps, side by side.",
            # 784 pixels / 8 a step = 98 steps: the noising takes as many, so the two advance in step
            "forward-autoregressive",
            "forward-diffusion",
            _s(order="random", pixels_per_step=8),
            _s(steps=98),
            speed="50 steps/s",
            plots=("distance", "detail"),
        ),
        Scenario(
            "hundred-steps",
            "100 steps instead of 784",
            "The same budget of network evaluations for both: autoregression needs 784 (one per pixel), "
            "diffusion is done after 100 steps (200 with guidance).",
            "autoregressive",
            "diffusion",
            _s(order="raster", pixels_per_step=1),
            _s(steps=100),
            speed="200 steps/s",
            plots=("distance", "prob"),
            by_dataset=(("fashion", FASHION_IN_RANDOM_ORDER),),
        ),
        Scenario(
            "same-budget",
            "Autoregression on diffusion's budget",
            CAPTION_SAME_BUDGET,
            # the AR network is order-agnostic, so it can decode in any number of steps: ARDM's dynamic
            # program over its measured loss curve (the card's eval.loss_curve) says how many pixels each
            # step fixes. Every variant gives both panels the same number of guided steps, except "784 steps"
            "autoregressive",
            "diffusion",
            _s(order="random", planned_steps=100),
            _s(steps=100),
            variants=(
                ("planned 100", {"left": {"planned_steps": 100}, "right": {"steps": 100}}),
                ("uniform 8 px/step", {"left": {"planned_steps": 0, "pixels_per_step": 8}, "right": {"steps": 100}}),
                ("784 steps", {"left": {"planned_steps": 0, "pixels_per_step": 1}, "right": {"steps": 100}}),
                ("planned 50", {"left": {"planned_steps": 50}, "right": {"steps": 50}}),
                ("planned 20", {"left": {"planned_steps": 20}, "right": {"steps": 20}}),
            ),
            speed="50 steps/s",
            plots=("pixels_fixed", "prob"),
            by_dataset=(("fashion", {"caption": CAPTION_SAME_BUDGET_FASHION}),),
        ),
        Scenario(
            "one-big-step",
            "Why one big step fails",
            "Left: 100 small steps. Right: one big step predicts the mean — blurry (V: 2, 5, 10, 100 steps). Each "
            "step only has to remove a little noise, so a few dozen steps make a sharp image.",
            "diffusion",
            "diffusion",
            _s(steps=100),
            _s(steps=1),
            variants=tuple((f"{n} step{'s' if n > 1 else ''}", {"right": {"steps": n}}) for n in (1, 2, 5, 10, 100)),
            plots=("detail", "sharpness"),
        ),
        Scenario(
            "x0-is-a-mean",
            "x0 is a mean",
            "The run pauses part way and 16 continuations are run from that step. Their average should match x0, "
            "the predicted clean image (the label beside it says whether it does); their spread is what is still "
            "undecided.",
            "autoregressive",
            "diffusion",
            # seed 5: the settings hold over 100 seeds (docs/measurements.md: the verdict 94 % / 100 %, random
            # 16 px/step reads as a seven 99 %); of seeds 0-11 (all verdicts "x0 is their mean") one whose two
            # sevens are plain (p(seven) 0.97 / 0.97): seed 0's AR seven wears a crossbar, which is a seven
            # but reads as a "+" from the back of the hall
            _s(order="random", pixels_per_step=16, seed=5),
            _s(sampler="ddpm", steps=100, seed=5),
            continuations_at=0.3,
            plots=("uncertainty", "sharpness"),  # what is still undecided, and x0 sharpening as it is decided
        ),
        Scenario(
            "guidance",
            "Classifier-free guidance",
            "The model runs with and without the prompt; the difference is amplified by w. Press V: w = 0 (prompt "
            "ignored), 1 (plain conditional), 3, 7 (exaggerated: diffusion holds, autoregression starts to break — "
            "of 100 sevens drawn at w = 7, 71 % still read as sevens, all at w = 3).",
            # seed 9: of seeds 0-9 one whose pictures tell the caption's story in both panels (classifier
            # p(seven) AR / diffusion: w = 0 0.01 / 0.01 — a 0 and a 5; w = 1 0.98 / 0.97; w = 3 0.95 / 0.98;
            # w = 7 0.94 / 0.98, heavier strokes). With seed 0 diffusion drew a 4 at w = 1 under "plain
            # conditional" (w = 1 misses 3 % of MNIST prompts: README); the claims table holds the trend.
            "autoregressive",
            "diffusion",
            _s(order="random", pixels_per_step=4, seed=9),
            _s(steps=50, seed=9),
            variants=tuple(
                (f"w = {w:g}", {"left": {"guidance": w}, "right": {"guidance": w}}) for w in (0.0, 1.0, 3.0, 7.0)
            ),
            guidance_view=True,
            plots=("prob", "sharpness"),
            # measured over 100 images a w (benchmarks/showcase.py, AR random 4 px/step): MNIST w = 1 / 3 / 7
            # 91 / 100 / 71 % read as sevens (Fréchet 29 / 28 / 190); Fashion 93 / 100 / 99 % (40 / 19 / 40)
            by_dataset=(
                (
                    "fashion",
                    {
                        "caption": "The model runs with and without the prompt; the difference is amplified by "
                        "w. Press V: w = 0 (prompt ignored), 1 (plain conditional), 3, 7 (the prompt exaggerated: "
                        "less varied, further from real sneakers).",
                    },
                ),
            ),
        ),
        Scenario(
            "coarse-to-fine",
            "Coarse to fine",
            "Diffusion settles the coarse shape first and the fine detail last (the x0 strip; the plot 'x0 by "
            "frequency': its power from coarse to fine, against real images); autoregression fills in space, not in "
            "frequency.",
            "autoregressive",
            "diffusion",
            _s(order="raster", pixels_per_step=4),
            _s(steps=100),
            speed="50 steps/s",
            plots=("spectrum", "detail"),
        ),
        Scenario(
            "complete-my-sketch",
            "Complete my sketch",
            "The top half of a real {prompt} is given; both models complete the rest. Draw your own with the pen "
            "button and press Complete.",
            "autoregressive",
            "diffusion",
            # seed 2: the bank's seven carries the start of a crossbar, which some completions continue into
            # a "+" (seed 0's AR one); of seeds 0-11 (p(seven) 0.93-0.99 all) seed 2 completes it plainly in
            # both panels (0.97 / 0.97). Over 100 completions raster reads as a seven 96 % (docs/measurements.md)
            _s(order="raster", pixels_per_step=4, seed=2),
            _s(sampler="ddpm", steps=100, seed=2),
            sketch=True,
            plots=("prob", "distance"),
        ),
    ]
}


def get(name: str) -> Scenario:
    if name not in SCENARIOS:
        raise ValueError(f"unknown scenario {name!r}: use one of {', '.join(SCENARIOS)}")
    return SCENARIOS[name]


def _apply(s: RunSettings, changes: dict) -> RunSettings:
    top = {k: v for k, v in changes.items() if k in ("label", "guidance", "seed", "dataset")}
    ar = {
        k: v for k, v in changes.items() if k in ("order", "pixels_per_step", "planned_steps", "temperature", "greedy")
    }
    df = {k: v for k, v in changes.items() if k in ("sampler", "steps", "eta")}
    return replace(s, ar=replace(s.ar, **ar), diffusion=replace(s.diffusion, **df), **top)


def override(s: RunSettings, changes: dict) -> RunSettings:
    """A scenario's settings with options the user gave explicitly (`--seed 3` beside `--scenario`):
    they win over the scenario's, and the result is validated (ValueError)."""
    return _apply(s, changes).validate()


def settings_for(
    sc: Scenario, variant: int = 0, bank=None, dataset: str = "mnist"
) -> tuple[RunSettings, RunSettings, str]:
    """(left settings, right settings, variant label) for variant i (wrapping) on `dataset` (the
    bank, for a sketch, must be that dataset's)."""
    by = sc.changes_for(dataset)
    left = _apply(sc.left, {"dataset": dataset, **by.get("left", {})})
    right = _apply(sc.right, {"dataset": dataset, **by.get("right", {})})
    label = ""
    if sc.variants:
        label, changes = sc.variants[variant % len(sc.variants)]
        left, right = _apply(left, changes.get("left", {})), _apply(right, changes.get("right", {}))
    if sc.sketch and bank is not None:
        img = bank.pick(left.label, 0)
        known = np.zeros((SIDE, SIDE), bool)
        known[: SIDE // 2] = True
        left = replace(left, known=known, values=img)
        right = replace(right, known=known, values=img)
    return left.validate(), right.validate(), label
