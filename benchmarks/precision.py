"""bf16 autocast against fp32: `python -m benchmarks.precision [--dataset mnist] [--threads 1]`.

The app samples in fp32; the long evaluations (500 AR images at 1,568 network evaluations each,
the claims table) may use `--precision bf16`. This prints what that costs and what it changes:
for each generative network, one forward at batch 200 in both precisions (median), and
* AR: the mean KL divergence per pixel between the fp32 and bf16 predicted distributions on
  held-out images with a random half of the pixels known (nats; compare the ~0.8 nats/pixel the
  model itself is uncertain about), and how often the most likely value changes;
* diffusion: the RMSE between final DDIM-50 samples from the same noise in both precisions, and
  the classifier's agreement with the requested labels for each.
"""

from __future__ import annotations

import argparse

import numpy as np
import torch

from benchmarks.network_speed import _median_time, forward_fn
from engine.maths import metrics
from engine.networks.bank import load_bank
from engine.networks.device import with_precision
from engine.networks.models import load_models
from engine.runtime.samplers.diffusion import sample_diffusion


@torch.inference_mode()
def ar_difference(net, images: np.ndarray, seed: int = 0) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    x = torch.from_numpy(images).float().div(255)
    known = torch.from_numpy(rng.random(x.shape) < 0.5)
    lab = torch.from_numpy(np.arange(len(x)) % 10)
    lp32 = torch.log_softmax(net(x, known, lab), -1)
    lp16 = torch.log_softmax(with_precision(net, "bf16")(x, known, lab), -1)
    kl = (lp32.exp() * (lp32 - lp16)).sum(-1)  # (n, 784)
    unknown = ~known.flatten(1)
    flips = (lp32.argmax(-1) != lp16.argmax(-1))[unknown].float().mean()
    return float(kl[unknown].mean()), float(flips)


def diffusion_difference(models, n: int = 50, steps: int = 50) -> tuple[float, float, float]:
    labels = np.arange(n) % 10
    finals = {}
    for prec in ("fp32", "bf16"):
        *_, last = sample_diffusion(
            with_precision(models.diffusion, prec),
            n=n,
            labels=labels,
            sampler="ddim",
            steps=steps,
            guidance=3.0,
            seed=0,
        )
        finals[prec] = last.state
    agree = {
        p: float((metrics.classifier_probs(models.classifier, x).argmax(1) == labels).mean()) for p, x in finals.items()
    }
    rmse = float(np.sqrt(np.mean((finals["fp32"] - finals["bf16"]) ** 2)))
    return rmse, agree["fp32"], agree["bf16"]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--dataset", default="mnist", choices=("mnist", "fashion"))
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    models = load_models(args.dataset, "cpu")
    print(f"{args.dataset}, CPU, {args.threads} thread(s), batch 200, median of {args.repeats}\n")
    print("| network | fp32 forward | bf16 forward | speed-up | difference to fp32 |")
    print("|---|---|---|---|---|")
    bank = load_bank(args.dataset)
    for name, net in (("autoregressive", models.ar), ("diffusion", models.diffusion)):
        with torch.inference_mode():
            t32 = _median_time(forward_fn(net, 200, "cpu"), args.repeats)
            t16 = _median_time(forward_fn(with_precision(net, "bf16"), 200, "cpu"), args.repeats)
        if name == "autoregressive":
            kl, flips = ar_difference(net, bank.images)
            diff = f"KL {kl:.1e} nats/pixel; most likely value changes for {flips * 100:.2f} % of pixels"
        else:
            rmse, a32, a16 = diffusion_difference(models)
            diff = f"DDIM-50 samples, same noise: RMSE {rmse:.4f} (pixels 0..1); agreement {a32:.2f} vs {a16:.2f}"
        print(f"| {name} | {t32 * 1e3:.0f} ms | {t16 * 1e3:.0f} ms | {t32 / t16:.1f}× | {diff} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
