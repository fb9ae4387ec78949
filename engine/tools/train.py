"""Train one model: `python -m engine.tools.train --dataset {mnist,fashion} --model {autoregressive,diffusion,classifier}`.

Resumable: a checkpoint (model, EMA, Adam moments, step; safetensors, no pickle) is written to
`runs/<dataset>_<model>/` every `--save-every` steps and picked up again on the next start. The
final EMA weights and their card go to that run folder (or `--out`); only `--install` replaces the
app's shipped `weights/`. A log is appended next to the
checkpoint; progress is printed as it goes.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file

from engine.maths import metrics, orders
from engine.maths.parametrization import training_target
from engine.maths.pixels import SIDE
from engine.networks import nets, weights
from engine.networks.data import DATASETS, DataError, load_split
from engine.networks.device import resolve_device
from engine.tools import cli

DEFAULTS = {  # per model kind: steps, batch, lr, EMA decay
    "diffusion": dict(steps=8000, batch=64, lr=1e-3, ema=0.999),
    "autoregressive": dict(steps=8000, batch=64, lr=1e-3, ema=0.999),
    "classifier": dict(steps=3000, batch=128, lr=2e-3, ema=0.0),
}
LABEL_DROPOUT = 0.15  # fraction of training examples shown with "no label" (for guidance)


def parse_args(argv=None) -> argparse.Namespace:
    p = cli.Parser(prog="python -m engine.tools.train", description=__doc__.split("\n")[0])
    p.add_argument("--dataset", choices=DATASETS, required=True)
    p.add_argument("--model", choices=weights.KINDS, required=True)
    p.add_argument("--steps", type=cli.ranged("train_steps", "--steps"), help="optimizer steps (default per model)")
    p.add_argument("--batch", type=cli.ranged("batch"))
    p.add_argument("--lr", type=cli.ranged("lr"))
    p.add_argument(
        "--base", type=cli.ranged("base"), help="UNet width at full resolution (default 32; a multiple of 8)"
    )
    p.add_argument("--blocks", type=cli.ranged("blocks"), help="UNet ResBlocks per level each way (default 1)")
    p.add_argument("--seed", type=cli.ranged("seed"), default=0)
    p.add_argument("--device", default="auto", help="auto, cpu or cuda")
    p.add_argument("--threads", type=cli.ranged("threads"), default=0, help="CPU threads for torch (0 = torch default)")
    p.add_argument("--data-dir", help="folder with the four IDX gzip files")
    p.add_argument("--run-dir", default="runs", help="where checkpoints and logs go")
    p.add_argument("--out", help="weights folder for the finished model (default: the run folder; see --install)")
    p.add_argument(
        "--install",
        action="store_true",
        help="write the finished model into the app's weights/ folder (replacing the shipped one)",
    )
    p.add_argument(
        "--precision",
        choices=("fp32", "bf16"),
        default="fp32",
        help="bf16 runs forward and backward under bfloat16 autocast (weights and Adam stay fp32)",
    )
    p.add_argument(
        "--init-from",
        metavar="FILE",
        help="start a fresh run from these weights (a .safetensors of the same architecture, "
        "e.g. an ε-prediction model fine-tuned to predict v); step counter starts at 0",
    )
    p.add_argument(
        "--decay-from",
        type=cli.ranged("train_steps", "--decay-from"),
        metavar="STEP",
        help="diffusion/AR: keep the learning rate constant until STEP, then cosine-decay it "
        "to 0 at --steps (used to finish a resumed run)",
    )
    p.add_argument(
        "--raster-share",
        type=cli.ranged("share", "--raster-share"),
        default=orders.RASTER_SHARE,
        help="autoregressive: share of training masks cut from the raster order (default 0.2; "
        "the rest random 5/8, spiral, center-out, patches 1/8 each)",
    )
    p.add_argument("--save-every", type=cli.ranged("save_every"), default=250)
    p.add_argument("--fresh", action="store_true", help="ignore an existing checkpoint")
    p.add_argument(
        "--init-from-weights",
        action="store_true",
        help="with no checkpoint: start model and EMA from the shipped weights at the step their "
        "card records (fresh Adam moments, 200 warm-up steps); finishes a run whose "
        "checkpoint is gone, e.g. with --decay-from",
    )
    args = p.parse_args(argv)
    for k, v in DEFAULTS[args.model].items():
        if getattr(args, k, None) is None:
            setattr(args, k, v)
    if args.base is not None and args.base % 8:
        p.error(f"--base must be a multiple of 8 (its GroupNorm groups), got {args.base}")
    if args.decay_from is not None and not 0 <= args.decay_from < args.steps:
        p.error("--decay-from must lie in [0, --steps)")
    if args.install and args.out:
        p.error("--install and --out both say where the weights go: use one")
    if args.init_from and args.init_from_weights:
        p.error("--init-from and --init-from-weights both say where to start: use one")
    try:
        cli.check_writable_dir(args.run_dir, "--run-dir")
        if args.out:
            cli.check_writable_dir(args.out, "--out")
    except ValueError as e:
        p.error(str(e))
    return args


def output_dir(args) -> Path:
    """Where the finished weights go: the run folder unless --out or --install says otherwise, so
    that a trial run never replaces the weights the app ships."""
    if args.install:
        return weights.SHIPPED_WEIGHTS_DIR
    return Path(args.out) if args.out else Path(args.run_dir) / f"{args.dataset}_{args.model}"


def init_from_file(path: str, model, ema) -> list:
    """Load matching weights from a safetensors file into model and EMA (fresh run, step 0).
    Only the output layer may differ (a new head on a trained body, e.g. 256 logits -> a logistic
    mixture): it keeps its fresh initialisation."""
    try:
        tensors = load_file(path)
    except Exception as e:  # safetensors raises several types for a bad file
        raise ValueError(f"--init-from {path}: not a readable safetensors file ({e})") from None
    own = model.state_dict()
    wrong = [k for k in own if k not in tensors or tensors[k].shape != own[k].shape]
    body_wrong = [k for k in wrong if not k.startswith(OUTPUT_LAYER)]
    if body_wrong:
        raise ValueError(
            f"--init-from {path}: {len(body_wrong)} tensors missing or of another shape, e.g. {body_wrong[0]}"
        )
    model.load_state_dict({k: (own[k] if k in wrong else tensors[k].float()) for k in own})
    ema.load_state_dict(model.state_dict())
    note = f" (new output layer: {', '.join(wrong)})" if wrong else ""
    return [{"command": f"(initialised from {path}{note})", "to_step": 0}]


OUTPUT_LAYER = "unet.out."  # the only layer --init-from may leave freshly initialised


def augment_shift(x: torch.Tensor, gen: torch.Generator, max_shift: int = 2) -> torch.Tensor:
    """Random translation by up to `max_shift` pixels (zero padded): the classifier's augmentation."""
    n = x.shape[0]
    pad = F.pad(x, (max_shift,) * 4)
    dy = torch.randint(0, 2 * max_shift + 1, (n,), generator=gen)
    dx = torch.randint(0, 2 * max_shift + 1, (n,), generator=gen)
    rows = (dy[:, None] + torch.arange(SIDE))[:, :, None]
    cols = (dx[:, None] + torch.arange(SIDE))[:, None, :]
    return pad[torch.arange(n)[:, None, None], rows, cols]


