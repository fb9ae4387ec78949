"""Is the diffusion x̂0 the blurry mean the lecture says it is? Prints three tables.

    python -m benchmarks.diffusion_x0 --dataset mnist [--weights-dir DIR | --checkpoint RUN_DIR] [--plot]

1. The first x̂0 of a run (x_T pure noise, label L, guidance 1) against the class-mean image the
   one-shot AR predictor gives for L, and its share of high-frequency power against real images
   (held-out bank). Target: share below half of real.
2. DDIM with 1, 2, 5, 10, 100 steps: high-frequency share, sharpness and classifier agreement of
   the samples (1 step must be the blurry mean, not speckle; more steps sharpen).
3. Along one DDIM-100 run: sharpness and high-frequency share of x̂0 at 0 … 100 % and the radial
   power spectrum (low → high frequency bands) as a share of the final image's; `--plot` writes
   docs/coarse_to_fine_<dataset>.png (band power vs progress, both methods).
`--checkpoint runs/mnist_diffusion` reads the EMA weights of a training run in progress.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from safetensors.torch import load_file

from engine.maths import metrics
from engine.networks import nets, weights
from engine.networks.models import load_models
from engine.runtime.samplers.autoregressive import sample_autoregressive
from engine.runtime.samplers.diffusion import sample_diffusion
from engine.runtime.samplers.one_shot import sample_one_shot

DOCS = Path(__file__).resolve().parent.parent / "docs"


def load_checkpoint_ema(run_dir: str):
    meta = json.loads((Path(run_dir) / "checkpoint.json").read_text())
    net = nets.build("diffusion", nets.DiffusionConfig.from_dict(meta["config"]))
    t = load_file(str(Path(run_dir) / "checkpoint.safetensors"))
    net.load_state_dict({k[4:]: v for k, v in t.items() if k.startswith("ema.")})
    return net.eval(), int(meta["step"])


def table_first_x0(models, net, per_class: int, seed: int) -> dict:
    labels = np.repeat(np.arange(10), per_class)
    first = next(sample_diffusion(net, n=len(labels), labels=labels, steps=100, guidance=1.0, seed=seed)).x0_mean
    oneshot = next(sample_one_shot(models.ar, n=10, labels=np.arange(10), guidance=1.0)).x0_mean
    bank = models.bank
    class_means = np.stack([bank.images[bank.labels == c].mean(0) / 255 for c in range(10)])
    real = bank.images.astype(np.float32) / 255
    rmse_oneshot = np.mean([metrics.distance(first[i], oneshot[labels[i]]) for i in range(len(labels))])
    rmse_bank = np.mean([metrics.distance(first[i], class_means[labels[i]]) for i in range(len(labels))])
    rmse_real = np.mean([metrics.distance(first[i], real[(i * 7) % len(real)]) for i in range(len(labels))])
    hf = {
        "first x̂0": metrics.high_frequency_share(first),
        "one-shot AR mean": metrics.high_frequency_share(oneshot),
        "real images": metrics.high_frequency_share(real),
    }
    print("\n1. First x̂0 (pure noise, guidance 1) against the class mean")
    print("| compared with | RMSE |\n|---|---|")
    print(f"| one-shot AR mean of its class | {rmse_oneshot:.3f} |")
    print(f"| mean of the class's 10 bank images | {rmse_bank:.3f} |")
    print(f"| a real image (contrast) | {rmse_real:.3f} |")
    print("| images | high-frequency share |\n|---|---|")
    for k, v in hf.items():
        print(f"| {k} | {v:.4f} |")
    held = hf["first x̂0"] < 0.5 * hf["real images"]
    print(
        f"first x̂0 share / real share = {hf['first x̂0'] / hf['real images']:.2f} (target < 0.5): "
        f"{'held' if held else 'FAILED'}"
    )
    return dict(rmse_oneshot=rmse_oneshot, rmse_bank_mean=rmse_bank, rmse_real=rmse_real, hf=hf, held=held)


def table_few_steps(models, net, per_class: int, seed: int) -> dict:
    labels = np.repeat(np.arange(10), per_class)
    real_hf = metrics.high_frequency_share(models.bank.images.astype(np.float32) / 255)
    print("\n2. DDIM with few steps (guidance 3)")
    print("| steps | NFE | high-frequency share | sharpness | agreement |\n|---|---|---|---|---|")
    rows = {}
    for steps in (1, 2, 5, 10, 100):
        *_, f = sample_diffusion(net, n=len(labels), labels=labels, steps=steps, guidance=3.0, seed=seed)
        x = f.state
        agree = float((metrics.classifier_probs(models.classifier, x).argmax(1) == labels).mean())
        rows[steps] = dict(
            hf=metrics.high_frequency_share(x),
            sharpness=float(metrics.sharpness_batch(x).mean()),
            agreement=agree,
            nfe=f.nfe,
        )
        r = rows[steps]
        print(f"| {steps} | {f.nfe} | {r['hf']:.4f} | {r['sharpness']:.3f} | {agree:.2f} |")
    print(f"| real images | | {real_hf:.4f} | {metrics.sharpness_batch(models.bank.images / 255).mean():.3f} | |")
    return rows


def spectra_along(frames, n: int, bands: int) -> np.ndarray:
    """(frames, bands): mean radial power of x̂0 per band, as a share of the final image's."""
    final = np.mean([metrics.radial_power_spectrum(frames[-1].state[i], bands) for i in range(n)], 0)
    out = [np.mean([metrics.radial_power_spectrum(f.x0_mean[i], bands) for i in range(n)], 0) / final for f in frames]
    return np.array(out)


