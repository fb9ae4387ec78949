"""Shipped weights: `weights/<dataset>_<kind>.safetensors` plus a JSON card beside it
(`<dataset>_<kind>.json`: architecture config, dataset, training, evaluation numbers).

Nothing is unpickled. Loading validates the card and every tensor shape and raises one
`WeightsError` whose message names the file and says how to fix it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from engine.networks import nets

SHIPPED_WEIGHTS_DIR = Path(__file__).resolve().parents[2] / "weights"
# Developers may point the app at another folder (e.g. freshly trained weights) with this variable.
WEIGHTS_DIR = Path(os.environ.get("PIXELS_NOISE_WEIGHTS") or SHIPPED_WEIGHTS_DIR)
CARD_FORMAT = "pixels-and-noise/1"
KINDS = ("autoregressive", "diffusion", "classifier")


class WeightsError(Exception):
    """A weights file or card is missing or wrong; the message names the file and the fix."""


def paths(dataset: str, kind: str, weights_dir: Path | str | None = None) -> tuple[Path, Path]:
    d = Path(weights_dir) if weights_dir else WEIGHTS_DIR
    return d / f"{dataset}_{kind}.safetensors", d / f"{dataset}_{kind}.json"


def _train_hint(dataset: str, kind: str) -> str:
    return f"re-create it with `python -m engine.tools.train --dataset {dataset} --model {kind}` or restore it from git"


def save(model: torch.nn.Module, dataset: str, card: dict, weights_dir=None) -> tuple[Path, Path]:
    """Write the model's weights and card. `card` is merged over the required fields."""
    kind = model.kind
    w_path, c_path = paths(dataset, kind, weights_dir)
    w_path.parent.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    full = {
        "format": CARD_FORMAT,
        "kind": kind,
        "dataset": dataset,
        "config": model.cfg.to_dict(),
        "parameters": int(sum(p.numel() for p in model.parameters())),
    }
    full.update(card)
    tmp = w_path.with_suffix(".tmp")
    save_file(tensors, str(tmp), metadata={"kind": kind, "dataset": dataset})
    tmp.replace(w_path)
    c_path.write_text(json.dumps(full, indent=2) + "\n")
    return w_path, c_path


def read_card(dataset: str, kind: str, weights_dir=None) -> dict:
    w_path, c_path = paths(dataset, kind, weights_dir)
    if not c_path.exists():
        raise WeightsError(f"{c_path} is missing (the JSON card of {w_path.name}): {_train_hint(dataset, kind)}")
    try:
        card = json.loads(c_path.read_text())
    except (ValueError, OSError, RecursionError) as e:
        reason = "nested too deeply" if isinstance(e, RecursionError) else e
        raise WeightsError(f"{c_path} is not valid JSON ({reason}): {_train_hint(dataset, kind)}") from None
    problems = []
    if not isinstance(card, dict):
        raise WeightsError(f"{c_path} must hold a JSON object: {_train_hint(dataset, kind)}")
    if card.get("format") != CARD_FORMAT:
        problems.append(f"format is {card.get('format')!r}, expected {CARD_FORMAT!r}")
    if card.get("kind") != kind:
        problems.append(f"kind is {card.get('kind')!r}, expected {kind!r}")
    if card.get("dataset") != dataset:
        problems.append(f"dataset is {card.get('dataset')!r}, expected {dataset!r}")
    if not isinstance(card.get("config"), dict):
        problems.append("config is missing")
    if problems:
        raise WeightsError(
            f"{c_path} is not the card of a {dataset} {kind} model ({'; '.join(problems)}): "
            f"{_train_hint(dataset, kind)}"
        )
    return card


