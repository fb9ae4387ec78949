"""Contact sheets of the shipped models: `python -m benchmarks.contact_sheets`.

For each dataset and generative model, a 10 × 10 grid (a row per class 0..9, a column per seed)
of class-conditional samples at guidance 3 (diffusion: DDIM 100 steps; autoregressive: raster,
1 pixel a step, temperature 1), saved as docs/<dataset>_<model>.png. The classifier's verdicts
are printed as a table (agreement per sheet).

`--from DIR` takes the samples that `python -m engine.tools.evaluate --samples-dir DIR` saved (labels
0..9 round-robin: the first ten of each class; for an AR order other than raster, the evaluation's
ar-<order>-k1-T1-w3 samples) instead of generating new ones; an AR sheet costs
100 × 784 × 2 network evaluations, so reusing the evaluation's samples saves minutes on a CPU.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import imageio.v3 as iio
import numpy as np

from engine.maths import metrics
from engine.networks.device import PRECISIONS
from engine.networks.models import load_models
from engine.tools.sample import generate

DOCS = Path(__file__).resolve().parent.parent / "docs"
EVAL_SETTING = {
    "diffusion": "diffusion-ddim100-w3",
    "autoregressive": "ar-{order}-k1-T1-w3",
}  # engine.tools.evaluate names
SETTINGS = {
    "diffusion": dict(sampler="ddim", steps=100, guidance=3.0),
    "autoregressive": dict(order="raster", pixels_per_step=1, temperature=1.0, guidance=3.0),
}


def grid(images: np.ndarray, rows: int, cols: int, scale: int = 3, pad: int = 2) -> np.ndarray:
    """(rows*cols, 28, 28) uint8 -> one uint8 picture with dark gutters, nearest-neighbour scaled."""
    h = 28 * scale
    out = np.full((rows * (h + pad) + pad, cols * (h + pad) + pad), 40, np.uint8)
    for i, im in enumerate(images[: rows * cols]):
        r, c = divmod(i, cols)
        big = np.kron(im, np.ones((scale, scale), np.uint8))
        out[pad + r * (h + pad) : pad + r * (h + pad) + h, pad + c * (h + pad) : pad + c * (h + pad) + h] = big
    return out


def saved_sheet(folder: Path, dataset: str, kind: str, order: str = "raster"):
    """The first ten samples of each class from an evaluation run, ordered row = class; or None
    (also when the evaluation has no setting for this AR order)."""
    path = folder / f"{dataset}_{EVAL_SETTING[kind].format(order=order)}.npz"
    if not path.exists():
        return None
    z = np.load(path)
    idx = [np.flatnonzero(z["labels"] == c)[:10] for c in range(10)]
    if any(len(i) < 10 for i in idx):
        return None
    idx = np.concatenate(idx)
    seconds = float(z["seconds"]) * 100 / len(z["labels"])
    return z["images"][idx], z["labels"][idx], seconds


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--datasets", default="mnist,fashion")
    p.add_argument("--models", default="diffusion,autoregressive")
    p.add_argument("--device", default="auto")
    p.add_argument("--precision", choices=PRECISIONS, default="fp32")
    p.add_argument("--from", dest="from_dir", help="folder of samples saved by engine.tools.evaluate --samples-dir")
    p.add_argument(
        "--ar-order",
        default="raster",
        help="AR generation order; other than raster, the sheet is docs/<dataset>_autoregressive_<order>.png",
    )
    args = p.parse_args(argv)
    settings = {**SETTINGS, "autoregressive": {**SETTINGS["autoregressive"], "order": args.ar_order}}
    DOCS.mkdir(exist_ok=True)
    print("| dataset | model | settings | agreement (100 samples) | seconds |")
    print("|---|---|---|---|---|")
    for ds in args.datasets.split(","):
        models = load_models(ds, args.device)
        for kind in args.models.split(","):
            custom = kind == "autoregressive" and args.ar_order != "raster"
            saved = saved_sheet(Path(args.from_dir), ds, kind, args.ar_order) if args.from_dir else None
            if saved is not None:
                images, labels, seconds = saved
            else:
                labels = np.repeat(np.arange(10), 10)  # row = class, column = seed
                images, labels, _, seconds = generate(
                    models, kind, n=100, labels=labels, seed=0, batch=100, precision=args.precision, **settings[kind]
                )
            agree = (
                metrics.classifier_probs(models.classifier, images.astype(np.float32) / 255).argmax(1) == labels
            ).mean()
            path = DOCS / (f"{ds}_{kind}_{args.ar_order}.png" if custom else f"{ds}_{kind}.png")
            iio.imwrite(path, grid(images, 10, 10))
            desc = ", ".join(f"{k}={v}" for k, v in settings[kind].items())
            source = "evaluation samples" if saved is not None else "generated"
            print(f"| {ds} | {kind} | {desc} ({source}) | {agree:.2f} | {seconds:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
