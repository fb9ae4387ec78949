"""Does the x0-is-a-mean slide hold over many runs? `python -m benchmarks.x0_is_a_mean [--n 100]`.

For n seeds, each lane of the `x0-is-a-mean` scenario (with the shipped weights) is run to the step
where the slide pauses (30 % of the run), K = 16 continuations are made from there exactly as the
window makes them (`iter_continuations`, AR capped at 64 steps), and the window's verdict is taken
(`Continuations.matches_x0`: x0 nearer their mean than any one continuation), beside the strict
test (within twice the sampling error). Prints the share of runs that pass, per lane. A slide whose verdict fails for most seeds would
tell the hall the opposite of its caption. Two controls check that the test can fail: one
continuation put in x0's place, and the next run's x0, should both be refused.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from engine.networks.files import write_text_atomic
from engine.networks.models import load_models
from engine.runtime import scenarios
from engine.runtime.modes import mode
from engine.runtime.samplers.continuations import Continuations, iter_continuations

CONT_K, CONT_MAX_STEPS = 16, 64  # what the window uses (gui/continuations_runner.py)


TESTS = ("matches", "strict", "a_continuation_passes", "another_x0_passes")


def rmse(a, b) -> float:
    return float(np.sqrt(np.mean((np.asarray(a, np.float64) - b) ** 2)))


def row(c: Continuations, other_x0: np.ndarray) -> dict:
    """One run's numbers: the window's test (x0 nearer the continuations' mean than any of them),
    the strict one (within twice the sampling error), and two controls the window's test must
    refuse: one continuation put in x0's place (judged against the other K - 1), and another
    run's x0 at the same step."""
    rest = c.samples[1:]
    loo = Continuations(rest, rest.mean(0), rest.std(0), c.samples[0], rmse(rest.mean(0), c.samples[0]))
    other = Continuations(c.samples, c.mean, c.std, other_x0, rmse(c.mean, other_x0))
    return dict(
        error=c.error,
        sampling_error=c.sampling_error,
        nearest=c.nearest,
        matches=c.matches_x0(),
        strict=c.error <= 2 * c.sampling_error + 1e-6,
        a_continuation_passes=loo.matches_x0(),
        another_x0_passes=other.matches_x0(),
    )


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
        runs = []
        for seed in range(args.n):
            ls = s.with_changes(seed=seed, dataset=args.dataset)
            f = frame_at(models, lane_mode, ls, sc.continuations_at)
            c = None
            for c in iter_continuations(models, f, k=CONT_K, seed=seed, max_steps=CONT_MAX_STEPS):
                pass
            assert isinstance(c, Continuations)
            runs.append(c)
        rows = [row(c, runs[(i + 1) % len(runs)].x0_mean) for i, c in enumerate(runs)]
        out["lanes"][lane] = r = {
            "mode": lane_mode,
            "described": scenarios.describe(lane_mode, s),
            **{f"{key}_share": float(np.mean([x[key] for x in rows])) for key in TESTS},
            **{
                f"{key}_median": float(np.median([x[key] for x in rows]))
                for key in ("error", "sampling_error", "nearest")
            },
            "runs": rows,
        }
        print(
            f"{lane} ({r['described']}), {args.n} runs: x0 nearer their mean than any continuation in "
            f"{r['matches_share']:.0%}; within 2 sampling errors {r['strict_share']:.0%}; controls that (wrongly) "
            f"pass: a continuation in x0's place {r['a_continuation_passes_share']:.0%}, the next run's x0 "
            f"{r['another_x0_passes_share']:.0%}. Medians: RMS(mean - x0) {r['error_median']:.3f}, sampling "
            f"error {r['sampling_error_median']:.3f}, nearest continuation {r['nearest_median']:.3f}",
            flush=True,
        )
    out["seconds"] = time.time() - t0
    tag = "" if not args.ar else "_" + args.ar.replace("=", "-").replace(",", "_")
    path = Path(__file__).resolve().parents[1] / "docs" / "measurements" / f"x0_is_a_mean_{args.dataset}{tag}.json"
    write_text_atomic(path, json.dumps(out, indent=1) + "\n")
    print(f"wrote {path} ({out['seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
