"""The frozen, typed settings a run was made with, carried by every Frame it yields (`Frame.settings`).

One record per generator, so that continuations, scenarios, the sample CLI, exports and the GUI
all read the same named fields instead of re-parsing a dict with fallbacks.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ARRunSettings:
    order: str  # raster, random, spiral, center-out, confidence, patches
    pixels_per_step: int  # k pixels fixed per network evaluation
    temperature: float  # logits / T
    greedy: bool  # argmax instead of sampling
    guidance: float  # classifier-free guidance w (on the logits)
    seed: int  # sampling seed
    order_seed: int  # seed of the random order (continuations reuse it)
    plan: tuple | None = None  # planned parallel decoding: pixels fixed at each step (None: k a step)


@dataclass(frozen=True)
class DiffusionRunSettings:
    sampler: str  # ddim or ddpm
    steps: int  # steps over the T = 1000 schedule
    eta: float  # DDIM noise
    guidance: float  # classifier-free guidance w (on the network output)
    seed: int
    prediction: str  # what the network predicts: epsilon, v or x0
    schedule_T: int  # length of the training schedule


@dataclass(frozen=True)
class OneShotRunSettings:
    mode: str  # mean (the blurry mess) or independent (speckle)
    guidance: float
    seed: int
    temperature: float


@dataclass(frozen=True)
class ForwardARRunSettings:
    order: str  # the order in which the real image loses its pixels (generation order reversed)
    pixels_per_step: int
    seed: int


@dataclass(frozen=True)
class ForwardDiffusionRunSettings:
    steps: int  # noise levels rising evenly to T - 1
    seed: int  # the one draw of ε that is added
