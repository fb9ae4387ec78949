"""The diffusion sampler: start from noise and remove a little per step, one `Frame` per step.

Each frame's `state` is the sample after the step (x at `noise_level.t`, −1 = clean) and
`noise_level.x_t` the same sample raw (model units, AFTER the step, so a frame can be resumed
from); `x0_mean` is x̂0 predicted from the sample BEFORE the step (clipped to the data range,
as inside the update), `noise_level.eps_hat` the noise consistent with it. The network predicts
v (or ε, or x0: its config says; engine.maths.parametrization turns any of them into x̂0 and ε̂). With v,
x̂0 never divides by sqrt(ᾱ): at pure noise it is the network's estimate of the mean image of the
class, blurry, and it sharpens as the noise goes. `uncertainty` is None: one x̂0 does not give
the spread of x0 given x_t — K continuations (engine.continuations) measure it.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from engine.maths.guidance import diffusion_output, label_tensor, labels_array
from engine.maths.parametrization import eps_from_x0, to_x0_eps
from engine.maths.pixels import SIDE
from engine.maths.schedule import NoiseSchedule
from engine.runtime.frames import DIFFUSION, Frame, GuidanceParts, NoiseLevel
from engine.runtime.samplers.clock import BusyClock
from engine.runtime.samplers.steps import rule
from engine.runtime.settings import DiffusionRunSettings

SAMPLERS = ("ddim", "ddpm")


def validate(sampler: str, steps: int, eta: float, guidance: float, T: int = 1000) -> None:
    if sampler not in SAMPLERS:
        raise ValueError(f"unknown sampler {sampler!r}: use ddim or ddpm")
    if not 1 <= int(steps) <= T:
        raise ValueError(f"steps must be 1..{T}, got {steps}")
    if not 0 <= eta <= 1:
        raise ValueError(f"eta must be in [0, 1], got {eta}")
    if not (guidance >= 0 and math.isfinite(guidance)):
        raise ValueError(f"guidance must be a finite number >= 0, got {guidance}")


def to01(x: torch.Tensor) -> np.ndarray:
    return ((x.float() + 1) / 2).clamp(0, 1).cpu().numpy().astype(np.float32)


def schedule_of(net) -> NoiseSchedule:
    """The schedule the network was trained on (the original ε-models: linear)."""
    return net.noise_schedule() if hasattr(net, "noise_schedule") else NoiseSchedule.linear()


def predict_x0_eps(net, output: torch.Tensor, x_t: torch.Tensor, alpha_bar: float):
    """x̂0 clipped to the data range and the noise consistent with it."""
    x0, _ = to_x0_eps(output.float(), x_t, alpha_bar, getattr(net, "prediction", "epsilon"))
    x0 = x0.clamp(-1, 1)
    return x0, eps_from_x0(x0, x_t, alpha_bar)


@torch.inference_mode()
def sample_diffusion(
    net,
    *,
    n: int = 1,
    labels=None,
    sampler: str = "ddim",
    steps: int = 100,
    eta: float = 0.0,
    guidance: float = 1.0,
    seed: int = 0,
    known=None,
    values=None,
    schedule: NoiseSchedule | None = None,
    start: tuple | None = None,
    guidance_parts: bool = True,
):
    """Yield one Frame per step over `steps` evenly spaced timesteps of the T = 1000 schedule.

    `known`/`values` keep pixels (RePaint-style: the known region of x_t is replaced by the known
    values noised to the current level before every step). `start=(x_t, t)` resumes from a raw
    sample x_t ((n, 28, 28), model units) at timestep t: the first step denoises from t itself
    (on the grid of `steps` or not), then it follows the grid below t; t = -1 yields nothing.
    `guidance_parts=False` skips the with/without-prompt x̂0 of guided frames (batch sampling)."""
    schedule = schedule or schedule_of(net)
    validate(sampler, steps, eta, guidance, schedule.T)
    if int(n) < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    dev = next(net.parameters()).device
    gen = torch.Generator().manual_seed(seed)
    lab = label_tensor(labels, n, dev)
    ts = schedule.timesteps(int(steps))
    if start is None:
        x = torch.randn((n, SIDE, SIDE), generator=gen).to(dev)
    else:
        x = torch.as_tensor(np.asarray(start[0], np.float32)).reshape(n, SIDE, SIDE).to(dev)
        t_start = int(start[1])
        if t_start >= schedule.T:
            raise ValueError(f"start timestep must be below {schedule.T}, got {t_start}")
        ts = np.concatenate([[t_start], ts[ts < t_start]]).astype(np.int64) if t_start >= 0 else ts[:0]
    kn = v = None
    if known is not None:
        if values is None:
            raise ValueError("known pixels need values")
        kn = torch.as_tensor(np.broadcast_to(np.asarray(known, bool), (n, SIDE, SIDE)).copy()).to(dev)
        v = torch.as_tensor(np.broadcast_to(np.asarray(values, np.float32), (n, SIDE, SIDE)).copy()).to(dev) * 2 - 1
    nfe, clock, step_rule = 0, BusyClock(), rule(sampler, eta)
    settings = DiffusionRunSettings(
        sampler=sampler,
        steps=int(steps),
        eta=float(eta),
        guidance=float(guidance),
        seed=int(seed),
        prediction=getattr(net, "prediction", "epsilon"),
        schedule_T=schedule.T,
    )
    for i, t in enumerate(ts):
        t = int(t)
        t_prev = int(ts[i + 1]) if i + 1 < len(ts) else -1
        ab, ab_prev = schedule.alpha_bar_at(t), schedule.alpha_bar_at(t_prev)
        if kn is not None:  # re-noise the known pixels to the current level
            z = torch.randn((n, SIDE, SIDE), generator=gen).to(dev)
            x = torch.where(kn, ab**0.5 * v + (1 - ab) ** 0.5 * z, x)
        out, used, cond, uncond = diffusion_output(net, x, torch.full((n,), t, device=dev), lab, guidance)
        nfe += used
        x0, eps = predict_x0_eps(net, out, x, ab)
        parts = None
        if cond is not None and guidance_parts:  # guided: keep what the prompt changes, as images
            parts = GuidanceParts(
                cond=to01(predict_x0_eps(net, cond, x, ab)[0]),
                uncond=to01(predict_x0_eps(net, uncond, x, ab)[0]),
                guidance=float(guidance),
            )
        noise = torch.randn((n, SIDE, SIDE), generator=gen).to(dev) if step_rule.stochastic and t_prev >= 0 else None
        x = step_rule(x, x0, eps, ab, ab_prev, noise)  # DDIM or DDPM: one interface (samplers/steps.py)
        if kn is not None:
            x0 = torch.where(kn, v, x0)
            if t_prev < 0:
                x = torch.where(kn, v, x)
        yield Frame(
            method=DIFFUSION,
            step=i,
            total_steps=len(ts),
            nfe=nfe,
            state=to01(x),
            x0_mean=to01(x0),
            noise_level=NoiseLevel(
                t=t_prev,
                alpha_bar=ab_prev,
                sigma=(1 - ab_prev) ** 0.5,
                x_t=x.float().cpu().numpy().copy(),
                eps_hat=eps.float().cpu().numpy().copy(),
            ),
            elapsed_s=clock.lap(),
            labels=labels_array(lab),
            known=None if kn is None else kn.cpu().numpy().copy(),
            settings=settings,
            guidance_parts=parts,
        )
        clock.resume()
