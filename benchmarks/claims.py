"""The measured claims table: `python -m benchmarks.claims [--dataset mnist] [--n 100]`.

Each lecture claim is tested with the shipped weights and printed as one row: the claim, the
measurement, the numbers, and whether it held. A claim that fails is reported as failing. Also
writes docs/claims_<dataset>.json and docs/quality_vs_nfe_<dataset>.png (quality against network
evaluations for both methods).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from engine.maths import metrics
from engine.networks.data import load_split
from engine.networks.device import PRECISIONS
from engine.networks.files import write_text_atomic
from engine.networks.models import load_models
from engine.tools.evaluate import save_sample_set
from engine.tools.sample import generate

DOCS = Path(__file__).resolve().parent.parent / "docs"


class Bench:
    """Generates sample sets once per setting and scores them (agreement, Fréchet, sharpness)."""

    def __init__(self, models, n: int, seed: int, ref_images: np.ndarray, batch: int, precision: str = "fp32"):
        self.models, self.n, self.seed, self.batch, self.precision = models, n, seed, batch, precision
        self.ref_feats = metrics.classifier_features(models.classifier, ref_images)
        self.cache: dict = {}

    @staticmethod
    def key(method: str, **kw) -> tuple:
        return method, tuple(sorted(kw.items()))

    def reuse_ar(self, path: Path) -> str:
        """Take the AR sample-set numbers (pixels per step, raster) from an earlier claims JSON of the
        same AR weights instead of regenerating them (the raster set alone is ~13 CPU-minutes)."""
        old = json.loads(Path(path).read_text())
        if old["n"] != self.n:
            raise SystemExit(f"--reuse-ar {path} was measured at n={old['n']}, not --n {self.n}")
        q = old["quality_vs_nfe"]
        for k, con, sca in q["ar"]:
            self.cache[self.key("autoregressive", order="random", pixels_per_step=k, guidance=3.0)] = sca
            if k > 1:
                self.cache[self.key("autoregressive", order="patches", pixels_per_step=k, guidance=3.0)] = con
        self.cache[self.key("autoregressive", order="raster", pixels_per_step=1, guidance=3.0)] = (
            q["ar_raster"] if "ar_raster" in q else _raster_from_claim(old)
        )
        return f"AR sample-set numbers reused from {path} (same AR weights, n={old['n']})"

    def run(self, method: str, **kw) -> dict:
        key = self.key(method, **kw)
        if key not in self.cache:
            labels = np.arange(self.n) % 10
            images, labels, nfe, seconds = generate(
                self.models,
                method,
                n=self.n,
                labels=labels,
                seed=self.seed,
                batch=self.batch,
                precision=self.precision,
                **kw,
            )
            x = images.astype(np.float32) / 255
            pred = metrics.classifier_probs(self.models.classifier, x).argmax(1)
            self.cache[key] = dict(
                images=images,
                labels=labels,
                agreement=float((pred == labels).mean()),
                frechet=metrics.frechet_distance(
                    metrics.classifier_features(self.models.classifier, images), self.ref_feats
                ),
                sharpness=float(metrics.sharpness_batch(x).mean()),
                nfe=float(np.mean(nfe)),
                seconds_per_image=float(seconds) / self.n,
            )
        return self.cache[key]


def _raster_from_claim(old: dict) -> dict:
    """The raster-AR numbers of a claims JSON written before it stored them apart: read back from
    the 'AR infers faster' claim's numbers ("AR: agree 1.00, FD 28.1, 1568 NFE, 7686 ms/img; ...")."""
    import re

    text = next(c["numbers"] for c in old["claims"] if "faster" in c["claim"])
    m = re.match(r"AR: agree ([\d.]+), FD ([\d.]+), (\d+) NFE, (\d+) ms/img", text)
    if m is None:
        raise SystemExit("--reuse-ar: no raster-AR numbers in that file")
    return dict(
        agreement=float(m[1]),
        frechet=float(m[2]),
        nfe=float(m[3]),
        seconds_per_image=float(m[4]) / 1e3,
        sharpness=float("nan"),
    )


def _numbers(r: dict) -> dict:
    """A scored sample set without its arrays: what the JSON keeps."""
    return {k: v for k, v in r.items() if k not in ("images", "labels")}


def fmt(r: dict) -> str:
    return f"agree {r['agreement']:.2f}, FD {r['frechet']:.1f}, {r['nfe']:.0f} NFE, {r['seconds_per_image'] * 1e3:.0f} ms/img"


