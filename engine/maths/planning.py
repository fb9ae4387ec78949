"""Planned parallel decoding for an order-agnostic AR model (ARDM, Hoogeboom et al. 2022, §3.2).

The model's per-step loss curve `curve[t]` is the expected negative log-likelihood (nats) of one
unknown pixel when t of the D pixels are known. Decoding the pixels t .. t'-1 all at once, each
from what is known at t, costs (t' - t) * curve[t] in the likelihood bound (in expectation over
random orders, exactly). A dynamic program picks the N step sizes whose summed cost is least:

    best[n][b] = min_{a < b}  best[n-1][a] + (b - a) * curve[a],     best[0][start] = 0,

and the plan is read back from the argmins. N = D - start gives one pixel a step (the exact AR
model); smaller N spends the budget where the curve says it matters: where a pixel is still hard
to predict (few known), few pixels a step; where the rest is nearly determined, many.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np


def check_steps(steps, unknown: int) -> int:
    """`steps` as an int in 1..unknown, or a ValueError that says the allowed range."""
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)):
        try:
            as_float = float(steps)
        except (TypeError, ValueError):
            raise ValueError(f"planned steps must be a whole number 1..{unknown}, got {steps!r}") from None
        if not as_float.is_integer():
            raise ValueError(f"planned steps must be a whole number 1..{unknown}, got {steps!r}")
        steps = int(as_float)
    if not 1 <= int(steps) <= unknown:
        raise ValueError(f"planned steps must be 1..{unknown} (one pixel a step at most), got {steps}")
    return int(steps)


def plan(curve, steps, start: int = 0) -> tuple[int, ...]:
    """The N = `steps` step sizes (pixels decoded per step, summing to D - start) that minimise
    the bound for the loss curve `curve` (D numbers), starting with `start` pixels known."""
    curve = np.asarray(curve, np.float64)
    d = len(curve)
    if not 0 <= start < d:
        raise ValueError(f"start must be 0..{d - 1} known pixels, got {start}")
    steps = check_steps(steps, d - start)
    return _plan(tuple(np.round(curve, 12)), steps, int(start))


@lru_cache(maxsize=64)
def _plan(curve: tuple, steps: int, start: int) -> tuple[int, ...]:
    c = np.asarray(curve)[start:]
    u = len(c)
    if steps == u:
        return (1,) * u
    a = np.arange(u + 1)
    # cost[a, b] = (b - a) * c[a] for a < b (a known -> b known in one step), inf otherwise
    with np.errstate(invalid="ignore"):
        cost = np.where(a[None, :] > a[:, None], (a[None, :] - a[:, None]) * np.append(c, 0.0)[:, None], np.inf)
    best = np.full(u + 1, np.inf)
    best[0] = 0.0
    back = np.empty((steps, u + 1), np.int32)
    for n in range(steps):
        cand = best[:, None] + cost
        back[n] = cand.argmin(0)
        best = cand[back[n], a]
    sizes, b = [], u
    for n in range(steps - 1, -1, -1):
        prev = int(back[n, b])
        sizes.append(b - prev)
        b = prev
    return tuple(reversed(sizes))


def uniform(pixels_per_step: int, unknown: int) -> tuple[int, ...]:
    """Today's schedule: k pixels a step, the last step what is left."""
    k = int(pixels_per_step)
    return (k,) * (unknown // k) + ((unknown % k,) if unknown % k else ())


def bound_bits_per_dim(curve, sizes, start: int = 0) -> float:
    """The likelihood bound of decoding with step `sizes`, in bits per pixel of the D pixels:
    sum over steps of (pixels in the step) * curve[known at its start] / (D ln 2)."""
    curve = np.asarray(curve, np.float64)
    if sum(sizes) != len(curve) - start:
        raise ValueError(f"a plan must decode all {len(curve) - start} unknown pixels, its steps sum to {sum(sizes)}")
    starts = start + np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(int)
    return float((np.asarray(sizes) * curve[starts]).sum() / (len(curve) * math.log(2)))
