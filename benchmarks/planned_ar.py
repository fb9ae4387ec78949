"""Autoregression on diffusion's budget: `python -m benchmarks.planned_ar --dataset mnist`.

Planned parallel decoding (ARDM's dynamic program over the AR model's loss curve, stored in its
card) against the uniform schedule with the same number of steps, and diffusion (DDIM) at the
same number of network evaluations. Prints three tables and writes docs/planned_ar_<dataset>.json
and docs/planned_ar_<dataset>.png:

1. the likelihood bound (bits/dim) of each schedule for N steps: random order from the card's
   curve smoothed and made non-increasing, as the plans use it (exact in expectation: a random order makes
   every unknown pixel alike), raster order
   from a table C[t, k] = E[-log p(x_k | the first t pixels)] measured here on held-out images
   (exact in expectation for any cut of the raster order);
2. sample quality at n images a setting (labels 0..9 round-robin, guidance 3, so every step is
   two network evaluations for both methods): classifier agreement and Fréchet distance against
   2,000 held-out images, the project's evaluation;
3. speed: a planned run's sampler time against N bare network forwards, batch 1 (1 NFE a step).
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import torch

from benchmarks.network_speed import forward_fn, print_table
from engine.maths import metrics, planning
from engine.maths.pixels import PIXELS, SIDE
from engine.networks.data import load_split
from engine.networks.files import write_text_atomic
from engine.networks.models import load_models, planned_steps
from engine.runtime.samplers.autoregressive import sample_autoregressive
from engine.tools.sample import generate

DOCS = Path(__file__).resolve().parent.parent / "docs"
GUIDANCE = 3.0


def even(steps: int, pixels: int = PIXELS) -> tuple[int, ...]:
    """The uniform schedule with exactly `steps` steps: sizes differ by at most one pixel."""
    q, r = divmod(pixels, steps)
    return (q + 1,) * r + (q,) * (steps - r)


@torch.inference_mode()
def raster_cost_table(net, images: np.ndarray, labels: np.ndarray, batch: int = 100) -> np.ndarray:
    """C[t, k] (nats), t = pixels known in raster order, k = any pixel: one forward of a batch a t."""
    dev = next(net.parameters()).device
    table = np.zeros((PIXELS, PIXELS))
    for t in range(PIXELS):
        idx = np.arange(batch) % len(images)  # the same images at every t (engine.tools.loss_curve)
        x = torch.from_numpy(images[idx]).to(dev)
        known = (torch.arange(PIXELS) < t).expand(batch, PIXELS).reshape(batch, SIDE, SIDE).to(dev)
        lab = torch.from_numpy(labels[idx]).to(dev)
        table[t] = (-net.target_log_prob(x.float() / 255, known, lab, x.flatten(1).long())).mean(0).cpu().numpy()
    return table


def raster_bound(table: np.ndarray, sizes) -> float:
    """Bits/dim of decoding the raster order in steps `sizes`: each pixel from the prefix known
    at the start of its step."""
    total, t = 0.0, 0
    for s in sizes:
        total += table[t, t : t + s].sum()
        t += s
    return float(total / (PIXELS * math.log(2)))


def bounds(models, raster_table, steps_list) -> list[dict]:
    rows = []
    curve = planning.smoothed(models.ar_loss_curves["random"])  # what the plans are made from
    for n in steps_list:
        plan_r = planned_steps(models, n)
        row = {
            "steps": n,
            "random_planned": planning.bound_bits_per_dim(curve, plan_r),
            "random_uniform": planning.bound_bits_per_dim(curve, even(n)),
            "plan_random_first_last": [plan_r[0], plan_r[-1]],
        }
        if raster_table is not None:  # the same plan (one for every order), raster's own exact cost
            row.update(
                raster_planned=raster_bound(raster_table, plan_r), raster_uniform=raster_bound(raster_table, even(n))
            )
        rows.append(row)
    return rows


def quality(models, method: str, n: int, test_feats, batch: int, **kw) -> dict:
    labels = np.arange(n) % 10
    images, labels, nfe, seconds = generate(
        models, method, n=n, labels=labels, seed=0, batch=batch, guidance=GUIDANCE, **kw
    )
    probs = metrics.classifier_probs(models.classifier, images.astype(np.float32) / 255)
    feats = metrics.classifier_features(models.classifier, images)
    return {
        "agreement": float((probs.argmax(1) == labels).mean()),
        "frechet": float(metrics.frechet_distance(feats, test_feats)),
        "nfe": float(nfe.mean()),
        "seconds_per_image": float(seconds / n),
    }


@torch.inference_mode()
def speed(models, steps: int, repeats: int = 3) -> dict:
    """Median over `repeats` of a planned run's time and of `steps` bare forwards (batch 1, w = 0)."""
    plan = planned_steps(models, steps)
    fwd = forward_fn(models.ar, 1, models.device)
    for _ in range(3):
        fwd()
    runs, bare = [], []
    for r in range(repeats):
        t0 = time.perf_counter()
        for _ in sample_autoregressive(models.ar, n=1, labels=None, order="random", plan=plan, seed=r, guidance=0.0):
            pass
        runs.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for _ in range(steps):
            fwd()
        bare.append(time.perf_counter() - t0)
    run_s, bare_s = float(np.median(runs)), float(np.median(bare))
    return {"steps": steps, "run_s": run_s, "bare_s": bare_s, "ratio": run_s / bare_s}


