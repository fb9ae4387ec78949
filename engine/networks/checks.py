"""Checks of a loaded network beyond its shapes: NaN or dead weights pass a shape check and draw
black panels (`python main.py --self-test` runs this on every shipped network)."""

from __future__ import annotations

from engine.maths.pixels import SIDE


def model_output_check(model, kind: str) -> dict:
    """One forward pass on a fixed input: the output must be finite and not constant (NaN or dead
    weights pass a shape check; they draw black panels)."""
    import torch

    g = torch.Generator().manual_seed(0)
    x = torch.rand(2, SIDE, SIDE, generator=g)
    labels = torch.tensor([1, 7])
    with torch.no_grad():
        if kind == "autoregressive":
            known = torch.rand(2, SIDE, SIDE, generator=g) < 0.5
            out = model.head_outputs(x, known, labels)  # the raw outputs: a mixture's 256 levels vary even when dead
        elif kind == "diffusion":
            out = model(x * 2 - 1, torch.tensor([100, 900]), labels)
        else:
            out = model(x)
    out = out.float()
    if not torch.isfinite(out).all():
        raise RuntimeError(f"the {kind} network's output is not finite (NaN or inf weights?)")
    spread = float(out.std())
    if not spread > 1e-6:
        raise RuntimeError(f"the {kind} network's output is constant ({float(out.flatten()[0]):.3g} everywhere)")
    return {"output_std": round(spread, 4)}
