"""Datasets: IDX gzip readers, where the files live, class names and prompt parsing.

The app never needs these files at run time (it ships weights and a small bank of held-out
images); they are for training and evaluation.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np

from engine.maths.pixels import SIDE

DATASETS = ("mnist", "fashion")

CLASS_NAMES = {
    "mnist": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
    "fashion": ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"],
}
# Extra words a lecturer might type for a class.
_ALIASES = {
    "fashion": {
        "tshirt": 0,
        "top": 0,
        "t-shirt/top": 0,
        "tee": 0,
        "trousers": 1,
        "pants": 1,
        "sweater": 2,
        "jumper": 2,
        "jacket": 4,
        "shoe": 7,
        "trainer": 7,
        "sneakers": 7,
        "handbag": 8,
        "boot": 9,
        "ankle-boot": 9,
        "sandals": 5,
    },
    "mnist": {"oh": 0, "nought": 0},
}
NO_LABEL_WORDS = {"", "none", "no", "no label", "unconditional", "any", "-", "-1"}

_REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DIRS = {
    "mnist": [_REPO_ROOT.parent / "shared" / "data" / "mnist-10k", Path("/usr/share/datasets/mnist")],
    "fashion": [Path("/usr/share/datasets/fashion-mnist"), _REPO_ROOT.parent / "shared" / "data" / "fashion-mnist"],
}
FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}


class DataError(Exception):
    """A data file is missing or malformed; the message says where to get it."""


def parse_label(text: str | int | None, dataset: str) -> int | None:
    """'seven', '7', 'Sneaker', 'none' -> class index or None (unconditional).

    Raises ValueError with the accepted words for anything else."""
    if text is None:
        return None
    if isinstance(text, (int, np.integer)):
        label = int(text)
        if label == -1:
            return None
        if 0 <= label < 10:
            return label
        raise ValueError(f"label must be 0..9 or none, got {label}")
    word = str(text).strip().lower()
    if word in NO_LABEL_WORDS:
        return None
    if word.isdigit() and 0 <= int(word) < 10:
        return int(word)
    for prefix in ("a ", "an "):
        if word.startswith(prefix):
            word = word[len(prefix) :]
    names = CLASS_NAMES[dataset]
    if word in names:
        return names.index(word)
    if word in _ALIASES.get(dataset, {}):
        return _ALIASES[dataset][word]
    if word.endswith("s") and word[:-1] in names:
        return names.index(word[:-1])
    raise ValueError(f"unknown {dataset} class {text!r}: use 0-9, none, or one of {', '.join(names)}")


def read_idx(path: Path) -> np.ndarray:
    """Read an IDX file (gzip or plain) into a numpy array."""
    opener = gzip.open if str(path).endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as e:
        raise DataError(f"cannot read {path}: {e}") from e
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 8:
        raise DataError(f"{path} is not an unsigned-byte IDX file")
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise DataError(f"{path}: expected {int(np.prod(dims))} values, found {data.size} (truncated?)")
    return data.reshape(dims).copy()  # writable, so torch.from_numpy is safe


def find_data_dir(dataset: str, data_dir: str | os.PathLike | None = None) -> Path:
    candidates = [Path(data_dir)] if data_dir else DEFAULT_DIRS[dataset]
    for d in candidates:
        if (d / FILES["train"][0]).exists():
            return d
    how = (
        "MNIST: pass --data-dir with the four IDX gzip files (train-images-idx3-ubyte.gz, ...); "
        "the repo's sibling folder ../shared/data/mnist-10k is used when present"
        if dataset == "mnist"
        else "Fashion-MNIST: `sudo apt-get install dataset-fashion-mnist` (Debian/Ubuntu) puts the files in "
        "/usr/share/datasets/fashion-mnist, or pass --data-dir"
    )
    raise DataError(f"no {dataset} data in {', '.join(map(str, candidates))}. {how}")


def load_split(dataset: str, split: str, data_dir=None) -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 (N, 28, 28), labels int64 (N,)) of the 'train' or 'test' split."""
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}: use one of {', '.join(DATASETS)}")
    d = find_data_dir(dataset, data_dir)
    img_name, lab_name = FILES[split]
    images = read_idx(d / img_name)
    labels = read_idx(d / lab_name).astype(np.int64)
    if images.shape[0] != labels.shape[0] or images.shape[1:] != (SIDE, SIDE):
        raise DataError(f"{d}: images {images.shape} and labels {labels.shape} do not match")
    return images, labels
