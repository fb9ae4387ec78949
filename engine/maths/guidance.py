"""Classifier-free guidance: pred = uncond + w · (cond − uncond).

w = 1 is the plain conditional model, w = 0 the unconditional one; w > 1 amplifies the
difference the prompt makes. Where only one of the two is needed (w = 0, w = 1, or no label)
the network runs once; otherwise cond and uncond run as one batch of twice the size, which
counts as 2 network evaluations (NFE) per image.
"""

from __future__ import annotations

import numpy as np
import torch

from engine.maths.pixels import NULL_LABEL


def label_tensor(labels, n: int, device) -> torch.Tensor:
    """None -> all "no label"; int -> the same for all n; sequence -> per sample (-1 = none).
    Returns (n,) long with NULL_LABEL for "no label"."""
    if labels is None:
        arr = np.full(n, -1)
    elif np.isscalar(labels):
        arr = np.full(n, int(labels))
    else:
        arr = np.asarray(labels, dtype=np.int64).reshape(-1)
        if len(arr) != n:
            raise ValueError(f"got {len(arr)} labels for {n} samples")
    if np.any((arr < -1) | (arr > 9)):
        raise ValueError("labels must be 0..9 or -1 (no label)")
    return torch.as_tensor(np.where(arr < 0, NULL_LABEL, arr), dtype=torch.long, device=device)


def labels_array(labels_t: torch.Tensor) -> np.ndarray:
    """(n,) numpy int64 with -1 for "no label", for Frames."""
    a = labels_t.cpu().numpy().astype(np.int64)
    return np.where(a == NULL_LABEL, -1, a)


def _as_label_tensor(labels, n: int, device) -> torch.Tensor:
    """Accept a ready label tensor (NULL_LABEL or -1 for "no label") or anything `label_tensor` takes."""
    if isinstance(labels, torch.Tensor):
        labels = labels.to(device=device, dtype=torch.long).reshape(-1)
        if labels.numel() == 1 and n != 1:
            labels = labels.expand(n)
        return torch.where(labels < 0, torch.full_like(labels, NULL_LABEL), labels)
    return label_tensor(labels, n, device)


def guided_parts(fn, labels_t, guidance: float, *inputs: torch.Tensor):
    """Run `fn(*inputs, labels)` with classifier-free guidance.

    Returns (output, NFE per image, cond, uncond): `cond` and `uncond` are the two runs that
    were combined (None when only one run was needed)."""
    w = float(guidance)
    labels_t = _as_label_tensor(labels_t, len(inputs[0]), inputs[0].device)
    has_label = labels_t != NULL_LABEL
    if w == 0.0 or not bool(has_label.any()):
        return fn(*inputs, torch.full_like(labels_t, NULL_LABEL)), 1, None, None
    if w == 1.0:
        return fn(*inputs, labels_t), 1, None, None
    both = fn(*[torch.cat([x, x]) for x in inputs], torch.cat([labels_t, torch.full_like(labels_t, NULL_LABEL)]))
    cond, uncond = both.chunk(2)
    out = uncond + w * (cond - uncond)
    # A sample without a label gets its plain unconditional prediction.
    mask = has_label.view(-1, *([1] * (out.ndim - 1)))
    return torch.where(mask, out, uncond), 2, cond, uncond


def guided(fn, labels_t, guidance: float, *inputs: torch.Tensor) -> tuple[torch.Tensor, int]:
    """Run `fn(*inputs, labels)` with classifier-free guidance. Returns (output, NFE per image)."""
    out, nfe, _, _ = guided_parts(fn, labels_t, guidance, *inputs)
    return out, nfe


def ar_logits(net, x01: torch.Tensor, known: torch.Tensor, labels_t, guidance: float):
    """Guided logits (N, 784, 256) of the AR net; guidance acts on the logits.

    `labels_t`: a (N,) tensor (NULL_LABEL or -1 = no label), or None / int / sequence with -1."""
    return guided(lambda x, k, lab: net(x, k, lab), labels_t, guidance, x01, known)


def ar_logits_parts(net, x01: torch.Tensor, known: torch.Tensor, labels_t, guidance: float, pixels=None):
    """As `ar_logits`, plus the cond and uncond logits (None when only one run was needed);
    `pixels` (indices into the 784): the logits of those pixels only, (N, len(pixels), 256)."""
    if pixels is None:
        return guided_parts(lambda x, k, lab: net(x, k, lab), labels_t, guidance, x01, known)
    return guided_parts(lambda x, k, lab: net(x, k, lab, pixels=pixels), labels_t, guidance, x01, known)


def diffusion_output(net, x_t: torch.Tensor, t: torch.Tensor, labels_t, guidance: float):
    """Guided output of the diffusion net (ε, v or x0, as `net.prediction` says; labels as in
    `ar_logits`). Returns (output, NFE per image, cond, uncond) as `guided_parts`."""
    return guided_parts(lambda x, tt, lab: net(x, tt, lab), labels_t, guidance, x_t, t)
