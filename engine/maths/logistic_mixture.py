"""A discretized logistic mixture over the 256 grey levels (PixelCNN++, Salimans et al. 2017), one channel.

Why: a 256-way softmax learns each level's probability on its own, so a small net trained on a
CPU gives a jagged comb where the data's distribution is smooth (neighbouring grey levels get
unrelated probabilities). A mixture of K logistics, each binned into the 256 levels, is smooth by
construction, needs 3K outputs instead of 256, and still puts a spike on pure black or pure white:
the first and last bins take the logistic's whole tail (-inf, 0.5/255] and [254.5/255, +inf).

Parameters per pixel, last axis: K mixture logits, K means, K log-scales (means in [-1, 1] units).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

LEVELS = 256
HALF_BIN = 1.0 / (LEVELS - 1)  # half a bin's width in [-1, 1] units
MIN_LOG_SCALE = -7.0


def split(params: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(..., 3K) -> log mixture weights, means, log-scales, each (..., K)."""
    logits, means, log_scales = params.float().chunk(3, dim=-1)
    return torch.log_softmax(logits, -1), means, log_scales.clamp(min=MIN_LOG_SCALE)


def target_log_prob(params: torch.Tensor, levels: torch.Tensor) -> torch.Tensor:
    """log p(level) for one level per pixel: params (..., 3K), levels (...) int in 0..255 -> (...).
    The training loss: cheap (K values a pixel, not 256K)."""
    with torch.autocast(device_type=params.device.type, enabled=False):  # float32 even under bf16 autocast
        return _target_log_prob(params, levels)


def _target_log_prob(params: torch.Tensor, levels: torch.Tensor) -> torch.Tensor:
    log_w, means, log_scales = split(params)
    lv = levels[..., None]
    centred = lv.float() * (2 * HALF_BIN) - 1 - means
    inv_s = torch.exp(-log_scales)
    plus_in = inv_s * (centred + HALF_BIN)
    min_in = inv_s * (centred - HALF_BIN)
    log_cdf_plus = plus_in - F.softplus(plus_in)  # log sigmoid: the black bin's whole left tail
    log_sf_min = -F.softplus(min_in)  # log (1 - sigmoid): the white bin's right tail
    delta = torch.sigmoid(plus_in) - torch.sigmoid(min_in)
    mid_in = inv_s * centred  # tiny bins: density at the centre times width
    log_pdf_mid = mid_in - log_scales - 2 * F.softplus(mid_in) + math.log(2 * HALF_BIN)
    mid = torch.where(delta > 1e-5, torch.log(delta.clamp(min=1e-12)), log_pdf_mid)
    comp = torch.where(lv == 0, log_cdf_plus, torch.where(lv == LEVELS - 1, log_sf_min, mid))
    return torch.logsumexp(log_w + comp, dim=-1)


def all_log_probs(params: torch.Tensor) -> torch.Tensor:
    """log p of every level: params (..., 3K) -> (..., 256), normalised exactly (bins telescope).

    The mixture's CDF at the 255 inner bin edges (summed over the K components at once: the
    sampler calls this for every pixel of a batch each step) gives each bin's mass as the
    difference of neighbours; above the median the survival function is used instead, so float32
    keeps the upper tail as well as the lower one."""
    with torch.autocast(device_type=params.device.type, enabled=False):  # float32 even under bf16 autocast
        return _all_log_probs(params)


def _all_log_probs(params: torch.Tensor) -> torch.Tensor:
    log_w, means, log_scales = split(params)
    edges = torch.arange(0, LEVELS - 1, device=params.device, dtype=torch.float32) * (2 * HALF_BIN) - 1 + HALF_BIN
    z = (edges - means[..., None]) * torch.exp(-log_scales)[..., None]  # (..., K, 255)
    w = log_w.exp().unsqueeze(-2)  # (..., 1, K)
    cdf = (w @ torch.sigmoid(z)).squeeze(-2)  # (..., 255)
    sf = (w @ torch.sigmoid(z.neg_())).squeeze(-2)
    zero, one = torch.zeros_like(cdf[..., :1]), torch.ones_like(cdf[..., :1])
    cdf, sf = torch.cat([zero, cdf, one], -1), torch.cat([one, sf, zero], -1)  # (..., 257)
    mass = torch.where(cdf[..., :-1] > 0.5, sf[..., :-1] - sf[..., 1:], cdf[..., 1:] - cdf[..., :-1])
    return mass.clamp(min=1e-12).log()


def output_channels(mixtures: int) -> int:
    return 3 * int(mixtures)