def claim_blurry_mean(b: Bench, real: np.ndarray) -> dict:
    mean = b.run("one-shot", mode="mean", guidance=3.0)
    indep = b.run("one-shot", mode="independent", guidance=3.0)
    share = {
        name: metrics.high_frequency_share(x.astype(np.float32) / 255)
        for name, x in (("mean", mean["images"]), ("independent", indep["images"]), ("real", real))
    }
    held = share["mean"] < 0.5 * share["real"]
    return dict(
        claim="Predicting the whole image at once gives a blurry mean",
        measure="share of spectral power in the upper half of frequencies: one-shot mean vs real held-out "
        "images (held: under half of real); independent per-pixel samples for contrast",
        numbers=f"one-shot mean {share['mean']:.4f}, real {share['real']:.4f}, independent samples "
        f"{share['independent']:.4f} (speckle); agreement mean {mean['agreement']:.2f}, "
        f"independent {indep['agreement']:.2f}",
        held=held,
    )


def claim_greedy_repeats(b: Bench, seeds: int = 10) -> dict:
    from engine.runtime.samplers.autoregressive import sample_autoregressive

    distinct = {}
    for greedy in (True, False):
        finals = []
        for s in range(seeds):
            *_, last = sample_autoregressive(
                b.models.ar, n=1, labels=3, order="raster", pixels_per_step=4, greedy=greedy, guidance=3.0, seed=s
            )
            finals.append((last.state[0] * 255).round().astype(np.uint8).tobytes())
        distinct[greedy] = len(set(finals))
    return dict(
        claim="Greedy decoding (always the most likely value) repeats itself",
        measure=f"distinct images over {seeds} seeds, label 3, raster order, 4 pixels a step",
        numbers=f"greedy {distinct[True]} distinct, sampled {distinct[False]} distinct",
        held=distinct[True] == 1 and distinct[False] == seeds,
    )


def claim_pixels_per_step(b: Bench, ks=(1, 4, 16, 64)) -> tuple[dict, list]:
    rows = []
    for k in ks:
        sca = b.run("autoregressive", order="random", pixels_per_step=k, guidance=3.0)
        # 1×1 patches in random order are the random order: one sample set serves both columns
        con = sca if k == 1 else b.run("autoregressive", order="patches", pixels_per_step=k, guidance=3.0)
        rows.append((k, con, sca))
    multi = [(k, c, s) for k, c, s in rows if k > 1]
    held = all(s["frechet"] < c["frechet"] for _, c, s in multi) and rows[-1][1]["frechet"] > rows[0][1]["frechet"]
    numbers = "; ".join(
        f"k={k}: contiguous FD {c['frechet']:.1f} / agree {c['agreement']:.2f}, "
        f"scattered FD {s['frechet']:.1f} / agree {s['agreement']:.2f}"
        for k, c, s in rows
    )
    return dict(
        claim="Many pixels a step lose consistency; scattered pixels less than contiguous patches",
        measure="Fréchet distance and agreement vs pixels per step, patches vs random order "
        "(held: scattered beats contiguous at every k > 1, and the largest k is worse than the smallest)",
        numbers=numbers,
        held=held,
    ), rows


def claim_diffusion_steps(b: Bench, real: np.ndarray, steps_list=(1, 2, 5, 10, 20, 50, 100, 1000)) -> tuple[dict, list]:
    rows = [(s, b.run("diffusion", sampler="ddim", steps=s, guidance=3.0)) for s in steps_list]
    one, hundred = rows[0][1], dict(rows).get(100, rows[-1][1])
    hf = {s: metrics.high_frequency_share(r["images"].astype(np.float32) / 255) for s, r in rows if "images" in r}
    real_hf = metrics.high_frequency_share(real.astype(np.float32) / 255)
    held = one["frechet"] > 3 * hundred["frechet"] and hundred["agreement"] >= 0.9 and hf[steps_list[0]] < 0.5 * real_hf
    numbers = (
        "; ".join(
            f"{s} steps: FD {r['frechet']:.1f}, agree {r['agreement']:.2f}, high-freq share {hf[s]:.4f}, "
            f"{r['seconds_per_image'] * 1e3:.0f} ms"
            for s, r in rows
        )
        + f"; real images: high-freq share {real_hf:.4f}"
    )
    return dict(
        claim="~100 diffusion steps suffice; one big step fails: it gives the blurry mean",
        measure="DDIM, guidance 3: Fréchet distance, agreement and share of high-frequency power vs number of "
        "steps (held: 1 step 3x worse than 100, and under half the high-frequency power of real images)",
        numbers=numbers,
        held=held,
    ), rows


