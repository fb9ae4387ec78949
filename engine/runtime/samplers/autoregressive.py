"""The autoregressive sampler: fix k pixels a step, each sampled from the network's predicted
256-level distribution, in a chosen order, with one `Frame` per network evaluation step.

x̂0 at every step is the known pixels plus the expected value of each unknown pixel's
distribution (the mean of what the image could still become); `uncertainty` is each pixel's
predictive standard deviation.
"""
from __future__ import annotations

import math
import time

import numpy as np
import torch

from engine.maths import orders
from engine.runtime.frames import AUTOREGRESSIVE, Frame, GuidanceParts, NewPixels
from engine.maths.guidance import ar_logits_parts, label_tensor, labels_array
from engine.maths.pixels import PIXELS, SIDE
from engine.runtime.settings import ARRunSettings

D = orders.D
LEVELS = torch.arange(256, dtype=torch.float32) / 255.0


def _batch_mask(known, values, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(n, 784) bool known mask and (n, 784) int64 grey levels from optional (28,28)/(n,28,28) inputs."""
    if known is None:
        return np.zeros((n, D), bool), np.zeros((n, D), np.int64)
    k = np.broadcast_to(np.asarray(known, bool).reshape(-1, D), (n, D)).copy()
    if values is None:
        raise ValueError("known pixels need values")
    v = np.broadcast_to(np.asarray(values, np.float32).reshape(-1, D), (n, D))
    levels = np.clip(np.round(v * 255), 0, 255).astype(np.int64)
    return k, np.where(k, levels, 0)


def _spread(values: torch.Tensor, cols: torch.Tensor, n: int, dev, fill: float = 0.0) -> torch.Tensor:
    """(n, U) values of the predicted pixels `cols` -> (n, 784), `fill` elsewhere."""
    out = torch.full((n, D), fill, dtype=values.dtype, device=dev)
    out[:, cols] = values
    return out


def validate(order: str, pixels_per_step: int, temperature: float, guidance: float) -> None:
    if order not in orders.ORDERS:
        raise ValueError(f"unknown order {order!r}: use one of {', '.join(orders.ORDERS)}")
    if not 1 <= int(pixels_per_step) <= D:
        raise ValueError(f"pixels per step must be 1..{D}, got {pixels_per_step}")
    if order == "patches":
        orders.patch_side(pixels_per_step)
    if not (temperature > 0 and math.isfinite(temperature)):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature}")
    if not (guidance >= 0 and math.isfinite(guidance)):
        raise ValueError(f"guidance must be a finite number >= 0, got {guidance}")


@torch.inference_mode()
def sample_autoregressive(net, *, n: int = 1, labels=None, order: str = "raster", pixels_per_step: int = 1,
                          temperature: float = 1.0, greedy: bool = False, guidance: float = 1.0, seed: int = 0,
                          known=None, values=None, order_seed: int | None = None, guidance_parts: bool = True,
                          x0: bool = True, plan=None):
    """Yield one Frame per network step until every pixel is fixed.

    `known` ((28, 28) or (n, 28, 28) bool) and `values` (same shape, in [0, 1]) fix pixels from
    the start (completion / inpainting): they never change and the order skips them (pixels known
    in every sample are removed from the order before it is cut into steps; a `patches` step is
    what is left of its block). `order_seed` (default `seed`) draws the random orders, so a
    continuation can follow the order of the run it continues while sampling afresh.
    `guidance_parts=False` skips the with/without-prompt images of guided frames (two extra softmaxes
    over every pixel's 256 levels a step) where nobody looks at them: batch sampling, continuations.
    `x0=False` (batch sampling that only keeps the final images) predicts only the pixels fixed
    each step (not in `confidence` order, which ranks every unknown pixel): the frames' x0_mean is
    then just the known pixels and `uncertainty` is None. Same samples, far less work per step
    for a mixture head (its 256 levels for every unknown pixel, 784 a step at first).

    `plan` (planned parallel decoding, engine.maths.planning): the number of pixels each step
    fixes, summing to the pixels left unknown in every sample; it replaces the uniform k a step
    (the order still says which pixels come next; `patches` keeps its k-pixel blocks as the order
    and is cut by the plan)."""
    validate(order, pixels_per_step, temperature, guidance)
    if int(n) < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    k = int(pixels_per_step)
    dev = next(net.parameters()).device
    rng = np.random.default_rng(seed if order_seed is None else order_seed)
    gen = torch.Generator().manual_seed(seed)
    lab = label_tensor(labels, n, dev)
    known_np, levels_np = _batch_mask(known, values, n)
    levels = torch.from_numpy(levels_np)                      # (n, 784) sampled grey levels, on CPU
    kn = torch.from_numpy(known_np)                           # (n, 784) fixed so far
    plan = None if plan is None else [int(s) for s in plan]
    if plan is not None:
        left = int((~kn).sum(1).max()) if order == "confidence" else int((~known_np.all(0)).sum())
        if sum(plan) != left or min(plan, default=1) < 1:
            raise ValueError(f"a plan must fix each of the {left} unknown pixels once, in steps of at least one "
                             f"pixel; its {len(plan)} steps fix {sum(plan)}")
    if order == "confidence":
        groups = None
        total = len(plan) if plan is not None else (math.ceil(int((~kn).sum(1).max()) / k) if n else 0)
    else:
        perm = orders.make_order(order, rng, k)
        everywhere = known_np.all(0)                          # known in every sample: skipped
        if plan is not None:                                  # the order, cut where the plan says
            groups = np.split(perm[~everywhere[perm]], np.cumsum(plan)[:-1])
        elif order == "patches":
            groups = [g[~everywhere[g]] for g in orders.step_groups(perm, k, order)]
            groups = [g for g in groups if len(g)]
        else:
            groups = orders.step_groups(perm[~everywhere[perm]], k, order)
        total = len(groups)
    lv = LEVELS.to(dev)
    nfe, t0 = 0, time.perf_counter()
    settings = ARRunSettings(order=order, pixels_per_step=k, temperature=float(temperature), greedy=bool(greedy),
                             guidance=float(guidance), seed=int(seed),
                             order_seed=int(seed if order_seed is None else order_seed),
                             plan=None if plan is None else tuple(plan))
    for step in range(total):
        x01 = (levels.float() / 255).to(dev)
        everyone = x0 or groups is None
        cols = (~kn).any(0).nonzero().squeeze(1) if everyone else torch.as_tensor(groups[step])
        inv = torch.full((D,), 0, dtype=torch.long)  # predicted: the pixels still unknown (x0: all; else this step's)
        inv[cols] = torch.arange(len(cols))
        cols_dev = cols.to(dev)
        logits, used, cond, uncond = ar_logits_parts(net, x01.view(n, SIDE, SIDE), kn.to(dev).view(n, SIDE, SIDE), lab,
                                                     guidance, pixels=cols_dev)
        nfe += used
        probs = torch.softmax(logits.float() / temperature, dim=-1)           # (n, U, 256)
        if x0:
            mean = _spread((probs @ lv), cols_dev, n, dev)                    # expected value per pixel
            std = _spread((probs @ (lv * lv) - (probs @ lv) ** 2).clamp(min=0).sqrt(), cols_dev, n, dev)
        else:
            mean = std = torch.zeros((n, D), device=dev)
        unknown = ~kn.to(dev)
        if groups is None:  # most certain unknown pixels first (lowest entropy)
            ent = _spread(-(probs * probs.clamp(min=1e-12).log()).sum(-1), cols_dev, n, dev, fill=float("inf"))
            ent = torch.where(unknown, ent, torch.full_like(ent, float("inf")))
            take = min(k if plan is None else plan[step], int(unknown.sum(1).max()))
            idx = ent.topk(take, dim=1, largest=False).indices.cpu()          # (n, take)
            idx_valid = torch.gather(unknown.cpu(), 1, idx)
        else:
            idx = torch.as_tensor(groups[step]).expand(n, -1).contiguous()
            idx_valid = ~torch.gather(kn, 1, idx)
        p = torch.gather(probs, 1, inv[idx].to(dev)[..., None].expand(-1, -1, 256)).cpu()  # (n, k, 256)
        if greedy:
            v = p.argmax(-1)
        else:
            v = torch.multinomial(p.reshape(-1, 256), 1, generator=gen).view(p.shape[:2])
        v = torch.where(idx_valid, v, torch.gather(levels, 1, idx))          # known pixels stay
        levels.scatter_(1, idx, v)
        kn.scatter_(1, idx, True)
        kn_dev = kn.to(dev)
        state = (levels.float() / 255) * kn
        x0_img = torch.where(kn_dev, state.to(dev), mean)
        unc = torch.where(kn_dev, torch.zeros_like(std), std) if x0 else None
        parts = None
        if cond is not None and guidance_parts and x0:  # guided: the expected image with and without the prompt
            before = torch.where(unknown, torch.zeros_like(mean), x01.view(n, PIXELS))
            parts = GuidanceParts(*[torch.where(unknown, _spread(torch.softmax(lg.float() / temperature, -1) @ lv,
                                                                 cols_dev, n, dev), before)
                                    .view(n, SIDE, SIDE).cpu().numpy().astype(np.float32) for lg in (cond, uncond)],
                                  guidance=float(guidance))
        yield Frame(method=AUTOREGRESSIVE, step=step, total_steps=total, nfe=nfe,
                    state=state.view(n, SIDE, SIDE).numpy().astype(np.float32),
                    x0_mean=x0_img.view(n, SIDE, SIDE).cpu().numpy().astype(np.float32),
                    known=kn.view(n, SIDE, SIDE).numpy().copy(),
                    new_pixels=NewPixels(idx.numpy().astype(np.int64), p.numpy().astype(np.float32),
                                         v.numpy().astype(np.int64)),
                    uncertainty=None if unc is None else unc.view(n, SIDE, SIDE).cpu().numpy().astype(np.float32),
                    elapsed_s=time.perf_counter() - t0, labels=labels_array(lab), settings=settings,
                    guidance_parts=parts)
