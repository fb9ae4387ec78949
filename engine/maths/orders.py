"""Generation orders of the autoregressive sampler: permutations of the 784 pixel indices, and
how a permutation is cut into steps of k pixels.

`raster`, `random`, `spiral`, `center-out` and `patches` are fixed before the run; `confidence`
(most certain pixel first) is decided step by step by the sampler, from the network's output.
"""

from __future__ import annotations

import math

import numpy as np

from engine.maths.pixels import SIDE

H = W = SIDE
D = H * W
ORDERS = ("raster", "random", "spiral", "center-out", "confidence", "patches")
STATIC_ORDERS = tuple(o for o in ORDERS if o != "confidence")


def raster() -> np.ndarray:
    return np.arange(D)


def random_order(rng: np.random.Generator) -> np.ndarray:
    return rng.permutation(D)


def spiral() -> np.ndarray:
    """Clockwise from the top-left corner inwards."""
    top, left, bottom, right = 0, 0, H - 1, W - 1
    out = []
    while top <= bottom and left <= right:
        out += [top * W + c for c in range(left, right + 1)]
        out += [r * W + right for r in range(top + 1, bottom + 1)]
        if top < bottom:
            out += [bottom * W + c for c in range(right - 1, left - 1, -1)]
        if left < right:
            out += [r * W + left for r in range(bottom - 1, top, -1)]
        top, left, bottom, right = top + 1, left + 1, bottom - 1, right - 1
    return np.array(out)


def center_out() -> np.ndarray:
    """By distance from the image centre, ties broken by angle (a growing disc)."""
    r, c = np.divmod(np.arange(D), W)
    dy, dx = r - (H - 1) / 2, c - (W - 1) / 2
    return np.lexsort((np.arctan2(dy, dx), np.round(dy * dy + dx * dx, 6)))


def patch_side(pixels_per_step: int) -> int:
    side = math.isqrt(pixels_per_step)
    if side * side != pixels_per_step:
        raise ValueError(f"patches need a square number of pixels per step (1, 4, 16, 64...), got {pixels_per_step}")
    return side


def patches(pixels_per_step: int, rng: np.random.Generator | None = None) -> np.ndarray:
    """Contiguous side x side blocks (edge blocks are cut by the border), blocks in raster order
    or, with `rng`, in random order. Each block occupies consecutive positions in the order."""
    side = patch_side(pixels_per_step)
    blocks = []
    for br in range(0, H, side):
        for bc in range(0, W, side):
            blocks.append([r * W + c for r in range(br, min(br + side, H)) for c in range(bc, min(bc + side, W))])
    if rng is not None:
        blocks = [blocks[i] for i in rng.permutation(len(blocks))]
    return np.array([i for b in blocks for i in b])


def make_order(name: str, rng: np.random.Generator, pixels_per_step: int = 1) -> np.ndarray:
    """The permutation for a static order."""
    if name == "raster":
        return raster()
    if name == "random":
        return random_order(rng)
    if name == "spiral":
        return spiral()
    if name == "center-out":
        return center_out()
    if name == "patches":
        return patches(pixels_per_step, rng)
    raise ValueError(f"unknown order {name!r}: use one of {', '.join(ORDERS)}")


def step_groups(order: np.ndarray, pixels_per_step: int, name: str = "") -> list[np.ndarray]:
    """Cut an order into steps. For `patches` a step is one whole block (edge blocks are
    smaller); otherwise consecutive runs of `pixels_per_step`."""
    if pixels_per_step < 1:
        raise ValueError("pixels_per_step must be >= 1")
    if name == "patches":
        side = patch_side(pixels_per_step)
        r, c = np.divmod(order, W)
        block = (r // side) * 1000 + (c // side)
        cuts = np.flatnonzero(np.diff(block)) + 1
        return np.split(order, cuts)
    return [order[i : i + pixels_per_step] for i in range(0, len(order), pixels_per_step)]


def num_steps(name: str, pixels_per_step: int) -> int:
    if name == "patches":
        side = patch_side(pixels_per_step)
        return math.ceil(H / side) * math.ceil(W / side)
    return math.ceil(D / pixels_per_step)


RASTER_SHARE = 0.2  # the share of training masks cut from the raster order (engine.tools.train --raster-share)


def training_masks(n: int, rng: np.random.Generator, raster_share: float = RASTER_SHARE) -> np.ndarray:
    """(n, 784) bool masks of known pixels for training the order-agnostic model: a uniformly
    random number of known pixels, taken as a prefix of the raster order (`raster_share` of the
    masks), else of a random order (5/8 of the rest) or of another structured order (spiral,
    center-out, random patches: 1/8 each), so every order the sampler offers is seen in training.
    With the default share that is random 50 %, raster 20 %, spiral, center-out, patches 10 % each."""
    if not 0.0 <= raster_share <= 1.0:
        raise ValueError(f"raster_share must lie in [0, 1], got {raster_share}")
    masks = np.zeros((n, D), dtype=bool)
    rest = 1.0 - raster_share
    cuts = np.cumsum([rest * 5 / 8, raster_share, rest / 8, rest / 8])  # the default gives the
    for i in range(n):  # masks of earlier runs
        u = rng.random()
        if u < cuts[0]:
            order = rng.permutation(D)
        elif u < cuts[1]:
            order = raster()
        elif u < cuts[2]:
            order = spiral()
        elif u < cuts[3]:
            order = center_out()
        else:
            order = patches(int(rng.choice([4, 16])), rng)
        t = rng.integers(0, D)
        masks[i, order[:t]] = True
    return masks
