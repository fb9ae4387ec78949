"""Wider or deeper? AR networks trained from scratch for the same wall time, then scored.

    python -m benchmarks.architecture_race [--dataset mnist] [--minutes 6] [--threads 1]

Each contender is the shipped AR network (logistic-mixture head) with one change: `base` (the
width at full resolution) or `blocks` (ResBlocks per level each way). Each trains with
engine.tools.train's loss and schedule (AdamW, lr 1e-3 after 200 warm-up steps, batch 64, gradient
clipping) for `--minutes` of wall time on the real training images, then its raw weights (no EMA:
a short run's EMA lags) are scored on held-out images with the order-agnostic bits/dim bound, the
same masks for every contender. It answers "what buys the most per CPU-minute", not "which net is
best when trained to the end".
"""

from __future__ import annotations

import argparse
import time
from types import SimpleNamespace

import numpy as np
import torch

from engine.networks import nets
from engine.networks.data import load_split
from engine.tools.evaluate import ar_bits_per_dim
from engine.tools.train import ar_loss, learning_rate

CONTENDERS = {  # name: changes to the shipped AR config
    "shipped (base 32, 1 block)": {},
    "wider (base 48)": {"base": 48},
    "deeper (2 blocks a level)": {"blocks": 2},
}


def race_one(changes: dict, x: torch.Tensor, y: torch.Tensor, seconds: float, batch: int, seed: int):
    """Train one contender for `seconds`; returns (net, parameters, steps, examples per second)."""
    torch.manual_seed(seed)
    cfg = nets.default_config("autoregressive")
    for k, v in changes.items():
        setattr(cfg, k, v)
    net = nets.build("autoregressive", cfg).train()
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=0.0)
    schedule = SimpleNamespace(model="autoregressive", lr=1e-3, decay_from=None, steps=None)
    gen, rng = torch.Generator().manual_seed(seed), np.random.default_rng(seed)
    step, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for g in opt.param_groups:
            g["lr"] = learning_rate(schedule, step)
        idx = torch.randint(0, len(x), (batch,), generator=gen)
        loss = ar_loss(net, x[idx], y[idx], gen, rng)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        step += 1
    elapsed = time.perf_counter() - t0
    params = sum(p.numel() for p in net.parameters())
    return net.eval(), params, step, step * batch / elapsed


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--dataset", default="mnist", choices=("mnist", "fashion"))
    p.add_argument("--data-dir")
    p.add_argument("--minutes", type=float, default=6.0, help="training wall time per contender")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--test", type=int, default=500, help="held-out images scored")
    p.add_argument("--draws", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    x_train, y_train = load_split(a.dataset, "train", a.data_dir)
    x_test, _ = load_split(a.dataset, "test", a.data_dir)
    x = torch.from_numpy(x_train).float() / 255
    y = torch.from_numpy(y_train)
    print(
        f"{a.dataset}: {a.minutes:g} min of training each, {a.threads} thread(s), batch {a.batch}; "
        f"bits/dim bound on {a.test} held-out images x {a.draws} draws (same masks for all)"
    )
    print("| network | parameters | steps | examples/s | held-out bits/dim |\n|---|---|---|---|---|")
    for name, changes in CONTENDERS.items():
        net, params, steps, eps = race_one(changes, x, y, a.minutes * 60, a.batch, a.seed)
        with torch.inference_mode():
            bpd, se = ar_bits_per_dim(net, x_test[: a.test], None, a.draws, a.seed)
        print(f"| {name} | {params / 1e6:.2f} M | {steps} | {eps:.0f} | {bpd:.3f} ± {se:.3f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
