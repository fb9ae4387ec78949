"""Sample images from the shipped models into an .npz (for evaluation and for slides).

  python -m engine.tools.sample --dataset mnist --method diffusion --sampler ddim --steps 100 --guidance 3 --n 200 --seed 0 --out samples.npz
  python -m engine.tools.sample --dataset mnist --method autoregressive --order raster --pixels-per-step 1 --temperature 1 --out ar.npz
  python -m engine.tools.sample --dataset mnist --method autoregressive --order random --steps 100 --out planned.npz
  python -m engine.tools.sample --dataset fashion --method one-shot --mode mean --label sneaker --n 10 --out blur.npz

Writes `images` (uint8 N×28×28), `labels` (N, −1 = none), `nfe` (N) and `seconds`.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from engine.maths import planning
from engine.maths.orders import ORDERS
from engine.maths.pixels import PIXELS, SIDE
from engine.networks import weights
from engine.networks.data import DATASETS, parse_label
from engine.networks.device import PRECISIONS, with_precision
from engine.networks.files import WriteError, write_npz_atomic
from engine.networks.models import planned_steps
from engine.runtime.samplers import autoregressive, diffusion
from engine.runtime.samplers.autoregressive import sample_autoregressive
from engine.runtime.samplers.diffusion import sample_diffusion
from engine.runtime.samplers.one_shot import sample_one_shot
from engine.tools import cli

METHODS = ("diffusion", "autoregressive", "one-shot")
AR_ONLY = ("order", "pixels_per_step", "greedy")
DIFFUSION_ONLY = ("sampler", "steps", "eta")


def generate(
    models,
    method: str,
    n: int,
    labels=None,
    seed: int = 0,
    batch: int = 100,
    precision: str = "fp32",
    first: int = 0,
    **kw,
):
    """Generate n images in batches. Returns (images uint8 (n,28,28), labels (n,), nfe (n,), seconds).

    Batch b uses seed + b, so results depend on the batch size but are reproducible for it.
    `first` (a whole number of batches) skips images drawn before: their rows stay zero, and the
    rest come out exactly as in one uninterrupted run (engine.tools.evaluate --resume).
    `precision="bf16"` runs the networks under bfloat16 autocast (engine.networks.device.with_precision)."""
    if first % batch or not 0 <= first <= n:
        raise ValueError(f"first={first} must be a whole number of batches of {batch}, at most n={n}")
    labels = np.full(n, -1) if labels is None else np.broadcast_to(np.asarray(labels, np.int64), (n,)).copy()
    images, nfe = np.zeros((n, SIDE, SIDE), np.uint8), np.zeros(n, np.int64)
    t0 = time.perf_counter()
    for i in range(first, n, batch):
        b = i // batch  # the batch's index in one uninterrupted run: its seed
        lab = labels[i : i + batch]
        m = len(lab)
        if method == "diffusion":
            gen = sample_diffusion(
                with_precision(models.diffusion, precision), n=m, labels=lab, seed=seed + b, guidance_parts=False, **kw
            )
        elif method == "autoregressive":
            if kw.get("steps") is not None:  # planned parallel decoding: the plan replaces k pixels a step
                kw = dict(kw)
                kw["plan"] = planned_steps(models, kw.pop("steps"))
            gen = sample_autoregressive(
                with_precision(models.ar, precision),
                n=m,
                labels=lab,
                seed=seed + b,
                guidance_parts=False,
                x0=False,
                **kw,
            )  # only the final images are kept
        elif method == "one-shot":
            gen = sample_one_shot(with_precision(models.ar, precision), n=m, labels=lab, seed=seed + b, **kw)
        else:
            raise ValueError(f"unknown method {method!r}: use one of {', '.join(METHODS)}")
        last = None
        for last in gen:
            pass
        if last is None:
            raise ValueError(f"the {method} sampler yielded no frame")
        images[i : i + m] = np.clip(np.round(last.state * 255), 0, 255).astype(np.uint8)
        nfe[i : i + m] = last.nfe
    return images, labels, nfe, time.perf_counter() - t0


def parse_args(argv=None):
    p = cli.Parser(prog="python -m engine.tools.sample", description=__doc__.split("\n")[0])
    p.add_argument("--dataset", choices=DATASETS, default="mnist")
    p.add_argument("--method", choices=METHODS, required=True)
    p.add_argument("--n", type=cli.ranged("n"), default=10)
    p.add_argument("--label", help="class number or word (seven, sneaker, none); default 0..9 round-robin")
    p.add_argument("--guidance", type=cli.ranged("guidance"), default=3.0)
    p.add_argument("--seed", type=cli.ranged("seed"), default=0)
    p.add_argument("--sampler", choices=("ddim", "ddpm"))
    p.add_argument(
        "--steps",
        type=cli.ranged("steps"),
        help="diffusion: steps over the schedule; autoregressive: planned parallel decoding in this many "
        "network steps (1..784, the plan from the model's loss curve)",
    )
    p.add_argument("--eta", type=cli.ranged("eta"))
    p.add_argument("--order", choices=ORDERS)
    p.add_argument("--pixels-per-step", dest="pixels_per_step", type=cli.ranged("pixels_per_step"))
    p.add_argument("--temperature", type=cli.ranged("temperature"))
    p.add_argument("--greedy", action="store_true", default=None)
    p.add_argument("--mode", choices=("mean", "independent"))
    p.add_argument("--batch", type=cli.ranged("batch"), default=100)
    p.add_argument("--device", default="auto")
    p.add_argument(
        "--precision",
        choices=PRECISIONS,
        default="fp32",
        help="bf16: bfloat16 autocast, about 2x faster in batches on CPUs with AVX-512 BF16",
    )
    p.add_argument("--weights-dir", type=cli.weights_dir)
    p.add_argument("--out", required=True, help=f"output .npz ({cli.REPLACES})")
    args = p.parse_args(argv)
    given = {k for k in AR_ONLY + DIFFUSION_ONLY + ("mode", "temperature") if getattr(args, k) is not None}
    if args.method == "autoregressive" and {"steps", "pixels_per_step"} <= given:
        p.error(
            "--steps (planned parallel decoding) and --pixels-per-step (k pixels every step) are two "
            "schedules: give one of them"
        )
    wrong = {
        "diffusion": given - set(DIFFUSION_ONLY),
        "autoregressive": given - set(AR_ONLY) - {"temperature", "steps"},
        "one-shot": given - {"mode", "temperature"},
    }[args.method]
    if wrong:
        p.error(f"--{sorted(wrong)[0].replace('_', '-')} does not apply to --method {args.method}")
    if args.method == "diffusion" and args.eta is not None and args.sampler == "ddpm":
        p.error("--eta applies to --sampler ddim (ddpm is always fully stochastic)")
    try:
        cli.check_writable(args.out, (".npz",))
    except (OSError, ValueError) as e:
        p.error(f"--out: {e}")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    from engine.networks.models import load_models

    kw = {
        k: getattr(args, k) for k in AR_ONLY + DIFFUSION_ONLY + ("mode", "temperature") if getattr(args, k) is not None
    }
    try:
        if args.label is None:
            labels = np.arange(args.n) % 10
        else:
            lab = parse_label(args.label, args.dataset)
            labels = np.full(args.n, -1 if lab is None else lab)
        if args.method == "diffusion":  # check settings before loading anything
            diffusion.validate(kw.get("sampler", "ddim"), kw.get("steps", 100), kw.get("eta", 0.0), args.guidance)
        elif args.method == "autoregressive":
            autoregressive.validate(
                kw.get("order", "raster"), kw.get("pixels_per_step", 1), kw.get("temperature", 1.0), args.guidance
            )
            if "steps" in kw:
                planning.check_steps(kw["steps"], PIXELS)
        kinds = ("diffusion",) if args.method == "diffusion" else ("autoregressive",)
        models = load_models(args.dataset, args.device, args.weights_dir, kinds=kinds, bank=False)
        images, labels, nfe, seconds = generate(
            models, args.method, args.n, labels, args.seed, args.batch, args.precision, guidance=args.guidance, **kw
        )
        write_npz_atomic(args.out, images=images, labels=labels, nfe=nfe, seconds=np.float64(seconds))
    except WriteError as e:  # the work was done, the writing failed: nothing is left under --out
        print(f"error: {e}", file=sys.stderr)
        return 1
    except (ValueError, weights.WeightsError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(
        f"wrote {args.out}: {args.n} {args.dataset} images by {args.method}, {nfe.mean():.0f} NFE each, "
        f"{seconds:.1f} s ({seconds / args.n * 1e3:.0f} ms per image)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(cli.run(main))
