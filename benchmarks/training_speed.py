"""Training examples per second on this machine: precision x threads x batch, per model kind.

    python -m benchmarks.training_speed [--kinds diffusion autoregressive] [--steps 12]

Each cell times `--steps` optimizer steps (after 3 warm-up steps) of the real training step
(engine.tools.train's losses, AdamW, gradient clipping) on random images, so no dataset is needed.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from engine.networks import nets
from engine.tools.train import ar_loss, diffusion_loss


def examples_per_second(kind: str, precision: str, threads: int, batch: int, steps: int) -> float:
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = nets.build(kind).train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    alpha_bar = torch.from_numpy(model.noise_schedule().alpha_bar).float() if kind == "diffusion" else None
    x = torch.rand(batch, 28, 28)
    y = torch.randint(0, 10, (batch,))
    times = []
    for i in range(steps + 3):
        gen = torch.Generator().manual_seed(i)
        t0 = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bf16"):
            if kind == "diffusion":
                loss = diffusion_loss(model, x, y, gen, alpha_bar)
            else:
                loss = ar_loss(model, x, y, gen, np.random.default_rng(i))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        times.append(time.perf_counter() - t0)
    return batch / float(np.median(times[3:]))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--kinds", nargs="+", default=["diffusion", "autoregressive"])
    p.add_argument("--precisions", nargs="+", default=["fp32", "bf16"])
    p.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    p.add_argument("--batches", nargs="+", type=int, default=[64, 128])
    p.add_argument("--steps", type=int, default=12)
    a = p.parse_args(argv)
    print("| model | precision | threads | batch | examples/s |\n|---|---|---|---|---|")
    for kind in a.kinds:
        for prec in a.precisions:
            for th in a.threads:
                for b in a.batches:
                    eps = examples_per_second(kind, prec, th, b, a.steps)
                    print(f"| {kind} | {prec} | {th} | {b} | {eps:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