def drop_labels(labels: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    drop = torch.rand(labels.shape, generator=gen) < LABEL_DROPOUT
    return torch.where(drop, torch.full_like(labels, nets.NULL_LABEL), labels)


def diffusion_loss(model, x01, labels, gen, alpha_bar: torch.Tensor) -> torch.Tensor:
    """Mean squared error of the network's prediction (ε, v or x0, as its config says) at a
    uniformly drawn timestep."""
    x0 = x01 * 2 - 1
    t = torch.randint(0, len(alpha_bar), (x0.shape[0],), generator=gen)
    eps = torch.randn(x0.shape, generator=gen)
    ab = alpha_bar[t][:, None, None]
    x_t = ab.sqrt() * x0 + (1 - ab).sqrt() * eps
    target = training_target(x0, eps, ab, model.prediction)
    dev = next(model.parameters()).device
    return F.mse_loss(model(x_t.to(dev), t.to(dev), drop_labels(labels, gen).to(dev)).float(), target.to(dev))


def ar_loss(
    model, x01, labels, gen, rng: np.random.Generator, raster_share: float = orders.RASTER_SHARE
) -> torch.Tensor:
    """Mean cross-entropy over the unknown pixels: averaged over a uniform number of known
    pixels this is the order-agnostic bound on NLL per pixel (OA-ARDM, Hoogeboom et al. 2021)."""
    dev = next(model.parameters()).device
    known = torch.from_numpy(orders.training_masks(x01.shape[0], rng, raster_share)).reshape(-1, SIDE, SIDE)
    target = (x01 * 255).round().long().flatten(1)
    ce = -model.target_log_prob(x01.to(dev), known.to(dev), drop_labels(labels, gen).to(dev), target.to(dev))
    unknown = (~known.flatten(1)).float().to(dev)
    return ((ce * unknown).sum(1) / unknown.sum(1).clamp(min=1)).mean()


def learning_rate(args, step: int, warm_from: int = 0) -> float:
    """200 warm-up steps from `warm_from` (where the Adam moments started), then: the classifier
    decays (cosine) over the whole run; the generative models stay constant (the EMA does the
    averaging) until --decay-from, then decay to 0."""
    warm = min(1.0, (step - warm_from + 1) / 200)
    if args.model == "classifier":
        return args.lr * warm * 0.5 * (1 + math.cos(math.pi * step / args.steps))
    if args.decay_from is not None and step >= args.decay_from:
        frac = (step - args.decay_from) / (args.steps - args.decay_from)
        return args.lr * warm * 0.5 * (1 + math.cos(math.pi * frac))
    return args.lr * warm


def _checkpoint_paths(args) -> tuple[Path, Path, Path]:
    d = Path(args.run_dir) / f"{args.dataset}_{args.model}"
    return d / "checkpoint.safetensors", d / "checkpoint.json", d / "train.log"


def save_checkpoint(args, model, ema, opt, step, seconds, history):
    ckpt, meta, _ = _checkpoint_paths(args)
    ckpt.parent.mkdir(parents=True, exist_ok=True)
    tensors = {f"model.{k}": v for k, v in model.state_dict().items()}
    tensors.update({f"ema.{k}": v for k, v in ema.state_dict().items()})
    names = {p: n for n, p in model.named_parameters()}
    for p, st in opt.state.items():
        for key in ("exp_avg", "exp_avg_sq"):
            tensors[f"opt.{names[p]}.{key}"] = st[key]
    tensors = {k: v.detach().cpu().contiguous() for k, v in tensors.items()}
    save_file(tensors, str(ckpt.with_suffix(".tmp")))
    ckpt.with_suffix(".tmp").replace(ckpt)
    meta.write_text(
        json.dumps(
            {
                "step": step,
                "seconds": seconds,
                "config": model.cfg.to_dict(),
                "args": {k: v for k, v in vars(args).items()},
                "history": history,
            },
            indent=1,
        )
    )


def load_checkpoint(args, model, ema, opt) -> tuple[int, float, list]:
    """Restore model, EMA and Adam moments; returns (step, seconds, history), where history lists
    each earlier command with the step it ran up to."""
    ckpt, meta, _ = _checkpoint_paths(args)
    if args.fresh or not ckpt.exists():
        return 0, 0.0, []
    info = json.loads(meta.read_text())
    t = load_file(str(ckpt))
    model.load_state_dict({k[6:]: v for k, v in t.items() if k.startswith("model.")})
    ema.load_state_dict({k[4:]: v for k, v in t.items() if k.startswith("ema.")})
    for n, p in model.named_parameters():
        if f"opt.{n}.exp_avg" in t:
            opt.state[p] = {
                "step": torch.tensor(float(info["step"])),
                "exp_avg": t[f"opt.{n}.exp_avg"].to(p.device),
                "exp_avg_sq": t[f"opt.{n}.exp_avg_sq"].to(p.device),
            }
    history = info.get("history") or [{"command": _command_of(info["args"]), "to_step": int(info["step"])}]
    return int(info["step"]), float(info["seconds"]), history


def init_from_weights(args, model, ema) -> tuple[int, float, list]:
    """Load the shipped EMA weights into model and EMA; returns (step, seconds, history) from their card."""
    shipped, card = weights.load(args.dataset, args.model, "cpu", args.out)
    t = card["training"]
    if args.steps <= t["steps"]:
        raise ValueError(f"--steps {args.steps} must exceed the shipped model's {t['steps']} steps")
    model.load_state_dict(shipped.state_dict())
    ema.load_state_dict(shipped.state_dict())
    history = t.get("commands") or [{"command": t["command"], "to_step": t["steps"]}]
    history = history + [
        {
            "command": "(checkpoint lost: restarted from the shipped EMA weights, fresh Adam moments)",
            "to_step": t["steps"],
        }
    ]
    return int(t["steps"]), float(t["seconds"]), history


def _command_of(a: dict) -> str:
    """Rebuild the command line of a checkpoint written before histories were kept."""
    return f"python -m engine.tools.train --dataset {a['dataset']} --model {a['model']} --steps {a['steps']}" + (
        f" --threads {a['threads']}" if a.get("threads") else ""
    )


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        device = resolve_device(args.device)
        x_train, y_train = load_split(args.dataset, "train", args.data_dir)
        x_test, y_test = load_split(args.dataset, "test", args.data_dir)
    except (DataError, ValueError, RuntimeError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    torch.manual_seed(args.seed)
    cfg = nets.default_config(args.model)
    if args.base and args.model != "classifier":
        cfg.base = args.base
    if args.blocks and args.model != "classifier":
        cfg.blocks = args.blocks
    model = nets.build(args.model, cfg).to(device).train()
    autocast = torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=args.precision == "bf16")
    ema = copy.deepcopy(model).eval()
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4 if args.model == "classifier" else 0.0)
    start, seconds, history = load_checkpoint(args, model, ema, opt)
    warm_from = 0  # a checkpoint restores the Adam moments: no second warm-up
    if start == 0 and args.init_from:
        try:
            history = init_from_file(args.init_from, model, ema)
        except ValueError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
    if start == 0 and args.init_from_weights:
        try:
            start, seconds, history = init_from_weights(args, model, ema)
        except (weights.WeightsError, ValueError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        warm_from = start  # the Adam moments start from zero: warm up again
    _, _, log_path = _checkpoint_paths(args)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("a")
    cmd = "python -m engine.tools.train " + " ".join(argv if argv is not None else sys.argv[1:])
    if history and history[-1]["command"] == cmd:
        history = history[:-1]  # the same command resumed after an interruption: one entry
    print(
        f"{cmd}\n{args.model} on {args.dataset}: {sum(p.numel() for p in model.parameters()):,} parameters, "
        f"device {device}, steps {start} -> {args.steps}",
        file=log,
        flush=True,
    )
    alpha_bar = torch.from_numpy(model.noise_schedule().alpha_bar).float() if args.model == "diffusion" else None
    x_all = torch.from_numpy(x_train).float().div(255)
    y_all = torch.from_numpy(y_train)
    t0, losses = time.time(), []
    for step in range(start, args.steps):
        gen = torch.Generator().manual_seed(args.seed * 1_000_003 + step)  # resumable randomness
        rng = np.random.default_rng(args.seed * 1_000_003 + step)
        idx = torch.randint(0, len(x_all), (args.batch,), generator=gen)
        xb, yb = x_all[idx], y_all[idx]
        lr = learning_rate(args, step, warm_from)
        for g in opt.param_groups:
            g["lr"] = lr
        with autocast:
            if args.model == "diffusion":
                loss = diffusion_loss(model, xb, yb, gen, alpha_bar)
            elif args.model == "autoregressive":
                loss = ar_loss(model, xb, yb, gen, rng, args.raster_share)
            else:
                loss = F.cross_entropy(model(augment_shift(xb, gen).to(device)), yb.to(device), label_smoothing=0.05)
        if not torch.isfinite(loss):
            print(
                f"error: the loss is {loss.item()} at step {step + 1} (learning rate {lr:.3g}): training stopped; "
                f"the last checkpoint (if any) is untouched; lower --lr",
                file=sys.stderr,
            )
            print(f"stopped: non-finite loss at step {step + 1}", file=log, flush=True)
            return 1
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        with torch.no_grad():
            decay = min(args.ema, (1 + step) / (10 + step)) if args.ema > 0 else 0.0
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.lerp_(pm, 1 - decay)
            for be, bm in zip(ema.buffers(), model.buffers()):
                be.copy_(bm)
        losses.append(loss.item())
        done = step + 1
        if done % 50 == 0 or done == args.steps:
            el = seconds + time.time() - t0
            rate = (time.time() - t0) / (done - start)
            msg = (
                f"step {done}/{args.steps} loss {np.mean(losses):.4f} lr {lr:.2e} "
                f"{el / 60:.1f} min, eta {rate * (args.steps - done) / 60:.1f} min"
            )
            print(msg, flush=True)
            print(msg, file=log, flush=True)
            losses = []
        if done % args.save_every == 0 or done == args.steps:
            save_checkpoint(
                args, model, ema, opt, done, seconds + time.time() - t0, history + [{"command": cmd, "to_step": done}]
            )
    seconds += time.time() - t0
    card = {
        "data": {"dataset": args.dataset, "train_images": len(x_train), "test_images": len(x_test)},
        "training": {
            "command": cmd,
            "commands": history + [{"command": cmd, "to_step": args.steps}],
            "steps": args.steps,
            "batch": args.batch,
            "lr": args.lr,
            "precision": args.precision,
            "ema": args.ema,
            "seed": args.seed,
            "label_dropout": LABEL_DROPOUT,
            **({"raster_share": args.raster_share} if args.model == "autoregressive" else {}),
            "seconds": round(seconds, 1),
            "device": str(device),
        },
        "eval": {},
    }
    if args.model == "classifier":
        ema.eval()
        card["eval"]["test_accuracy"] = metrics.classifier_accuracy(ema, x_test, y_test)
    w, c = weights.save(ema, args.dataset, card, output_dir(args))
    print(
        f"wrote {w} and {c}"
        + (f"; test accuracy {card['eval']['test_accuracy']:.4f}" if args.model == "classifier" else ""),
        file=log,
        flush=True,
    )
    print(f"wrote {w} ({w.stat().st_size / 1e6:.1f} MB) and {c}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
