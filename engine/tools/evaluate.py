"""Evaluate the shipped models of a dataset: `python -m engine.tools.evaluate --dataset mnist --json`.

* classifier test accuracy;
* AR bits/dim on held-out images: the order-agnostic Monte-Carlo bound (OA-ARDM: for a uniform
  number t of known pixels in a random order, the mean cross-entropy of the unknown pixels;
  its expectation over t is the NLL bound per pixel), and optionally the exact raster-order NLL
  of a subset;
* for a standard set of sampler settings: the classifier's agreement with the requested labels
  (labels 0..9 round-robin) and the Fréchet distance in classifier features between samples and
  held-out images, next to the real-vs-real reference (training vs held-out images, same count).

Needs the dataset files (see README); the app itself never does.
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch

from engine.maths import metrics
from engine.maths.pixels import PIXELS, SIDE
from engine.networks import weights
from engine.networks.data import DATASETS, DataError, load_split
from engine.networks.device import PRECISIONS
from engine.networks.nets import NULL_LABEL
from engine.tools import cli

# name -> (method, keyword settings). Guidance 3 for the conditional targets, 0 for unconditional.
STANDARD_SETTINGS = {
    "diffusion-ddim100-w3": ("diffusion", dict(sampler="ddim", steps=100, guidance=3.0)),
    "diffusion-ddim100-w0": ("diffusion", dict(sampler="ddim", steps=100, guidance=0.0)),
    "diffusion-ddim100-w1": ("diffusion", dict(sampler="ddim", steps=100, guidance=1.0)),
    "diffusion-ddim100-w2": ("diffusion", dict(sampler="ddim", steps=100, guidance=2.0)),
    "ar-raster-k1-T1-w3": ("autoregressive", dict(order="raster", pixels_per_step=1, temperature=1.0, guidance=3.0)),
    "ar-raster-k1-T1-w0": ("autoregressive", dict(order="raster", pixels_per_step=1, temperature=1.0, guidance=0.0)),
    # the same network in a random order (one order a batch, drawn from the batch seed): reported beside raster
    "ar-random-k1-T1-w3": ("autoregressive", dict(order="random", pixels_per_step=1, temperature=1.0, guidance=3.0)),
}


@torch.inference_mode()
def ar_bits_per_dim(
    net, images: np.ndarray, labels: np.ndarray | None = None, draws: int = 4, seed: int = 0, batch: int = 250
) -> tuple[float, float]:
    """Order-agnostic Monte-Carlo bound on bits per pixel (mean, standard error).

    For each image and draw: t ~ U{0..783} known pixels, chosen by a random permutation; the
    mean cross-entropy (nats) of the 784 - t unknown pixels estimates E_t[...] = NLL bound / D."""
    dev = next(net.parameters()).device
    rng = np.random.default_rng(seed)
    per = []
    for _ in range(draws):
        for i in range(0, len(images), batch):
            x = torch.from_numpy(images[i : i + batch]).to(dev)
            n = x.shape[0]
            t = rng.integers(0, PIXELS, n)
            ranks = np.argsort(rng.random((n, PIXELS)), axis=1)  # a random permutation's ranks
            known = torch.from_numpy(ranks < t[:, None]).reshape(n, SIDE, SIDE).to(dev)
            lab = (
                torch.full((n,), NULL_LABEL, device=dev)
                if labels is None
                else torch.from_numpy(labels[i : i + batch]).to(dev)
            )
            ce = -net.target_log_prob(x.float() / 255, known, lab, x.flatten(1).long())
            unk = (~known.flatten(1)).float()
            per.append(((ce * unk).sum(1) / unk.sum(1)).cpu().numpy())
    per = np.concatenate(per) / math.log(2)
    return float(per.mean()), float(per.std(ddof=1) / math.sqrt(len(per)))


@torch.inference_mode()
def ar_raster_bits_per_dim(net, images: np.ndarray, labels: np.ndarray | None = None) -> float:
    """Exact NLL in raster order (784 network evaluations per batch), in bits per pixel."""
    dev = next(net.parameters()).device
    x = torch.from_numpy(images).to(dev)
    n = x.shape[0]
    lab = torch.full((n,), NULL_LABEL, device=dev) if labels is None else torch.from_numpy(labels).to(dev)
    target = x.flatten(1).long()
    total = torch.zeros(n, device=dev)
    for d in range(PIXELS):
        known = (torch.arange(PIXELS, device=dev) < d).expand(n, PIXELS).reshape(n, SIDE, SIDE)
        total -= net.target_log_prob(x.float() / 255, known, lab, target)[:, d]
    return float(total.mean() / PIXELS / math.log(2))


def save_sample_set(
    folder, dataset: str, name: str, images, labels, nfe, seconds: float, provenance: dict | None = None
) -> Path:
    """One setting's samples as <folder>/<dataset>_<name>.npz, the file contact sheets read back.
    `provenance` (seed, batch, precision, weights fingerprint) lets `--resume` continue the set."""
    path = Path(folder) / f"{dataset}_{name}.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, images=images, labels=labels, nfe=nfe, seconds=seconds, **(provenance or {}))
    return path


def resumable_prefix(path: Path, provenance: dict, labels: np.ndarray, batch: int) -> tuple[dict | None, str]:
    """The whole batches of an earlier (interrupted or smaller) sample set that one run with these
    settings would have drawn first: same seed, batch, precision and weights, same labels. Else None, and why."""
    if not path.exists():
        return None, f"no {path.name} yet"
    with np.load(path) as f:
        old = {k: f[k] for k in f.files}
    for k, v in provenance.items():
        if k not in old or str(old[k]) != str(v):
            return None, f"{path.name} was drawn with {k}={old[k] if k in old else 'unknown'}, not {v}"
    m = min(len(old["images"]), len(labels)) // batch * batch
    if not np.array_equal(old["labels"][:m], labels[:m]):
        return None, f"{path.name} has other labels"
    seconds = float(old["seconds"]) * m / max(len(old["images"]), 1)
    return {
        "images": old["images"][:m],
        "nfe": old["nfe"][:m],
        "seconds": seconds,
    }, f"{m} of {len(labels)} images taken from {path.name}"


def sample_quality(
    models,
    name: str,
    n: int,
    seed: int,
    test_feats: np.ndarray,
    batch: int,
    samples_dir=None,
    precision: str = "fp32",
    resume: bool = False,
    log=print,
) -> dict:
    from engine.tools.sample import generate  # imported here: evaluation of the classifier alone needs no sampler

    method, kw = STANDARD_SETTINGS[name]
    labels = np.arange(n) % 10
    net = models.diffusion if method == "diffusion" else models.ar  # one-shot samples the AR network
    provenance = dict(seed=seed, batch=batch, precision=precision, weights=weights.fingerprint(net))
    done = None
    if resume and samples_dir is not None:
        done, why = resumable_prefix(Path(samples_dir) / f"{models.dataset}_{name}.npz", provenance, labels, batch)
        log(f"{name}: resume: {why}")
    first = 0 if done is None else len(done["images"])
    images, labels, nfe, seconds = generate(
        models, method, n=n, labels=labels, seed=seed, batch=batch, precision=precision, first=first, **kw
    )
    if done is not None:
        images[:first], nfe[:first] = done["images"], done["nfe"]
        seconds += done["seconds"]
    if samples_dir is not None:  # kept for contact sheets and slides (benchmarks/contact_sheets.py --from)
        save_sample_set(samples_dir, models.dataset, name, images, labels, nfe, seconds, provenance)
    probs = np.concatenate(
        [
            metrics.classifier_probs(models.classifier, images[i : i + 1000].astype(np.float32) / 255)
            for i in range(0, n, 1000)
        ]
    )
    feats = metrics.classifier_features(models.classifier, images)
    return {
        "method": method,
        **kw,
        "n": n,
        "seed": seed,
        "batch": batch,
        "precision": precision,
        "agreement": float((probs.argmax(1) == labels).mean()),
        "frechet": metrics.frechet_distance(feats, test_feats),
        "nfe_per_image": float(np.mean(nfe)),
        "seconds": float(seconds),
        "sharpness": float(metrics.sharpness_batch(images.astype(np.float32) / 255).mean()),
    }


def evaluate(
    dataset: str,
    n: int = 500,
    seed: int = 0,
    n_ar: int | None = None,
    settings=tuple(STANDARD_SETTINGS),
    data_dir=None,
    device="auto",
    weights_dir=None,
    draws: int = 4,
    raster_subset: int = 0,
    batch: int = 100,
    log=print,
    samples_dir=None,
    precision: str = "fp32",
    resume: bool = False,
) -> dict:
    from engine.networks.models import load_models

    models = load_models(dataset, device, weights_dir)
    x_train, y_train = load_split(dataset, "train", data_dir)
    x_test, y_test = load_split(dataset, "test", data_dir)
    out = {"dataset": dataset, "device": str(models.device), "test_images": len(x_test)}
    out["classifier_test_accuracy"] = metrics.classifier_accuracy(models.classifier, x_test, y_test)
    log(f"classifier accuracy {out['classifier_test_accuracy']:.4f}")
    eval_x, eval_y = x_test[:2000], y_test[:2000]
    t0 = time.time()
    # draws = 0: sample quality only; write_cards then keeps the card's bits/dim
    bpd, se = ar_bits_per_dim(models.ar, eval_x, None, draws, seed) if draws else (None, None)
    bpd_c, se_c = ar_bits_per_dim(models.ar, eval_x, eval_y, draws, seed) if draws else (None, None)
    out["ar_bits_per_dim"] = {
        "estimator": "order-agnostic Monte-Carlo bound, random orders",
        "images": len(eval_x),
        "draws_per_image": draws,
        "unconditional": bpd,
        "unconditional_se": se,
        "conditional": bpd_c,
        "conditional_se": se_c,
    }
    if not draws:
        del out["ar_bits_per_dim"]
    elif raster_subset:
        out["ar_bits_per_dim"]["raster_exact_unconditional"] = ar_raster_bits_per_dim(models.ar, x_test[:raster_subset])
        out["ar_bits_per_dim"]["raster_images"] = raster_subset
    if draws:
        log(f"AR bits/dim {bpd:.3f} ± {se:.3f} (conditional {bpd_c:.3f}) in {time.time() - t0:.0f} s")
    rng = np.random.default_rng(seed)
    ref_n = min(n, len(x_test), len(x_train))
    test_feats = metrics.classifier_features(models.classifier, x_test[: max(ref_n, 2000)])
    train_feats = metrics.classifier_features(
        models.classifier, x_train[rng.choice(len(x_train), ref_n, replace=False)]
    )
    out["frechet_real_vs_real"] = {"n": ref_n, "value": metrics.frechet_distance(train_feats, test_feats)}
    log(f"Fréchet real (train) vs held-out: {out['frechet_real_vs_real']['value']:.3f}")
    out["samples"] = {}
    for name in settings:
        t0 = time.time()
        m = n_ar if (n_ar and STANDARD_SETTINGS[name][0] == "autoregressive") else n
        r = sample_quality(models, name, m, seed, test_feats, batch, samples_dir, precision, resume, log)
        # the Fréchet distance grows as n shrinks: each setting keeps the real-vs-real value at its own n
        r["frechet_real_vs_real"] = (
            out["frechet_real_vs_real"]["value"]
            if m == ref_n
            else metrics.frechet_distance(
                metrics.classifier_features(models.classifier, x_train[rng.choice(len(x_train), m, replace=False)]),
                test_feats,
            )
        )
        out["samples"][name] = r
        log(
            f"{name}: agreement {r['agreement']:.3f}, Fréchet {r['frechet']:.3f}, {r['nfe_per_image']:.0f} NFE, "
            f"{time.time() - t0:.0f} s"
        )
    return out


def write_cards(result: dict, weights_dir=None) -> None:
    """Copy the evaluation numbers into each model's JSON card."""
    ds = result["dataset"]
    for kind in ("classifier", "autoregressive", "diffusion"):
        _, c_path = weights.paths(ds, kind, weights_dir)
        card = json.loads(c_path.read_text())
        ev = card.setdefault("eval", {})
        ev["frechet_real_vs_real"] = result["frechet_real_vs_real"]
        if kind == "classifier":
            ev["test_accuracy"] = result["classifier_test_accuracy"]
        if kind == "autoregressive" and "ar_bits_per_dim" in result:
            ev["bits_per_dim"] = result["ar_bits_per_dim"]
        ev.setdefault("samples", {}).update(
            {k: v for k, v in result.get("samples", {}).items() if v["method"] == kind}
        )  # merge runs
        c_path.write_text(json.dumps(card, indent=2) + "\n")


