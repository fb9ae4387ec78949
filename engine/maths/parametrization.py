"""What the diffusion network predicts, and how to turn any prediction into (x̂0, ε̂).

With x_t = sqrt(ᾱ) x0 + sqrt(1−ᾱ) ε the network may predict
* `epsilon` — the noise ε (DDPM). x̂0 = (x_t − sqrt(1−ᾱ) ε̂) / sqrt(ᾱ) divides by sqrt(ᾱ): near
  pure noise every error of ε̂ is multiplied by up to ~150 and x̂0 is speckle;
* `v` — the velocity v = sqrt(ᾱ) ε − sqrt(1−ᾱ) x0 (Salimans & Ho 2022). x̂0 = sqrt(ᾱ) x_t − sqrt(1−ᾱ) v̂
  never divides: at pure noise x̂0 = −v̂, the network's estimate of E[x0 | label], the blurry mean;
* `x0` — the clean image itself.
All three are affine in the network output for a fixed x_t, so classifier-free guidance on the
output equals guidance on ε̂ (and on x̂0).
"""

from __future__ import annotations

PREDICTIONS = ("epsilon", "v", "x0")


def _check(prediction: str) -> None:
    if prediction not in PREDICTIONS:
        raise ValueError(f"unknown prediction {prediction!r}: use one of {', '.join(PREDICTIONS)}")


def training_target(x0, eps, alpha_bar, prediction: str):
    """What the network learns to output for (x0, ε) at noise level ᾱ (float or broadcastable tensor)."""
    _check(prediction)
    if prediction == "epsilon":
        return eps
    if prediction == "x0":
        return x0
    return alpha_bar**0.5 * eps - (1 - alpha_bar) ** 0.5 * x0


def to_x0_eps(output, x_t, alpha_bar, prediction: str):
    """(x̂0, ε̂) from the network output at x_t, noise level ᾱ in (0, 1). Neither is clipped."""
    _check(prediction)
    a, s = alpha_bar**0.5, (1 - alpha_bar) ** 0.5
    if prediction == "epsilon":
        return (x_t - s * output) / a, output
    if prediction == "v":
        return a * x_t - s * output, s * x_t + a * output
    return output, (x_t - a * output) / s


def eps_from_x0(x0, x_t, alpha_bar):
    """The noise consistent with x̂0 at x_t (used after x̂0 is clipped to the data range)."""
    return (x_t - alpha_bar**0.5 * x0) / (1 - alpha_bar) ** 0.5
