"""Run settings for the two panels, validated, and the generator factories the GUI calls."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from engine.maths import orders, planning
from engine.maths.pixels import PIXELS, SIDE
from engine.networks.data import DATASETS
from engine.networks.models import planned_steps
from engine.runtime.samplers import autoregressive, diffusion
from engine.runtime.samplers.autoregressive import sample_autoregressive
from engine.runtime.samplers.diffusion import sample_diffusion
from engine.runtime.samplers.forward import forward_autoregressive, forward_diffusion
from engine.runtime.samplers.one_shot import sample_one_shot


@dataclass(frozen=True)
class ARSettings:
    order: str = "raster"  # raster, random, spiral, center-out, confidence, patches
    pixels_per_step: int = 1  # k pixels fixed per network evaluation
    temperature: float = 1.0  # logits / T: < 1 sharper, > 1 wilder
    greedy: bool = False  # argmax instead of sampling: the same image every time
    planned_steps: int = 0  # planned parallel decoding (ARDM) in this many steps; 0: k pixels a step


@dataclass(frozen=True)
class DiffusionSettings:
    sampler: str = "ddim"  # ddim (eta 0: deterministic) or ddpm (ancestral)
    steps: int = 100  # 1..1000 over the T = 1000 schedule
    eta: float = 0.0  # DDIM noise: 0 deterministic, 1 DDPM-like


@dataclass(frozen=True)
class RunSettings:
    dataset: str = "mnist"
    label: int | None = None  # class 0..9, None = unconditional
    guidance: float = 3.0  # classifier-free guidance w (0 uncond, 1 cond, >1 amplified)
    seed: int = 0
    ar: ARSettings = field(default_factory=ARSettings)
    diffusion: DiffusionSettings = field(default_factory=DiffusionSettings)
    known: np.ndarray | None = field(default=None, compare=False)  # (28, 28) bool: drawn pixels
    values: np.ndarray | None = field(default=None, compare=False)  # (28, 28) in [0, 1]
    image: np.ndarray | None = field(default=None, compare=False)  # (28, 28) in [0, 1]: the user's own
    # image for the forward processes

    def validate(self) -> RunSettings:
        if self.dataset not in DATASETS:
            raise ValueError(f"unknown dataset {self.dataset!r}: use one of {', '.join(DATASETS)}")
        if self.label is not None and not 0 <= int(self.label) <= 9:
            raise ValueError(f"label must be 0..9 or none, got {self.label}")
        if not isinstance(self.seed, (int, np.integer)) or self.seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {self.seed}")
        autoregressive.validate(self.ar.order, self.ar.pixels_per_step, self.ar.temperature, self.guidance)
        if self.ar.planned_steps:
            planning.check_steps(self.ar.planned_steps, PIXELS)
        diffusion.validate(self.diffusion.sampler, self.diffusion.steps, self.diffusion.eta, self.guidance)
        if (self.known is None) != (self.values is None):
            raise ValueError("known pixels and their values come together")
        if self.known is not None and np.asarray(self.known).shape != (SIDE, SIDE):
            raise ValueError("known must be a 28x28 mask")
        for name in ("values", "image"):
            v = getattr(self, name)
            if v is not None:
                v = np.asarray(v, np.float32)
                if v.shape != (SIDE, SIDE) or not np.all((v >= 0) & (v <= 1)):
                    raise ValueError(f"{name} must be a 28x28 image with values in [0, 1]")
        return self

    def with_changes(self, **kw) -> RunSettings:
        return replace(self, **kw)


def ar_plan(models, s: RunSettings) -> tuple[int, ...] | None:
    """The planned step sizes of an AR run (None: uniform, `pixels_per_step` a step)."""
    if not s.ar.planned_steps:
        return None
    start = 0 if s.known is None else int(np.asarray(s.known, bool).sum())
    return planned_steps(models, s.ar.planned_steps, start)


def ar_frames(models, s: RunSettings, n: int = 1):
    s.validate()
    return sample_autoregressive(
        models.ar,
        n=n,
        labels=s.label,
        order=s.ar.order,
        pixels_per_step=s.ar.pixels_per_step,
        temperature=s.ar.temperature,
        greedy=s.ar.greedy,
        guidance=s.guidance,
        seed=s.seed,
        known=s.known,
        values=s.values,
        plan=ar_plan(models, s),
    )


def diffusion_frames(models, s: RunSettings, n: int = 1):
    s.validate()
    return sample_diffusion(
        models.diffusion,
        n=n,
        labels=s.label,
        sampler=s.diffusion.sampler,
        steps=s.diffusion.steps,
        eta=s.diffusion.eta,
        guidance=s.guidance,
        seed=s.seed,
        known=s.known,
        values=s.values,
    )


def one_shot_frames(models, s: RunSettings, mode: str = "mean", n: int = 1):
    s.validate()
    return sample_one_shot(
        models.ar, n=n, labels=s.label, guidance=s.guidance, seed=s.seed, mode=mode, temperature=s.ar.temperature
    )


def source_image(models, s: RunSettings, bank_index: int = 0) -> np.ndarray:
    """The real image a forward process degrades: the user's own (`s.image`) or a held-out one of
    the requested class from the bank."""
    if s.image is not None:
        return np.asarray(s.image, np.float32)
    if models.bank is None:
        raise ValueError("no image bank is loaded: open an image of your own for the forward processes")
    return models.bank.pick(s.label, bank_index)


def forward_frames(models, s: RunSettings, kind: str = "autoregressive", bank_index: int = 0):
    """A real image (the user's own, or a held-out one of the requested class) losing pixels or being noised."""
    s.validate()
    image = source_image(models, s, bank_index)
    if kind == "autoregressive":  # exactly the panel's order and pixels per step
        if s.ar.order not in orders.STATIC_ORDERS:
            raise ValueError(
                f"erasing needs a fixed order ({s.ar.order!r} depends on a network): "
                f"use one of {', '.join(orders.STATIC_ORDERS)}"
            )
        if s.ar.order == "patches":
            orders.patch_side(s.ar.pixels_per_step)
        return forward_autoregressive(image, order=s.ar.order, pixels_per_step=s.ar.pixels_per_step, seed=s.seed)
    if kind == "diffusion":
        schedule = diffusion.schedule_of(models.diffusion) if models.diffusion is not None else None
        return forward_diffusion(image, steps=s.diffusion.steps, seed=s.seed, schedule=schedule)
    raise ValueError(f"unknown forward process {kind!r}: use autoregressive or diffusion")
