"""Tiny random-init networks for testing mechanics (never presented as trained), and every kind
of broken weights file."""

import json
import pickle

import torch

from engine.networks import nets


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


class OracleDenoiser(torch.nn.Module):
    """A dummy diffusion model that knows the answer: its output (ε, v or x0, per `prediction`)
    always corresponds to the same clean image `x0` (model units), on the given schedule."""

    kind = "diffusion"

    def __init__(self, x0: torch.Tensor, prediction: str, schedule):
        super().__init__()
        self.x0, self.prediction, self.schedule = x0, prediction, schedule
        self.dummy = torch.nn.Parameter(torch.zeros(1))

    def noise_schedule(self):
        return self.schedule

    def forward(self, x_t, t, labels):
        from engine.maths.parametrization import eps_from_x0, training_target

        ab = torch.as_tensor(self.schedule.alpha_bar[t.long().cpu().numpy()], dtype=torch.float32)[:, None, None]
        x0 = self.x0.expand_as(x_t)
        return training_target(x0, eps_from_x0(x0, x_t, ab), ab, self.prediction)


BAD_WEIGHTS = [
    "missing",
    "truncated",
    "random bytes",
    "pickle",
    "wrong shapes",
    "bad card",
    "malformed config",
    "nan tensors",
]


def corrupt(path, kind: str) -> None:
    """Break the weights file `path` (a .safetensors beside its .json card) the way `kind` says."""
    from safetensors.numpy import load_file, save_file

    card = path.with_suffix(".json")
    if kind == "missing":
        path.unlink()
    elif kind == "truncated":
        path.write_bytes(path.read_bytes()[:200])
    elif kind == "random bytes":
        path.write_bytes(bytes(range(256)) * 8)
    elif kind == "pickle":  # a torch.save checkpoint renamed: never unpickled
        path.write_bytes(pickle.dumps({"state_dict": {"w": [1.0, 2.0]}}))
    elif kind == "wrong shapes":
        t = load_file(str(path))
        first = sorted(t)[0]
        t[first] = t[first].reshape(-1)[:-1].copy()
        save_file(t, str(path))
    elif kind == "bad card":
        card.write_text('{"format": ')
    elif kind == "malformed config":
        c = json.loads(card.read_text())
        c["config"]["groups"] = 0
        card.write_text(json.dumps(c))
    elif kind == "nan tensors":
        t = load_file(str(path))
        first = sorted(t)[0]
        t[first] = t[first] * float("nan")
        save_file(t, str(path))
    else:
        raise ValueError(kind)
