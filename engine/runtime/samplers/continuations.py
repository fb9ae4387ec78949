"""x̂0 is a mean: from any frame, run K continuations (batched) and compare their per-pixel mean
with the frame's x̂0. The std shows what is still undecided.

`iter_continuations` yields a `Progress` after every batched step, so a caller can show progress
and cancel between steps (stop iterating); its last item is the `Continuations` result.
`continuations` runs it to the end."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.networks.device import with_precision
from engine.runtime.frames import AUTOREGRESSIVE, DIFFUSION, Frame
from engine.runtime.samplers.autoregressive import sample_autoregressive
from engine.runtime.samplers.diffusion import sample_diffusion

UNSEEN = 0.02  # RMS difference (pixels 0..1) too small to see: 5 of 255 grey levels


@dataclass(frozen=True)
class Continuations:
    samples: np.ndarray  # (K, 28, 28) final images
    mean: np.ndarray  # (28, 28) their per-pixel mean
    std: np.ndarray  # (28, 28) their per-pixel std
    x0_mean: np.ndarray  # (28, 28) the frame's predicted clean image
    error: float  # RMSE between mean and x0_mean
    pixels_per_step: int | None = None  # AR: pixels a step the continuations used (more than the run's when capped)
    method: str = ""  # the frame's method (AUTOREGRESSIVE or DIFFUSION)
    capped_at: int | None = None  # AR: the steps they were capped at, when that made them fix more pixels a step

    @property
    def sampling_error(self) -> float:
        """The sampling error of a mean of K: RMS over pixels of std / sqrt(K)."""
        return float(np.sqrt(np.mean(np.asarray(self.std, np.float64) ** 2) / len(self.samples)))

    @property
    def nearest(self) -> float:
        """How close the nearest single continuation comes to their mean (RMS over pixels)."""
        d = np.asarray(self.samples, np.float64) - np.asarray(self.mean, np.float64)[None]
        return float(np.sqrt((d**2).mean(axis=(1, 2))).min())

    def matches_x0(self) -> bool:
        """x0 is their mean, not one of them: it lies closer to their mean than any one continuation.

        Not "within twice the sampling error": a learned network is not exactly self-consistent, so
        that test fails for a large K however good the model (measured, benchmarks/x0_is_a_mean.py:
        the shipped MNIST models missed it in half the AR runs and a third of the diffusion runs at
        K = 16). This test holds for a model whose x0 is the mean up to small inconsistencies, and
        fails for a sample put in x0's place (or another run's x0): the same benchmark measures both.
        Late in a run, when little is left to decide, the continuations hardly differ; then a
        difference below `UNSEEN` (2 % grey, 5 of 255 levels: the networks' own inconsistency there,
        invisible) is a match too."""
        return self.error < max(self.nearest, UNSEEN)

    def verdict(self, short: bool = False) -> str:
        """What the numbers show, in words (the window's label): a match, or a difference and, for
        autoregression, what one means: its x0 is the network's prediction of every pixel at once,
        the continuations ask it again pixel after pixel (other conditionings), and its predictions
        are not perfectly self-consistent across orders; capped continuations also draw several
        pixels of a step independently, each from its own distribution. `short`: the same, tersely."""
        if self.matches_x0() and self.error >= self.nearest:
            return "mean ≈ x0, < 2 % grey apart" if short else "their mean matches x0: less than 2 % grey apart"
        if self.matches_x0():
            return (
                "mean ≈ x0, nearer than any continuation"
                if short
                else "x0 is their mean, not one of them: it is nearer their mean than any continuation"
            )
        said = "mean ≠ x0" if short else "their mean differs from x0: a continuation lies nearer their mean"
        if self.method != AUTOREGRESSIVE:
            return said
        said += (
            ": AR not self-consistent across orders"
            if short
            else ": the network's own predictions are not perfectly self-consistent across orders"
        )
        if self.capped_at is not None and self.pixels_per_step:
            said += (
                f"; {self.pixels_per_step} px at once"
                if short
                else f" (capped at {self.capped_at} steps, these sample {self.pixels_per_step} pixels at once)"
            )
        return said


@dataclass(frozen=True)
class Progress:
    done: int  # batched steps done
    total: int  # batched steps planned
    mean: np.ndarray  # (28, 28) per-pixel mean of the K partial continuations' x̂0 so far


def iter_continuations(
    models,
    frame: Frame,
    *,
    k: int = 16,
    seed: int = 0,
    item: int = 0,
    precision: str = "fp32",
    max_steps: int | None = None,
    **overrides,
):
    """K continuations of item `item` of `frame`. AR: the same order (same random permutation)
    and settings from the frame's known pixels, always sampling (temperature 1 unless given).
    Diffusion: stochastic DDPM steps from the frame's raw x_t at its t over the timesteps left
    (`steps` total, default that run's; DDIM eta 0 would give K copies), keeping inpainted pixels.
    `overrides` replace fields of the frame's settings (guidance, order, pixels_per_step, steps, temperature).
    `precision="bf16"` runs the networks under bfloat16 autocast: about 2x faster on a CPU with
    AVX-512 BF16 (benchmarks/precision.py), for a live demo of AR continuations (hundreds of steps).

    `max_steps` caps an AR continuation's steps by fixing more pixels a step (not in `patches`
    order, whose steps are blocks): the pixels of one step are drawn independently, each from its
    own predicted distribution, so every pixel's expected value is unchanged (the tower rule: the
    mean of the continuations still estimates x̂0) while the images lose some consistency, as in
    the too-many-pixels scenario. A 584-step raster continuation becomes 64 steps, ~9x faster."""
    if not 1 <= k <= 512:
        raise ValueError(f"k must be 1..512, got {k}")
    s = frame.settings
    label = None if frame.labels is None or frame.labels[item] < 0 else int(frame.labels[item])
    unknown = set(overrides) - {"guidance", "order", "pixels_per_step", "steps", "temperature"}
    if unknown:
        raise ValueError(f"continuations cannot change {sorted(unknown)}")
    guidance = overrides.get("guidance", s.guidance)
    pps, capped = None, None
    if frame.method == AUTOREGRESSIVE:
        order, pps = overrides.get("order", s.order), overrides.get("pixels_per_step", s.pixels_per_step)
        left = int((~frame.known[item]).sum())
        if max_steps is not None and order != "patches" and left > pps * max_steps:
            pps, capped = math.ceil(left / max_steps), max_steps
        frames = sample_autoregressive(
            with_precision(models.ar, precision),
            n=k,
            labels=label,
            order=order,
            pixels_per_step=pps,
            temperature=overrides.get("temperature", 1.0),
            greedy=False,
            guidance=guidance,
            seed=seed,
            known=frame.known[item],
            values=frame.state[item],
            order_seed=s.order_seed,
            guidance_parts=False,
        )
    elif frame.method == DIFFUSION:
        frames = sample_diffusion(
            with_precision(models.diffusion, precision),
            n=k,
            labels=label,
            sampler="ddpm",
            steps=overrides.get("steps", s.steps),
            guidance=guidance,
            seed=seed,
            start=(np.repeat(frame.noise_level.x_t[item][None], k, 0), frame.noise_level.t),
            known=None if frame.known is None else frame.known[item],
            values=None if frame.known is None else frame.x0_mean[item],
            guidance_parts=False,
        )
    else:
        raise ValueError(f"continuations need an autoregressive or diffusion frame, got {frame.method}")
    last = None
    for last in frames:
        yield Progress(done=last.step + 1, total=last.total_steps, mean=last.x0_mean.mean(0))
    samples = frame.state[item][None].repeat(k, 0) if last is None else last.state
    mean, std = samples.mean(0), samples.std(0)
    x0 = frame.x0_mean[item]
    yield Continuations(samples, mean, std, x0, float(np.sqrt(np.mean((mean - x0) ** 2))), pps, frame.method, capped)


def continuations(
    models,
    frame: Frame,
    *,
    k: int = 16,
    seed: int = 0,
    item: int = 0,
    precision: str = "fp32",
    max_steps: int | None = None,
    **overrides,
) -> Continuations:
    result = None
    for result in iter_continuations(
        models, frame, k=k, seed=seed, item=item, precision=precision, max_steps=max_steps, **overrides
    ):
        pass
    return result
