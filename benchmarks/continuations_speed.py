"""How long K continuations take from early in a run, with and without the AR step cap, and how
well their mean matches x̂0 either way.

  python -m benchmarks.continuations_speed [--dataset mnist] [--k 16] [--at 200]

Prints a table: method, steps the continuations ran, seconds, RMS(mean − x̂0)."""

from __future__ import annotations

import time

import torch

from engine.networks.models import load_models
from engine.runtime.runs import ARSettings, RunSettings, ar_frames, diffusion_frames
from engine.runtime.samplers.continuations import continuations
from engine.tools import cli


def main(argv=None) -> None:
    p = cli.Parser(prog="python -m benchmarks.continuations_speed", description=__doc__.split("\n")[0])
    p.add_argument("--dataset", choices=("mnist", "fashion"), default="mnist")
    p.add_argument("--k", type=cli.ranged("continuations", "--k"), default=16)
    p.add_argument("--at", type=int, default=200, help="the AR step continued from (raster, 1 pixel a step)")
    p.add_argument("--threads", type=cli.ranged("threads"), default=1)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads or torch.get_num_threads())
    models = load_models(args.dataset, "cpu")
    s = RunSettings(dataset=args.dataset, label=7, seed=0, ar=ARSettings(order="raster", pixels_per_step=1))
    ar = next(f for f in ar_frames(models, s) if f.step == args.at)
    df = next(f for f in diffusion_frames(models, s) if f.step == 30)
    print(f"K = {args.k}, {args.dataset}, 1 thread\n")
    print("| continued from | cap | steps run | seconds | RMS(mean − x̂0) |\n|---|---|---|---|---|")
    for name, frame, cap in [
        (f"AR raster step {args.at}", ar, 64),
        (f"AR raster step {args.at}", ar, None),
        ("diffusion DDIM-100 step 30", df, None),
    ]:
        t0 = time.perf_counter()
        c = continuations(models, frame, k=args.k, seed=1, max_steps=cap)
        sec = time.perf_counter() - t0
        left = int((~frame.known[0]).sum()) if frame.known is not None else 0
        steps = -(-left // c.pixels_per_step) if c.pixels_per_step else frame.total_steps - frame.step - 1
        print(f"| {name} | {cap or '—'} | {steps} | {sec:.1f} | {c.error:.3f} |", flush=True)


if __name__ == "__main__":
    main()
