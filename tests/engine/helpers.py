"""Tiny random-init networks for testing mechanics (never presented as trained)."""
import torch

from engine import nets


def tiny(kind: str, seed: int = 0):
    torch.manual_seed(seed)
    if kind == "classifier":
        return nets.build(kind, nets.ClassifierConfig(width=4, features=8)).eval()
    cfg = nets.default_config(kind)
    cfg.base, cfg.mults, cfg.emb, cfg.groups, cfg.attention = 8, (1, 2), 16, 4, False
    return nets.build(kind, cfg).eval()


class ConstantEps(torch.nn.Module):
    """A dummy diffusion model whose ε̂ is a constant (per label, to test guidance)."""
    kind = "diffusion"

    def __init__(self, value=0.5, per_label=0.0):
        super().__init__()
        self.value, self.per_label = value, per_label
        self.dummy = torch.nn.Parameter(torch.zeros(1))

    def forward(self, x_t, t, labels):
        return torch.full_like(x_t, self.value) + self.per_label * labels.float()[:, None, None]
