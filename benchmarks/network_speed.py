"""Network and sampler speed on this machine: `python -m benchmarks.network_speed`.

Prints one table: for each shipped model, one network evaluation at batch 1 and at batch 100
(median of repeated calls), and for the two samplers the ratio of a whole run's time to the time
of the same number of bare forward passes (how much the sampler adds on top of the network).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from engine.networks import weights
from engine.networks.device import resolve_device


def _median_time(fn, repeats: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def forward_fn(model, batch: int, device):
    x = torch.rand(batch, 28, 28, device=device)
    lab = torch.full((batch,), 3, device=device)
    if model.kind == "diffusion":
        t = torch.full((batch,), 500, device=device)
        return lambda: model(x * 2 - 1, t, lab)
    if model.kind == "autoregressive":
        known = torch.rand(batch, 28, 28, device=device) < 0.5
        return lambda: model(x, known, lab)
    return lambda: model(x)


@torch.inference_mode()
def network_table(dataset: str, device, repeats: int) -> list[tuple]:
    rows = []
    for kind in ("autoregressive", "diffusion", "classifier"):
        model, _ = weights.load(dataset, kind, device)
        n_params = sum(p.numel() for p in model.parameters())
        size_mb = weights.paths(dataset, kind)[0].stat().st_size / 1e6
        b1 = _median_time(forward_fn(model, 1, device), repeats)
        b100 = _median_time(forward_fn(model, 100, device), max(3, repeats // 20))
        rows.append(
            (
                dataset,
                kind,
                f"{n_params / 1e6:.2f} M",
                f"{size_mb:.1f} MB",
                f"{b1 * 1e3:.2f} ms",
                f"{b100 * 1e3:.1f} ms",
                f"{b100 / 100 * 1e3:.2f} ms",
            )
        )
    return rows


@torch.inference_mode()
def sampler_overhead(dataset: str, device) -> list[tuple]:
    """Whole sampler run vs the same number of bare forward passes, batch 1, unconditional
    (1 NFE a step), so the ratio isolates what the sampler adds."""
    from engine.runtime.samplers.autoregressive import sample_autoregressive
    from engine.runtime.samplers.diffusion import sample_diffusion

    rows = []
    ar, _ = weights.load(dataset, "autoregressive", device)
    dm, _ = weights.load(dataset, "diffusion", device)
    cases = [
        ("AR raster, 1 px/step", ar, lambda: sample_autoregressive(ar, n=1, labels=None, order="raster", seed=0)),
        (
            "AR confidence, 1 px/step",
            ar,
            lambda: sample_autoregressive(ar, n=1, labels=None, order="confidence", seed=0),
        ),
        ("diffusion DDPM 100", dm, lambda: sample_diffusion(dm, n=1, labels=None, sampler="ddpm", steps=100, seed=0)),
        ("diffusion DDIM 100", dm, lambda: sample_diffusion(dm, n=1, labels=None, sampler="ddim", steps=100, seed=0)),
    ]
    for name, model, make in cases:
        t0 = time.perf_counter()
        last = None
        for last in make():
            pass
        run_s = time.perf_counter() - t0
        nfe = last.nfe
        fwd = forward_fn(model, 1, device)
        for _ in range(3):
            fwd()
        t0 = time.perf_counter()
        for _ in range(nfe):
            fwd()
        bare_s = time.perf_counter() - t0
        rows.append((name, nfe, f"{run_s:.2f} s", f"{bare_s:.2f} s", f"{run_s / bare_s:.2f}"))
    return rows


def print_table(header: tuple, rows: list[tuple]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda r: "| " + " | ".join(str(x).ljust(w) for x, w in zip(r, widths)) + " |"
    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(line(r))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--device", default="cpu")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0 = default)")
    p.add_argument("--repeats", type=int, default=200)
    p.add_argument("--datasets", default="mnist,fashion")
    p.add_argument("--skip-samplers", action="store_true")
    args = p.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = resolve_device(args.device)
    print(f"device {device}, torch {torch.__version__}, {torch.get_num_threads()} CPU threads\n")
    rows = [r for ds in args.datasets.split(",") for r in network_table(ds, device, args.repeats)]
    print_table(("dataset", "model", "params", "file", "batch 1", "batch 100", "per image @100"), rows)
    if not args.skip_samplers:
        print()
        print_table(
            ("sampler (mnist, batch 1)", "NFE", "sampler run", "bare forwards", "ratio"),
            sampler_overhead(args.datasets.split(",")[0], device),
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
