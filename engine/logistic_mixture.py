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
HALF_BIN = 1.0 / (LEVELS - 1)   # half a bin's width in [-1, 1] units
MIN_LOG_SCALE = -7.0


def split(params: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(..., 3K) -> log mixture weights, means, log-scales, each (..., K)."""
    logits, means, log_scales = params.float().chunk(3, dim=-1)
    return torch.log_softmax(logits, -1), means, log_scales.clamp(min=MIN_LOG_SCALE)


def target_log_prob(params: torch.Tensor, levels: torch.Tensor) -> torch.Tensor:
    """log p(level) for one level per pixel: params (..., 3K), levels (...) int in 0..255 -> (...).
    The training loss: cheap (K values a pixel, not 256K)."""
    log_w, means, log_scales = split(params)
    lv = levels[..., None]
    centred = lv.float() * (2 * HALF_BIN) - 1 - means
    inv_s = torch.exp(-log_scales)
    plus_in = inv_s * (centred + HALF_BIN)
    min_in = inv_s * (centred - HALF_BIN)
    log_cdf_plus = plus_in - F.softplus(plus_in)          # log sigmoid: the black bin's whole left tail
    log_sf_min = -F.softplus(min_in)                        # log (1 - sigmoid): the white bin's right tail
    delta = torch.sigmoid(plus_in) - torch.sigmoid(min_in)
    mid_in = inv_s * centred                                # tiny bins: density at the centre times width
    log_pdf_mid = mid_in - log_scales - 2 * F.softplus(mid_in) + math.log(2 * HALF_BIN)
    mid = torch.where(delta > 1e-5, torch.log(delta.clamp(min=1e-12)), log_pdf_mid)
    comp = torch.where(lv == 0, log_cdf_plus, torch.where(lv == LEVELS - 1, log_sf_min, mid))
    return torch.logsumexp(log_w + comp, dim=-1)


def all_log_probs(params: torch.Tensor) -> torch.Tensor:
    """log p of every level: params (..., 3K) -> (..., 256), normalised exactly (bins telescope).

    Each component's CDF is taken at the 255 inner bin edges; the difference of neighbours is a
    bin's mass, computed from the survival side above the mean so float32 keeps the upper tail."""
    log_w, means, log_scales = split(params)
    edges = torch.arange(0, LEVELS - 1, device=params.device, dtype=torch.float32) * (2 * HALF_BIN) - 1 + HALF_BIN
    z = (edges - means[..., None]) * torch.exp(-log_scales)[..., None]          # (..., K, 255)
    ones = torch.ones_like(z[..., :1])
    cdf = torch.cat([torch.zeros_like(ones), torch.sigmoid(z), ones], -1)       # (..., K, 257)
    sf = torch.cat([ones, torch.sigmoid(-z), torch.zeros_like(ones)], -1)
    lower_z = torch.cat([torch.full_like(ones, -math.inf), z], -1)              # each bin's lower edge
    mass = torch.where(lower_z > 0, sf[..., :-1] - sf[..., 1:], cdf[..., 1:] - cdf[..., :-1])
    probs = (log_w.exp()[..., None] * mass).sum(-2)
    return probs.clamp(min=1e-12).log()


def output_channels(mixtures: int) -> int:
    return 3 * int(mixtures)
