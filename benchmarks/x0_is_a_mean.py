"""Does the x0-is-a-mean slide hold over many runs? `python -m benchmarks.x0_is_a_mean [--n 100]`.

For n seeds, each lane of the `x0-is-a-mean` scenario (with the shipped weights) is run to the step
where the slide pauses (30 % of the run), K = 16 continuations are made from there exactly as the
window makes them (`iter_continuations`, AR capped at 64 steps), and the window's verdict is taken:
their mean matches x0 within twice the sampling error, or not. Prints the share of runs that match,
per lane, and the RMSE against the sampling error. A slide whose verdict fails for most seeds would
tell the hall the opposite of its caption.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from engine.networks.models import load_models
from engine.runtime import scenarios
from engine.runtime.modes import mode
from engine.runtime.samplers.continuations import Continuations, iter_continuations

CONT_K, CONT_MAX_STEPS = 16, 64  # what the window uses (gui/continuations_runner.py)


def frame_at(models, lane_mode: str, settings, at: float):
    """The frame of a run where the slide pauses (the first whose progress reaches `at`)."""
    for f in mode(lane_mode).make(models, settings):
        if (f.step + 1) / f.total_steps >= at:
            return f
    raise RuntimeError("the run ended before the pause")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=100, help="seeds (runs) per lane")
    p.add_argument("--dataset", default="mnist")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--ar", default="", help="try other AR settings, e.g. 'order=raster,pixels_per_step=4'")
    p.add_argument("--lanes", default="left,right")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    t0 = time.time()
    sc = scenarios.get("x0-is-a-mean")
    models = load_models(args.dataset, "cpu", kinds=("autoregressive", "diffusion"), bank=False)
    left, right, _ = scenarios.settings_for(sc)
    if args.ar:  # "order=raster,pixels_per_step=4": the AR lane with other settings, to choose the slide's
        changes = dict(kv.split("=") for kv in args.ar.split(","))
        left = scenarios.override(left, {k: (v if k == "order" else int(v)) for k, v in changes.items()})
    out = {"dataset": args.dataset, "n": args.n, "k": CONT_K, "at": sc.continuations_at, "lanes": {}}
    chosen = args.lanes.split(",")
    for lane, lane_mode, s in [
        x for x in (("left", sc.left_mode, left), ("right", sc.right_mode, right)) if x[0] in chosen
    ]:
        rows = []
        for seed in range(args.n):
            ls = s.with_changes(seed=seed, dataset=args.dataset)
            f = frame_at(models, lane_mode, ls, sc.continuations_at)
            c = None
            for c in iter_continuations(models, f, k=CONT_K, seed=seed, max_steps=CONT_MAX_STEPS):
                pass
            assert isinstance(c, Continuations)
            rows.append((c.matches_x0(), c.error, c.sampling_error))
        matched = np.array([r[0] for r in rows])
        out["lanes"][lane] = {
            "mode": lane_mode,
            "described": scenarios.describe(lane_mode, s),
            "matches": float(matched.mean()),
            "rmse_median": float(np.median([r[1] for r in rows])),
            "sampling_error_median": float(np.median([r[2] for r in rows])),
        }
        r = out["lanes"][lane]
        print(
            f"{lane} ({r['described']}): mean of {CONT_K} continuations matches x0 in {matched.sum()} of "
            f"{args.n} runs ({r['matches']:.0%}); RMSE median {r['rmse_median']:.3f} against a sampling error "
            f"of {r['sampling_error_median']:.3f}",
            flush=True,
        )
    out["seconds"] = time.time() - t0
    tag = "" if not args.ar else "_" + args.ar.replace("=", "-").replace(",", "_")
    path = Path(__file__).resolve().parents[1] / "docs" / "measurements" / f"x0_is_a_mean_{args.dataset}{tag}.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {path} ({out['seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
