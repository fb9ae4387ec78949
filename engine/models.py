"""Everything one dataset needs at run time, loaded once: the networks, the classifier and the
bank of held-out images."""
from __future__ import annotations

from dataclasses import dataclass, field

import torch

from . import weights
from .bank import Bank, load_bank
from .device import resolve_device


@dataclass
class ModelSet:
    dataset: str
    device: torch.device
    ar: torch.nn.Module | None = None
    diffusion: torch.nn.Module | None = None
    classifier: torch.nn.Module | None = None
    bank: Bank | None = None
    cards: dict = field(default_factory=dict)


def load_models(dataset: str, device="auto", weights_dir=None,
                kinds=("autoregressive", "diffusion", "classifier")) -> ModelSet:
    """Load the shipped models of `dataset`; raises weights.WeightsError with a clear message."""
    dev = resolve_device(device) if isinstance(device, str) else device
    ms = ModelSet(dataset, dev)
    for kind in kinds:
        model, card = weights.load(dataset, kind, dev, weights_dir)
        ms.cards[kind] = card
        setattr(ms, {"autoregressive": "ar"}.get(kind, kind), model)
    ms.bank = load_bank(dataset, weights_dir)
    return ms
