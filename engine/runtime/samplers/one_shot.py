"""Predict the whole image at once, from nothing: the AR network with no pixel known.

`mean` shows the expected value of every pixel's distribution — the blurry mess, because the
best single guess under squared error is the average of all images the model thinks possible.
`independent` samples every pixel from its own distribution at once — speckle, because the
pixels do not agree with each other. One network evaluation either way.
"""

from __future__ import annotations

import time

import numpy as np
import torch

from engine.maths.guidance import ar_logits, label_tensor, labels_array
from engine.maths.pixels import PIXELS, SIDE
from engine.runtime.frames import ONE_SHOT, Frame
from engine.runtime.settings import OneShotRunSettings

MODES = ("mean", "independent")


@torch.inference_mode()
def sample_one_shot(
    net, *, n: int = 1, labels=None, guidance: float = 1.0, seed: int = 0, mode: str = "mean", temperature: float = 1.0
):
    if mode not in MODES:
        raise ValueError(f"unknown one-shot mode {mode!r}: use mean or independent")
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    dev = next(net.parameters()).device
    gen = torch.Generator().manual_seed(seed)
    lab = label_tensor(labels, n, dev)
    t0 = time.perf_counter()
    nothing = torch.zeros((n, SIDE, SIDE), device=dev)
    logits, nfe = ar_logits(net, nothing, nothing.bool(), lab, guidance)
    probs = torch.softmax(logits.float() / temperature, -1)
    lv = torch.arange(256, device=dev, dtype=torch.float32) / 255
    mean = probs @ lv
    std = (probs @ (lv * lv) - mean * mean).clamp(min=0).sqrt()
    if mode == "mean":
        image = mean
    else:
        image = torch.multinomial(probs.reshape(-1, 256).cpu(), 1, generator=gen).view(n, PIXELS).float().to(dev) / 255
    yield Frame(
        method=ONE_SHOT,
        step=0,
        total_steps=1,
        nfe=nfe,
        state=image.view(n, SIDE, SIDE).cpu().numpy().astype(np.float32),
        x0_mean=mean.view(n, SIDE, SIDE).cpu().numpy().astype(np.float32),
        uncertainty=std.view(n, SIDE, SIDE).cpu().numpy().astype(np.float32),
        known=np.ones((n, SIDE, SIDE), bool),
        elapsed_s=time.perf_counter() - t0,
        labels=labels_array(lab),
        settings=OneShotRunSettings(
            mode=mode, guidance=float(guidance), seed=int(seed), temperature=float(temperature)
        ),
    )
