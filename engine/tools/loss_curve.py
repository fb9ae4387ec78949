"""`python -m engine.tools.loss_curve --dataset D`: measure the AR model's per-step loss curve on
held-out images, the input of planned parallel decoding (engine.maths.planning).

curve[t] = mean negative log-likelihood (nats) of an unknown pixel when t pixels are known, the
known ones a prefix of the order (a fresh random permutation per image for `random`; the fixed
order otherwise), with the image's label given (the app samples with a prompt). One network
evaluation of a batch of held-out images per t: D evaluations in all. `--write-card` stores the
curves in the model's card (`eval.loss_curve`), where the sampler reads them; run it again when
the weights change. Nothing is measured at start-up.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

from engine.maths import orders
from engine.maths.pixels import PIXELS, SIDE
from engine.networks import weights
from engine.networks.data import DATASETS, DataError, load_split
from engine.networks.files import write_text_atomic
from engine.tools import cli

CURVE_ORDERS = ("random", "raster")  # the orders whose own curve is stored; others plan with random's


@torch.inference_mode()
def measure_curve(
    net, images: np.ndarray, labels: np.ndarray, order: str = "random", batch: int = 100, seed: int = 0, log=None
) -> np.ndarray:
    """(PIXELS,) float: nats per unknown pixel with t known, t = 0 .. PIXELS-1. The batch for t is
    images [t*batch, (t+1)*batch) of the held-out set, taken round-robin."""
    rng = np.random.default_rng(seed)
    dev = next(net.parameters()).device
    fixed = None if order == "random" else orders.make_order(order, rng)
    curve = np.zeros(PIXELS)
    n_img = len(images)
    for t in range(PIXELS):
        idx = (np.arange(batch) + t * batch) % n_img
        x = torch.from_numpy(images[idx]).to(dev)
        if fixed is None:
            ranks = np.argsort(rng.random((batch, PIXELS)), axis=1)
        else:
            ranks = np.broadcast_to(np.argsort(fixed), (batch, PIXELS))
        known = torch.from_numpy(ranks < t).reshape(batch, SIDE, SIDE).to(dev)
        lab = torch.from_numpy(labels[idx]).to(dev)
        ce = -net.target_log_prob(x.float() / 255, known, lab, x.flatten(1).long())
        unk = (~known.flatten(1)).float()
        curve[t] = float(((ce * unk).sum(1) / unk.sum(1)).mean())
        if log and t % 100 == 0:
            log(f"{order} t={t}: {curve[t]:.4f} nats/pixel")
    return curve


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m engine.tools.loss_curve", description=__doc__.split("\n")[0])
    p.add_argument("--dataset", choices=DATASETS, required=True)
    p.add_argument("--data-dir")
    p.add_argument("--weights-dir", help="weights folder (default: the shipped weights/)")
    p.add_argument("--batch", type=int, default=100, help="held-out images per known-pixel count t")
    p.add_argument("--orders", default=",".join(CURVE_ORDERS), help="comma-separated orders to measure")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", help="JSON file for the curves (default: runs/loss_curve_<dataset>.json)")
    p.add_argument("--write-card", action="store_true", help="store the curves in the AR model's card")
    args = p.parse_args(argv)
    chosen = [o.strip() for o in args.orders.split(",") if o.strip()]
    bad = [o for o in chosen if o not in orders.STATIC_ORDERS]
    if bad or not chosen:
        p.error(f"--orders: use static orders from {', '.join(orders.STATIC_ORDERS)}, got {args.orders!r}")
    if not 1 <= args.batch <= 500:
        p.error(f"--batch must be 1..500, got {args.batch}")
    out = Path(args.out or f"runs/loss_curve_{args.dataset}.json")
    try:
        if out.parent != Path(""):
            out.parent.mkdir(parents=True, exist_ok=True)
        cli.check_writable(out, (".json",))
    except (OSError, ValueError) as e:
        p.error(f"--out: {e}")
    torch.set_num_threads(args.threads)
    try:
        x, y = load_split(args.dataset, "test", args.data_dir)
        net, _ = weights.load(args.dataset, "autoregressive", "cpu", args.weights_dir)
    except (DataError, weights.WeightsError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    result = {
        "dataset": args.dataset,
        "estimator": "nats per unknown pixel with t known, label given",
        "images": int(min(len(x), args.batch * PIXELS)),
        "batch": args.batch,
        "seed": args.seed,
        "fingerprint": weights.fingerprint(net),
        "curves": {},
    }
    for order in chosen:
        t0 = time.time()
        curve = measure_curve(
            net, x, y.astype(np.int64), order, args.batch, args.seed, log=lambda m: print(m, flush=True)
        )
        result["curves"][order] = [round(float(v), 5) for v in curve]
        bpd = curve.sum() / (PIXELS * np.log(2))
        print(
            f"{args.dataset} {order}: one pixel a step bound {bpd:.3f} bits/dim ({time.time() - t0:.0f} s)", flush=True
        )
    write_text_atomic(out, json.dumps(result) + "\n")
    print(f"wrote {out}")
    if args.write_card:
        weights.store_loss_curves(args.dataset, result, args.weights_dir)
        print(f"stored the curves in the {args.dataset} autoregressive card")
    return 0


if __name__ == "__main__":
    sys.exit(main())