def claim_ar_faster(b: Bench, ar_rows: list, diff_rows: list) -> dict:
    ar = b.run("autoregressive", order="raster", pixels_per_step=1, guidance=3.0)
    ok = [(s, r) for s, r in diff_rows if r["frechet"] <= ar["frechet"] and r["agreement"] >= ar["agreement"] - 0.02]
    if not ok:
        return dict(
            claim="Autoregressive models infer faster than diffusion models",
            measure="wall-clock per image at equal quality (raster AR vs cheapest DDIM that matches it)",
            numbers=f"AR raster {fmt(ar)}; no diffusion setting matched it",
            held=None,
        )
    s, r = min(ok, key=lambda x: x[1]["seconds_per_image"])
    held = ar["seconds_per_image"] < r["seconds_per_image"]
    return dict(
        claim="Autoregressive models infer faster than diffusion models",
        measure="wall-clock per image at equal quality (raster AR, 1 px/step vs cheapest DDIM matching it)",
        numbers=f"AR: {fmt(ar)}; DDIM {s} steps: {fmt(r)}",
        held=held,
    )


def claim_equal_budget(b: Bench, steps: int = 50) -> dict:
    """At 100 network evaluations (50 guided steps each): DDIM against AR planned (ARDM's plan from
    the card's loss curve) and AR uniform (16 scattered pixels a step), random order."""
    from engine.networks.models import planned_steps

    plan = planned_steps(b.models, steps)
    rows = {
        "DDIM": b.run("diffusion", sampler="ddim", steps=steps, guidance=3.0),
        "AR planned": b.run("autoregressive", order="random", plan=plan, guidance=3.0),
        "AR uniform": b.run("autoregressive", order="random", pixels_per_step=-(-784 // steps), guidance=3.0),
    }
    best = min(rows, key=lambda k: (rows[k]["frechet"], -rows[k]["agreement"]))
    numbers = "; ".join(f"{k}: {fmt(r)}" for k, r in rows.items()) + f"; best: {best}"
    return dict(
        claim=f"At {2 * steps} network evaluations, which method makes better images?",
        measure=f"{steps} guided steps each (w = 3): DDIM vs AR with ARDM's planned steps vs AR "
        f"{-(-784 // steps)} scattered pixels a step (random order); lower Fréchet wins (held: diffusion)",
        numbers=numbers,
        held=best == "DDIM",
    )


def claim_guidance(b: Bench, scales=(0.0, 1.0, 3.0, 7.0)) -> dict:
    rows = [(w, b.run("diffusion", sampler="ddim", steps=50, guidance=w)) for w in scales]  # held: w 0 < 1 <= 3
    agrees = [r["agreement"] for _, r in rows]
    held = agrees[0] < agrees[1] <= agrees[2]
    return dict(
        claim="Classifier-free guidance makes samples follow the prompt more",
        measure="DDIM 50 steps: classifier agreement with the requested label vs guidance w",
        numbers="; ".join(f"w={w:g}: agree {r['agreement']:.2f}, FD {r['frechet']:.1f}" for w, r in rows),
        held=held,
    )


def claim_x0_is_mean(models, k: int, seed: int) -> dict:
    """Both methods: at several steps of one run (label 7, guidance 1), the RMSE between the
    per-pixel mean of k continuations and the frame's x̂0, next to the sampling error expected
    from k draws (spread / sqrt(k)). Held if every error is within 3 such errors + 0.03."""
    from engine.runtime.samplers.autoregressive import sample_autoregressive
    from engine.runtime.samplers.continuations import continuations
    from engine.runtime.samplers.diffusion import sample_diffusion

    runs = {
        "diffusion (DDPM 100)": list(
            sample_diffusion(models.diffusion, n=1, labels=7, sampler="ddpm", steps=100, guidance=1.0, seed=seed)
        ),
        "AR (raster, 4 px/step)": list(
            sample_autoregressive(models.ar, n=1, labels=7, order="raster", pixels_per_step=4, guidance=1.0, seed=seed)
        ),
    }
    parts, errs = [], []
    for name, frames in runs.items():
        row = []
        for frac in (0.1, 0.3, 0.5, 0.7, 0.9):
            i = int(frac * len(frames))
            c = continuations(models, frames[i - 1], k=k, seed=seed)
            spread = float(np.sqrt(np.mean(c.std**2)))
            row.append(f"{frac:.0%}: {c.error:.3f} (spread {spread:.3f})")
            errs.append((c.error, spread / np.sqrt(k)))
        parts.append(f"{name}: " + ", ".join(row))
    held = all(e <= 3 * se + 0.03 for e, se in errs)
    return dict(
        claim="x̂0 is the mean of what the image can still become",
        measure=f"RMSE between the mean of {k} continuations and x̂0, at 10-90 % of one run (label 7, w=1)",
        numbers="; ".join(parts),
        held=held,
    )


def claim_coarse_to_fine(models, n: int, seed: int, bands: int = 6) -> dict:
    from engine.runtime.samplers.diffusion import sample_diffusion

    frames = list(
        sample_diffusion(
            models.diffusion, n=n, labels=np.arange(n) % 10, sampler="ddim", steps=100, guidance=3.0, seed=seed
        )
    )
    spec = np.array(
        [[metrics.radial_power_spectrum(f.x0_mean[i], bands) for i in range(n)] for f in frames]
    )  # (S, n, B)
    final = spec[-1]
    rel = np.abs(spec - final) / (final + 1e-8)  # (S, n, B)
    settle = []
    for bnd in range(bands):
        bad = np.flatnonzero(np.median(rel[:, :, bnd], axis=1) > 0.1)
        settle.append(int(bad[-1]) + 1 if len(bad) else 0)
    held = settle[0] <= settle[-1]
    return dict(
        claim="Diffusion builds the image coarse to fine",
        measure="DDIM 100: first step after which each frequency band of x̂0 stays within 10% of its final power",
        numbers="band (low→high) settles at step " + ", ".join(map(str, settle)),
        held=held,
    )


def real_vs_real_line(b: Bench, dataset: str, draws: int = 5) -> str:
    """The Fréchet distance of n real training images against the same reference, over a few draws:
    what "as good as real" reads as at this sample size."""
    try:
        train, _ = load_split(dataset, "train")
    except Exception:
        return "(no training images: no real-vs-real reference)"
    rng = np.random.default_rng(b.seed)
    v = [
        metrics.frechet_distance(
            metrics.classifier_features(b.models.classifier, train[rng.choice(len(train), b.n, replace=False)]),
            b.ref_feats,
        )
        for _ in range(draws)
    ]
    return (
        f"Real-vs-real reference: {b.n} training images against the same held-out set give Fréchet "
        f"{min(v):.1f}-{max(v):.1f} (mean {np.mean(v):.1f}, {draws} draws)."
    )


def quality_vs_nfe_table(ar_rows, diff_rows, ar_raster: dict) -> str:
    """Every sample set of the run as one row: quality against network evaluations and wall-clock."""
    rows = [(f"DDIM {s} step{'s' if s > 1 else ''}", r) for s, r in diff_rows]
    rows.append(("AR raster, 1 px/step", ar_raster))
    for k, c, s in ar_rows:
        rows.append((f"AR random order, {k} px/step", s))
        if k > 1:
            rows.append((f"AR {int(round(k**0.5))}×{int(round(k**0.5))} patches, {k} px/step", c))
    lines = [
        "| sampler (guidance 3) | network evaluations / image | seconds / image | agreement | Fréchet |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {name} | {r['nfe']:.0f} | {r['seconds_per_image']:.3f} | {r['agreement']:.2f} | {r['frechet']:.1f} |"
        for name, r in rows
    ]
    return "\n".join(lines)


def plot_quality_vs_nfe(ar_rows, diff_rows, ar_raster: dict, path: Path) -> None:
    """Fréchet distance against network evaluations, a PNG drawn with pyqtgraph (no matplotlib)."""
    from benchmarks.plot_png import line_plot

    series = {
        "diffusion (DDIM, w=3)": [(r["nfe"], r["frechet"]) for _, r in diff_rows],
        "AR scattered (random order)": [(s["nfe"], s["frechet"]) for _, _, s in ar_rows],
        "AR contiguous (patches)": [(c["nfe"], c["frechet"]) for k, c, _ in ar_rows if k > 1],
        "AR raster, 1 px/step": [(ar_raster["nfe"], ar_raster["frechet"])],
    }
    line_plot(series, path, xlabel="network evaluations per image (log)", ylabel="Frechet distance (log)")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--dataset", default="mnist", choices=("mnist", "fashion"))
    p.add_argument("--n", type=int, default=100, help="samples per setting")
    p.add_argument("--k", type=int, default=32, help="continuations per step")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--ar-k", default="1,4,16,64", help="comma list of AR pixels per step (square numbers)")
    p.add_argument("--diffusion-steps", default="1,2,5,10,20,50,100,1000", help="comma list of DDIM step counts")
    p.add_argument("--device", default="auto")
    p.add_argument(
        "--precision",
        choices=PRECISIONS,
        default="fp32",
        help="sample sets under bf16 autocast (about 2x faster on CPUs with AVX-512 BF16)",
    )
    p.add_argument(
        "--reuse-ar",
        metavar="JSON",
        help="take the AR sample-set numbers from this earlier docs/claims_<dataset>.json (same AR weights)",
    )
    p.add_argument(
        "--samples-dir",
        help="also save the raster-AR and DDIM-100 sample sets (guidance 3) there, "
        "named as engine.tools.evaluate names them, for benchmarks.contact_sheets --from",
    )
    p.add_argument("--only", choices=("equal-budget",), help="measure only this claim and print its row")
    args = p.parse_args(argv)
    t0 = time.time()
    models = load_models(args.dataset, args.device)
    from engine.networks.bank import load_bank

    bank = load_bank(args.dataset)
    try:
        ref, _ = load_split(args.dataset, "test")
        ref = ref[:2000]
    except Exception:  # no dataset files: the shipped bank is the reference
        ref = bank.images
    b = Bench(models, args.n, args.seed, ref, args.batch, args.precision)
    reused = b.reuse_ar(args.reuse_ar) if args.reuse_ar else ""
    if args.only == "equal-budget":
        c = claim_equal_budget(b)
        print(f"{args.dataset}, n = {args.n}, {time.time() - t0:.0f} s. {real_vs_real_line(b, args.dataset)}\n")
        print(f"| {c['claim']} | {c['measure']} | {c['numbers']} | {'yes' if c['held'] else '**no**'} |")
        return 0
    claims = [claim_blurry_mean(b, bank.images), claim_greedy_repeats(b)]
    c, ar_rows = claim_pixels_per_step(b, tuple(int(x) for x in args.ar_k.split(",")))
    claims.append(c)
    c, diff_rows = claim_diffusion_steps(b, bank.images, tuple(int(x) for x in args.diffusion_steps.split(",")))
    claims += [
        c,
        claim_ar_faster(b, ar_rows, diff_rows),
        claim_equal_budget(b),
        claim_guidance(b),
        claim_x0_is_mean(models, args.k, args.seed),
        claim_coarse_to_fine(models, min(args.n, 20), args.seed),
    ]
    print(
        f"Claims measured on {args.dataset} with the shipped weights, {args.n} samples a setting "
        f"(labels 0-9 round-robin), device {models.device}, sample sets in {args.precision}, "
        f"{time.time() - t0:.0f} s. {real_vs_real_line(b, args.dataset)}" + (f" {reused}." if reused else "") + "\n"
    )
    print("| claim | measurement | numbers | held? |\n|---|---|---|---|")
    for c in claims:
        verdict = "inconclusive" if c["held"] is None else "yes" if c["held"] else "**no**"
        print(f"| {c['claim']} | {c['measure']} | {c['numbers']} | {verdict} |")
    ar_raster = b.run("autoregressive", order="raster", pixels_per_step=1, guidance=3.0)  # cached by claim_ar_faster
    print("\nQuality against network evaluations (NFE counts both passes of a guided step):\n")
    print(quality_vs_nfe_table(ar_rows, diff_rows, ar_raster))
    DOCS.mkdir(exist_ok=True)
    write_text_atomic(
        DOCS / f"claims_{args.dataset}.json",
        json.dumps(
            {
                "dataset": args.dataset,
                "n": args.n,
                "precision": args.precision,
                "reused": reused,
                "claims": [{**c, "held": None if c["held"] is None else bool(c["held"])} for c in claims],
                "quality_vs_nfe": {
                    "diffusion": [(s, _numbers(r)) for s, r in diff_rows],
                    "ar": [(k, _numbers(c), _numbers(s)) for k, c, s in ar_rows],
                    "ar_raster": _numbers(ar_raster),
                },
            },
            indent=1,
            default=float,
        ),
    )
    plot_quality_vs_nfe(ar_rows, diff_rows, ar_raster, DOCS / f"quality_vs_nfe_{args.dataset}.png")
    if args.samples_dir:  # under engine.tools.evaluate's names, for benchmarks.contact_sheets --from
        sets = {"ar-raster-k1-T1-w3": ar_raster, "diffusion-ddim100-w3": dict(diff_rows).get(100)}
        for name, r in sets.items():
            if r is not None and "images" in r:
                save_sample_set(
                    args.samples_dir,
                    args.dataset,
                    name,
                    r["images"],
                    r["labels"],
                    np.full(args.n, r["nfe"]),
                    r["seconds_per_image"] * args.n,
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
