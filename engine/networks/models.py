"""The loader (`load_models` -> `ModelSet`) of everything one dataset needs at run time, loaded
once: the networks, the classifier and the bank of held-out images. Each command loads only what
it needs (`kinds`, `bank`); parts named in `optional` may fail to load without failing the rest
(the window runs its panels without the classifier's plot when the classifier is broken): their
messages land in `problems`."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from engine.networks import weights
from engine.networks.bank import Bank, load_bank
from engine.networks.device import resolve_device

ALL_KINDS = ("autoregressive", "diffusion", "classifier")
GENERATORS = ALL_KINDS[:2]  # the networks that generate (a render without plots needs no classifier)


@dataclass
class ModelSet:
    dataset: str
    device: torch.device
    ar: torch.nn.Module | None = None
    diffusion: torch.nn.Module | None = None
    classifier: torch.nn.Module | None = None
    bank: Bank | None = None
    ar_loss_curves: dict = field(default_factory=dict)  # {order: (784,) nats}: the AR card's eval.loss_curve
    problems: list = field(default_factory=list)  # messages of optional parts that failed to load


def load_models(
    dataset: str, device="auto", weights_dir=None, kinds=ALL_KINDS, bank: bool = True, optional=()
) -> ModelSet:
    """Load the shipped models of `dataset`; raises weights.WeightsError with a clear message for
    any part not in `optional` ("autoregressive", "diffusion", "classifier", "bank")."""
    dev = resolve_device(device) if isinstance(device, str) else device
    ms = ModelSet(dataset, dev)
    for kind in kinds:
        try:
            model, card = weights.load(dataset, kind, dev, weights_dir)
            if kind == "autoregressive":
                ms.ar_loss_curves = weights.loss_curves(card)
        except weights.WeightsError as e:
            if kind not in optional:
                raise
            ms.problems.append(str(e))
            continue
        setattr(ms, {"autoregressive": "ar"}.get(kind, kind), model)
    if bank:
        try:
            ms.bank = load_bank(dataset, weights_dir)
        except weights.WeightsError as e:
            if "bank" not in optional:
                raise
            ms.problems.append(str(e))
    return ms


def planned_steps(models: ModelSet, steps: int, start: int = 0) -> tuple[int, ...]:
    """The plan of `steps` steps (pixels a step) from the AR model's measured random-order loss
    curve (smoothed and made non-increasing: engine.maths.planning.smoothed), for every order: the
    order-agnostic curve is what ARDM plans with, and in a random order it is exact. (A fixed order's
    own average curve is not the cost of its next pixels: in raster the pixels decoded next are the
    rows just below, not an average pixel; benchmarks/planned_ar.py measures raster's true cost.)
    The plan is the same whatever the order; `start`: pixels known before the first step."""
    from engine.maths import planning

    curve = models.ar_loss_curves.get("random")
    if curve is None:
        raise ValueError(
            f"the {models.dataset} AR model's card has no loss curve to plan steps with: measure it with "
            f"`python -m engine.tools.loss_curve --dataset {models.dataset} --write-card`"
        )
    return planning.plan(planning.smoothed(curve), steps, start)
