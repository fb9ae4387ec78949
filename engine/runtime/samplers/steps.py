"""One step interface for the diffusion samplers (diffusers' scheduler idea): a step rule takes the
sample x_t, the predicted clean image x̂0 and the noise ε̂ consistent with it, the schedule's ᾱ at
this and the next level, and fresh noise (or None), and returns x_prev. DDIM and DDPM are two rules
(engine.runtime.samplers.ddim / .ddpm hold their formulas); the sampler only asks `rule(name, eta)`
and whether the rule draws noise, so a new rule is one class and one entry in RULES."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from engine.runtime.samplers import ddim, ddpm


@dataclass(frozen=True)
class DDIMStep:
    eta: float = 0.0  # 0: deterministic; 1: DDPM's variance

    @property
    def stochastic(self) -> bool:
        return self.eta > 0

    def __call__(
        self,
        x_t: torch.Tensor,
        x0: torch.Tensor,
        eps: torch.Tensor,
        alpha_bar_t: float,
        alpha_bar_prev: float,
        noise: torch.Tensor | None,
    ) -> torch.Tensor:
        return ddim.step(x0, eps, alpha_bar_t, alpha_bar_prev, self.eta, noise)


@dataclass(frozen=True)
class DDPMStep:
    stochastic: bool = True  # ancestral sampling always draws noise (but at the last step)

    def __call__(
        self,
        x_t: torch.Tensor,
        x0: torch.Tensor,
        eps: torch.Tensor,
        alpha_bar_t: float,
        alpha_bar_prev: float,
        noise: torch.Tensor | None,
    ) -> torch.Tensor:
        return ddpm.step(x0, x_t, alpha_bar_t, alpha_bar_prev, noise)


RULES = {"ddim": DDIMStep, "ddpm": DDPMStep}


def rule(sampler: str, eta: float = 0.0):
    """The step rule of `sampler` (ValueError for an unknown one)."""
    if sampler not in RULES:
        raise ValueError(f"unknown sampler {sampler!r}: use one of {', '.join(RULES)}")
    return DDIMStep(eta) if sampler == "ddim" else DDPMStep()