def table_along_run(models, net, n: int, seed: int, bands: int, plot: bool, dataset: str) -> dict:
    labels = np.arange(n) % 10
    frames = list(sample_diffusion(net, n=n, labels=labels, steps=100, guidance=3.0, seed=seed))
    spec = spectra_along(frames, n, bands)
    print("\n3. Along a DDIM-100 run (guidance 3): x̂0 coarse to fine")
    print("| progress | sharpness | HF share | power per band as a share of the final (low → high) |")
    print("|---|---|---|---|")
    rows = []
    for pct in (1, 10, 20, 30, 50, 70, 90, 100):
        i = max(0, int(round(pct / 100 * len(frames))) - 1)
        x0 = frames[i].x0_mean
        rows.append(
            dict(
                progress=pct,
                sharpness=float(metrics.sharpness_batch(x0).mean()),
                hf=metrics.high_frequency_share(x0),
                bands=spec[i].tolist(),
            )
        )
        print(
            f"| {pct} % | {rows[-1]['sharpness']:.3f} | {rows[-1]['hf']:.4f} | "
            + " ".join(f"{v:.2f}" for v in spec[i])
            + " |"
        )
    sharp = [r["sharpness"] for r in rows]
    # the guided first x̂0 is a sharpened mean: the mean gradient rises modestly, the fine-detail share steeply
    rises = all(b >= a - 0.002 for a, b in zip(sharp, sharp[1:])) and sharp[-1] > 1.1 * sharp[0]
    # coarse to fine: the step from which each band stays within a factor 2 of its final power
    settled = (spec >= 0.5) & (spec <= 2.0)
    reach = [int(len(frames) - np.argmin(settled[::-1, b])) if not settled[:, b].all() else 0 for b in range(bands)]
    ordered = all(b >= a for a, b in zip(reach, reach[1:]))
    print(
        f"sharpness rises along the run: {'held' if rises else 'FAILED'}; step from which each band stays within "
        f"2x of its final power (low → high): {reach}: {'coarse to fine' if ordered else 'NOT coarse to fine'}"
    )
    if plot:
        ar_frames = list(
            sample_autoregressive(
                models.ar, n=n, labels=labels, order="raster", pixels_per_step=8, guidance=3.0, seed=seed
            )
        )
        ar_spec = spectra_along(ar_frames, n, bands)
        from benchmarks.plot_png import line_plot

        series = {}
        picked = ((0, "lowest"), (bands // 2, "middle"), (bands - 1, "highest"))
        for b, name in picked:
            series[f"diffusion, {name} band"] = [
                ((i + 1) / len(frames) * 100, float(spec[i, b])) for i in range(len(frames))
            ]
        for b, name in picked:
            series[f"AR raster 8 px/step, {name} band"] = [
                ((i + 1) / len(ar_frames) * 100, float(ar_spec[i, b])) for i in range(len(ar_frames))
            ]
        path = DOCS / f"coarse_to_fine_{dataset}.png"
        line_plot(
            series, path, "progress of the run (%)", "power of x̂0 / power of the final image", logx=False, logy=False
        )
        print(f"wrote {path}")
    return dict(rows=rows, sharpness_rises=rises, settled_step_per_band=reach, coarse_to_fine=ordered)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--dataset", default="mnist", choices=("mnist", "fashion"))
    p.add_argument("--weights-dir", help="folder with <dataset>_diffusion.safetensors (default: shipped weights)")
    p.add_argument("--checkpoint", help="a training run folder (runs/<dataset>_diffusion): its EMA weights")
    p.add_argument("--per-class", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--bands", type=int, default=6)
    p.add_argument("--plot", action="store_true")
    p.add_argument("--plot-only", action="store_true", help="only table 3 and its plot")
    p.add_argument("--json", help="write the numbers here")
    a = p.parse_args(argv)
    models = load_models(a.dataset, "cpu")
    net, source = models.diffusion, "shipped weights"
    if a.weights_dir:
        net, _ = weights.load(a.dataset, "diffusion", "cpu", a.weights_dir)
        source = a.weights_dir
    if a.checkpoint:
        net, step = load_checkpoint_ema(a.checkpoint)
        source = f"{a.checkpoint} at step {step}"
    print(f"{a.dataset} diffusion ({source}): predicts {net.prediction}, {net.cfg.schedule} schedule")
    if a.plot_only:
        table_along_run(models, net, a.per_class * 2, a.seed, a.bands, True, a.dataset)
        return 0
    out = dict(
        source=source,
        prediction=net.prediction,
        schedule=net.cfg.schedule,
        first_x0=table_first_x0(models, net, a.per_class, a.seed),
        few_steps=table_few_steps(models, net, a.per_class, a.seed),
        along_run=table_along_run(models, net, a.per_class * 2, a.seed, a.bands, a.plot, a.dataset),
    )
    if a.json:
        Path(a.json).write_text(json.dumps(out, indent=1, default=float))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