def main(argv=None) -> int:
    p = cli.Parser(prog="python -m engine.tools.evaluate", description=__doc__.split("\n")[0])
    p.add_argument("--dataset", choices=DATASETS, required=True)
    p.add_argument("--n", type=cli.ranged("n"), default=500, help="samples per setting (labels 0..9 round-robin)")
    p.add_argument(
        "--n-ar", type=cli.ranged("n", "--n-ar"), help="samples per AR setting (default --n; AR costs 784 NFE an image)"
    )
    p.add_argument("--seed", type=cli.ranged("seed"), default=0)
    p.add_argument("--settings", default="all", help=f"comma list of {', '.join(STANDARD_SETTINGS)}, all, or none")
    p.add_argument(
        "--draws",
        type=cli.ranged("draws"),
        default=4,
        help="Monte-Carlo draws per held-out image for bits/dim (0: skip bits/dim, keep the card's)",
    )
    p.add_argument(
        "--raster-subset",
        type=cli.ranged("raster_subset"),
        default=0,
        help="exact raster-order NLL on this many test images",
    )
    p.add_argument("--batch", type=cli.ranged("batch"), default=100)
    p.add_argument("--device", default="auto")
    p.add_argument("--data-dir")
    p.add_argument("--weights-dir")
    p.add_argument(
        "--precision",
        choices=PRECISIONS,
        default="fp32",
        help="sampling precision; bf16 autocast is about 2x faster on CPUs with AVX-512 BF16",
    )
    p.add_argument("--samples-dir", help="also save each setting's samples as <dataset>_<setting>.npz here")
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue each setting's sample set in --samples-dir where an earlier run with the same "
        "seed, batch, precision and weights stopped (or a smaller --n ended)",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    p.add_argument("--write-cards", action="store_true", help="store the numbers in the weights' JSON cards")
    args = p.parse_args(argv)
    settings = {"all": tuple(STANDARD_SETTINGS), "none": ()}.get(args.settings, tuple(args.settings.split(",")))
    bad = [s for s in settings if s not in STANDARD_SETTINGS]
    if bad:
        p.error(f"--settings: unknown setting {bad[0]!r}: use {', '.join(STANDARD_SETTINGS)}, all or none")
    if args.n < 10 or (args.n_ar is not None and args.n_ar < 10):
        p.error("--n and --n-ar must be at least 10 (a Fréchet distance needs samples of every class)")
    if args.resume and not args.samples_dir:
        p.error("--resume needs --samples-dir (where the earlier sample sets are)")
    if args.samples_dir:
        try:
            cli.check_writable_dir(args.samples_dir, "--samples-dir")
        except ValueError as e:
            p.error(str(e))
    try:
        result = evaluate(
            args.dataset,
            args.n,
            args.seed,
            args.n_ar,
            settings,
            args.data_dir,
            args.device,
            args.weights_dir,
            args.draws,
            args.raster_subset,
            args.batch,
            log=(lambda m: print(m, file=sys.stderr)) if args.json else print,
            samples_dir=args.samples_dir,
            precision=args.precision,
            resume=args.resume,
        )
    except (DataError, weights.WeightsError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.write_cards:
        write_cards(result, args.weights_dir)
    if args.json:
        print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
