"""A small bank of real held-out images shipped with the weights (10 per class from the test
split), for the forward processes and as real references. `python -m engine.tools.make_bank --dataset D`
writes `weights/<dataset>_bank.safetensors`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from engine.maths.pixels import SIDE
from engine.networks import weights
from engine.networks.data import load_split

PER_CLASS = 10


@dataclass(frozen=True)
class Bank:
    images: np.ndarray  # (M, 28, 28) uint8
    labels: np.ndarray  # (M,) int64

    @functools.cached_property
    def spectrum(self) -> np.ndarray:
        """The images' mean power by frequency band (metrics.reference_spectrum): what "as detailed
        as a real image" means. Computed once a bank, not at every restart."""
        from engine.maths import metrics

        return metrics.reference_spectrum(self.images / 255.0)

    def pick(self, label: int | None = None, index: int = 0) -> np.ndarray:
        """One image as float32 (28, 28) in [0, 1]: the index-th of `label` (any class if None)."""
        pool = np.flatnonzero(self.labels == label) if label is not None else np.arange(len(self.labels))
        return self.images[pool[index % len(pool)]].astype(np.float32) / 255.0


def bank_path(dataset: str, weights_dir=None):
    w, _ = weights.paths(dataset, "bank", weights_dir)
    return w


def load_bank(dataset: str, weights_dir=None) -> Bank:
    path = bank_path(dataset, weights_dir)
    if not path.exists():
        raise weights.WeightsError(
            f"{path} is missing: re-create it with `python -m engine.tools.make_bank --dataset {dataset}` "
            "or restore it from git"
        )
    try:
        t = load_file(str(path))
        images, labels = t["images"].numpy(), t["labels"].numpy()
    except (SafetensorError, OSError, KeyError, ValueError, RuntimeError) as e:
        raise weights.WeightsError(
            f"{path} is not a valid image bank ({e}): re-create it with "
            f"`python -m engine.tools.make_bank --dataset {dataset}`"
        ) from None
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (SIDE, SIDE) or len(labels) != len(images):
        raise weights.WeightsError(
            f"{path}: expected uint8 images (M, 28, 28) and M labels, found "
            f"{images.dtype} {images.shape} and {labels.shape}"
        )
    return Bank(images, labels.astype(np.int64))


def make_bank(dataset: str, data_dir=None, weights_dir=None, seed: int = 0) -> Bank:
    x, y = load_split(dataset, "test", data_dir)
    rng = np.random.default_rng(seed)
    idx = np.concatenate([rng.choice(np.flatnonzero(y == c), PER_CLASS, replace=False) for c in range(10)])
    bank = Bank(x[idx].copy(), y[idx].copy())
    path = bank_path(dataset, weights_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(
        {"images": torch.from_numpy(bank.images), "labels": torch.from_numpy(bank.labels)},
        str(path),
        metadata={"dataset": dataset, "source": "test split", "per_class": str(PER_CLASS), "seed": str(seed)},
    )
    return bank