def plot(result: dict, path: Path) -> None:
    from benchmarks.plot_png import line_plot

    q = result["quality"]
    series = {f"{name}": [(r["nfe"], r["frechet"]) for r in rows] for name, rows in q.items() if rows}
    values = [y for pts in series.values() for _, y in pts]
    wide = max(values) / min(values) > 4  # raster's far-off points: a log axis keeps the rest apart
    line_plot(
        series,
        path,
        xlabel="network evaluations per image (log)",
        ylabel=f"Frechet distance{' (log)' if wide else ''}, lower is better",
        logy=wide,
    )


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--dataset", default="mnist")
    p.add_argument("--data-dir")
    p.add_argument("--n", type=int, default=200, help="images a quality setting")
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--steps", default="784,400,200,100,50,20,10", help="N for the bound table")
    p.add_argument("--quality-steps", default="100,50,20,10", help="N for the sample-quality table")
    p.add_argument("--orders", default="random,raster")
    p.add_argument("--skip-raster-bound", action="store_true")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--plot-only", action="store_true", help="re-draw docs/planned_ar_<dataset>.png from its JSON")
    args = p.parse_args(argv)
    if args.plot_only:
        plot(
            json.loads((DOCS / f"planned_ar_{args.dataset}.json").read_text()), DOCS / f"planned_ar_{args.dataset}.png"
        )
        return 0
    torch.set_num_threads(args.threads)
    t_start = time.time()
    models = load_models(args.dataset, "cpu", bank=False)
    if "random" not in models.ar_loss_curves:
        raise SystemExit(
            f"the {args.dataset} AR card has no loss curve: python -m engine.tools.loss_curve "
            f"--dataset {args.dataset} --write-card"
        )
    x_test, y_test = load_split(args.dataset, "test", args.data_dir)
    steps_list = [int(s) for s in args.steps.split(",")]
    table = None if args.skip_raster_bound else raster_cost_table(models.ar, x_test, y_test.astype(np.int64))
    result = {"dataset": args.dataset, "n": args.n, "guidance": GUIDANCE, "bounds": bounds(models, table, steps_list)}
    print(f"\n{args.dataset}: likelihood bound (bits/dim) of N steps, planned (ARDM) vs uniform\n")
    print_table(
        (
            "N steps",
            "random: planned",
            "random: uniform",
            "raster: planned",
            "raster: uniform",
            "plan (random): first / last step",
        ),
        [
            (
                r["steps"],
                f"{r['random_planned']:.3f}",
                f"{r['random_uniform']:.3f}",
                f"{r.get('raster_planned', float('nan')):.3f}",
                f"{r.get('raster_uniform', float('nan')):.3f}",
                f"{r['plan_random_first_last'][0]} / {r['plan_random_first_last'][1]} px",
            )
            for r in result["bounds"]
        ],
    )

    test_feats = metrics.classifier_features(models.classifier, x_test[:2000])
    rng = np.random.default_rng(0)
    x_train, _ = load_split(args.dataset, "train", args.data_dir)
    ref = metrics.frechet_distance(
        metrics.classifier_features(models.classifier, x_train[rng.choice(len(x_train), args.n, replace=False)]),
        test_feats,
    )
    result["frechet_real_vs_real"] = float(ref)
    q: dict = {}
    for n_steps in [int(s) for s in args.quality_steps.split(",")]:
        q.setdefault("diffusion DDIM", []).append(
            {
                "steps": n_steps,
                **quality(models, "diffusion", args.n, test_feats, args.batch, sampler="ddim", steps=n_steps),
            }
        )
        for order in args.orders.split(","):
            for sched, plan in (("planned", planned_steps(models, n_steps)), ("uniform", even(n_steps))):
                q.setdefault(f"AR {order}, {sched}", []).append(
                    {
                        "steps": n_steps,
                        **quality(models, "autoregressive", args.n, test_feats, args.batch, order=order, plan=plan),
                    }
                )
                print(f"  {order} {sched} N={n_steps}: {q[f'AR {order}, {sched}'][-1]}", flush=True)
    result["quality"] = q
    print(
        f"\n{args.dataset}: sample quality at equal network evaluations (n = {args.n}, guidance {GUIDANCE}; "
        f"real-vs-real Fréchet at this n: {ref:.1f})\n"
    )
    print_table(
        ("setting", "steps", "NFE", "agreement", "Fréchet", "s / image"),
        [
            (
                name,
                r["steps"],
                f"{r['nfe']:.0f}",
                f"{r['agreement']:.3f}",
                f"{r['frechet']:.1f}",
                f"{r['seconds_per_image']:.3f}",
            )
            for name, rows in q.items()
            for r in rows
        ],
    )
    result["speed"] = [speed(models, s) for s in (100, 50)]
    print("\nspeed, batch 1, 1 NFE a step: planned run vs the same number of bare forwards\n")
    print_table(
        ("N steps", "sampler run", "bare forwards", "ratio"),
        [(s["steps"], f"{s['run_s']:.2f} s", f"{s['bare_s']:.2f} s", f"{s['ratio']:.2f}") for s in result["speed"]],
    )
    result["seconds"] = time.time() - t_start
    write_text_atomic(DOCS / f"planned_ar_{args.dataset}.json", json.dumps(result, indent=1) + "\n")
    plot(result, DOCS / f"planned_ar_{args.dataset}.png")
    print(f"\nwrote docs/planned_ar_{args.dataset}.json and .png ({result['seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