def load(dataset: str, kind: str, device: str | torch.device = "cpu", weights_dir=None):
    """Build the model from its card and load its weights, validating everything (shapes, finite
    values). Returns (model in eval mode on `device`, card)."""
    if kind not in KINDS:
        raise ValueError(f"unknown model kind {kind!r}: use one of {', '.join(KINDS)}")
    w_path, c_path = paths(dataset, kind, weights_dir)
    if not w_path.exists():
        raise WeightsError(f"{w_path} is missing: {_train_hint(dataset, kind)}")
    card = read_card(dataset, kind, weights_dir)
    try:
        cfg = nets.CONFIGS[kind].from_dict(card["config"])
        model = nets.build(kind, cfg)
    except Exception as e:  # any config the constructors cannot build (zero groups, no levels, ...)
        raise WeightsError(
            f"{c_path}: its config does not describe a {kind} network ({e}): {_train_hint(dataset, kind)}"
        ) from None
    try:
        tensors = load_file(str(w_path))
    except (SafetensorError, OSError, ValueError, RuntimeError) as e:
        raise WeightsError(
            f"{w_path} is not a readable safetensors file ({e}); it may be truncated or a "
            f"git-lfs pointer: {_train_hint(dataset, kind)}"
        ) from None
    expected = model.state_dict()
    missing = [k for k in expected if k not in tensors]
    wrong = [
        f"{k} {tuple(tensors[k].shape)} != {tuple(v.shape)}"
        for k, v in expected.items()
        if k in tensors and tensors[k].shape != v.shape
    ]
    if missing or wrong:
        detail = "; ".join(
            ([f"missing {len(missing)} tensors, e.g. {missing[0]}"] if missing else [])
            + ([f"wrong shapes: {', '.join(wrong[:3])}"] if wrong else [])
        )
        raise WeightsError(
            f"{w_path} does not match the architecture in {c_path.name} ({detail}): {_train_hint(dataset, kind)}"
        )
    bad = [k for k in expected if tensors[k].is_floating_point() and not bool(torch.isfinite(tensors[k]).all())]
    if bad:
        raise WeightsError(
            f"{w_path} holds NaN or infinite values ({len(bad)} tensors, e.g. {bad[0]}): the training "
            f"that wrote it diverged; {_train_hint(dataset, kind)}"
        )
    model.load_state_dict({k: tensors[k].float() if tensors[k].is_floating_point() else tensors[k] for k in expected})
    model.to(device).eval()
    return model, card


def fingerprint(net) -> str:
    """A short hash of a network's weights: a saved sample set names the weights that drew it."""
    import hashlib

    h = hashlib.sha256()
    for k, v in sorted(net.state_dict().items()):
        h.update(k.encode())
        h.update(v.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()[:16]


def store_loss_curves(dataset: str, result: dict, weights_dir=None) -> Path:
    """Put the AR model's measured per-step loss curves (engine.tools.loss_curve) into its card,
    `eval.loss_curve`, written atomically."""
    from engine.networks.files import write_text_atomic

    _, c_path = paths(dataset, "autoregressive", weights_dir)
    card = read_card(dataset, "autoregressive", weights_dir)
    card.setdefault("eval", {})["loss_curve"] = result
    return write_text_atomic(c_path, json.dumps(card, indent=2) + "\n")


def loss_curves(card: dict) -> dict:
    """{order: (PIXELS,) float array} from a card's `eval.loss_curve` ({} when none was measured);
    a malformed entry is a WeightsError naming the fix."""
    import numpy as np

    entry = card.get("eval", {}).get("loss_curve")
    if entry is None:
        return {}
    try:
        curves = {o: np.asarray(c, np.float64) for o, c in entry["curves"].items()}
    except (KeyError, TypeError, AttributeError, ValueError) as e:
        raise WeightsError(
            f"the card's eval.loss_curve is malformed ({e}): re-measure it with "
            f"`python -m engine.tools.loss_curve --dataset {card.get('dataset')} --write-card`"
        ) from None
    bad = [o for o, c in curves.items() if c.shape != (784,) or not np.all(np.isfinite(c)) or np.any(c < 0)]
    if bad:
        raise WeightsError(
            f"the card's eval.loss_curve for {', '.join(bad)} is not 784 finite non-negative numbers: "
            f"re-measure it with `python -m engine.tools.loss_curve --dataset {card.get('dataset')} --write-card`"
        )
    return curves
