"""Network architectures. One small UNet backbone serves both generative models:

* `PixelARNet`: (image with unknown pixels blanked, mask of known pixels, label) -> 256 logits for
  every pixel, from a 256-way softmax head or a discretized logistic mixture head (its config says
  which). Its "time" input is the fraction of pixels still unknown.
* `DiffusionNet`: (x_t, t, label) -> predicted v (or ε, or x0: its config says which).

Labels are 0..9, and `NULL_LABEL` (= 10) means "no label" (trained with label dropout, which is
what classifier-free guidance needs). `Classifier` is a plain CNN whose penultimate layer gives
the features for the Fréchet distance.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from engine.maths.pixels import NULL_LABEL, NUM_CLASSES  # noqa: F401 (NULL_LABEL: callers read it here too)

LEVELS = 256


@dataclass
class UNetConfig:
    in_ch: int = 1  # input channels
    out_ch: int = 1  # output channels
    base: int = 32  # channels at full resolution (28x28)
    mults: tuple = (1, 2, 2)  # channel multipliers at 28, 14, 7
    blocks: int = 1  # ResBlocks per level each way (a deeper net at the same width)
    emb: int = 128  # width of the (time + label) embedding
    groups: int = 8  # GroupNorm groups
    attention: bool = True  # one self-attention block at the lowest resolution
    out_kernel: int = 3  # kernel of the output conv (1 for the 256-way AR head: 9x cheaper)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["mults"] = list(self.mults)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> UNetConfig:
        d = dict(d)
        d["mults"] = tuple(d["mults"])
        return cls(**d)


@dataclass
class DiffusionConfig(UNetConfig):
    prediction: str = "epsilon"  # what the net outputs: "epsilon", "v" or "x0" (engine.maths.parametrization)
    schedule: str = "linear"  # noise schedule it was trained on: "linear" or "cosine" (engine.maths.schedule)

    def __post_init__(self):
        from engine.maths.parametrization import PREDICTIONS
        from engine.maths.schedule import SCHEDULES

        if self.prediction not in PREDICTIONS:
            raise ValueError(f"prediction must be one of {PREDICTIONS}, got {self.prediction!r}")
        if self.schedule not in SCHEDULES:
            raise ValueError(f"schedule must be one of {SCHEDULES}, got {self.schedule!r}")


@dataclass
class ARConfig(UNetConfig):
    head: str = "categorical"  # "categorical": 256 logits a pixel; "logistic_mixture": engine.maths.logistic_mixture
    mixtures: int = 5  # logistics in the mixture (logistic_mixture head: out_ch = 3 * mixtures)

    def __post_init__(self):
        from engine.maths.logistic_mixture import output_channels

        if self.head not in AR_HEADS:
            raise ValueError(f"head must be one of {AR_HEADS}, got {self.head!r}")
        want = LEVELS if self.head == "categorical" else output_channels(self.mixtures)
        if self.mixtures < 1 or self.out_ch != want:
            raise ValueError(f"a {self.head} head has {want} output channels, the config says {self.out_ch}")


AR_HEADS = ("categorical", "logistic_mixture")


def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    """Sinusoidal embedding of a (N,) float tensor of timesteps."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, device=t.device, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class ResBlock(nn.Module):
    def __init__(self, cin: int, cout: int, emb: int, groups: int):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.emb = nn.Linear(emb, 2 * cout)  # scale and shift (FiLM)
        self.norm2 = nn.GroupNorm(groups, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        scale, shift = self.emb(e)[:, :, None, None].chunk(2, dim=1)
        h = self.norm2(h) * (1 + scale) + shift
        h = self.conv2(F.silu(h))
        return h + self.skip(x)


class Attention(nn.Module):
    def __init__(self, ch: int, groups: int, heads: int = 4):
        super().__init__()
        self.norm = nn.GroupNorm(groups, ch)
        self.qkv = nn.Conv2d(ch, 3 * ch, 1)
        self.out = nn.Conv2d(ch, ch, 1)
        self.heads = heads

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c, h, w = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(n, 3, self.heads, c // self.heads, h * w).unbind(1)
        a = F.scaled_dot_product_attention(q.transpose(-1, -2), k.transpose(-1, -2), v.transpose(-1, -2))
        return x + self.out(a.transpose(-1, -2).reshape(n, c, h, w))


class UNet(nn.Module):
    """28 -> 14 -> 7 UNet, `blocks` ResBlocks per level each way, conditioned on (scalar t, label).
    The first block of each level keeps its module name, so blocks = 1 nets (every shipped file)
    load unchanged; the further blocks live in `down_more` / `up_more`."""

    def __init__(self, cfg: UNetConfig):
        super().__init__()
        if cfg.blocks < 1:
            raise ValueError(f"a UNet needs at least one ResBlock a level, the config says {cfg.blocks}")
        self.cfg = cfg
        chs = [cfg.base * m for m in cfg.mults]
        self.t_mlp = nn.Sequential(nn.Linear(cfg.emb, cfg.emb), nn.SiLU(), nn.Linear(cfg.emb, cfg.emb))
        self.label_emb = nn.Embedding(NUM_CLASSES + 1, cfg.emb)
        self.inp = nn.Conv2d(cfg.in_ch, chs[0], 3, padding=1)
        self.down = nn.ModuleList()
        self.down_more = nn.ModuleList()
        self.downsample = nn.ModuleList()
        prev = chs[0]
        for i, c in enumerate(chs):
            self.down.append(ResBlock(prev, c, cfg.emb, cfg.groups))
            self.down_more.append(self._extra_blocks(c, cfg))
            prev = c
            if i < len(chs) - 1:
                self.downsample.append(nn.Conv2d(c, c, 3, stride=2, padding=1))
        self.mid1 = ResBlock(prev, prev, cfg.emb, cfg.groups)
        self.attn = Attention(prev, cfg.groups) if cfg.attention else nn.Identity()
        self.mid2 = ResBlock(prev, prev, cfg.emb, cfg.groups)
        self.up = nn.ModuleList()
        self.up_more = nn.ModuleList()
        for i, c in reversed(list(enumerate(chs))):
            self.up.append(ResBlock(prev + c, c, cfg.emb, cfg.groups))
            self.up_more.append(self._extra_blocks(c, cfg))
            prev = c
        self.out_norm = nn.GroupNorm(cfg.groups, prev)
        self.out = nn.Conv2d(prev, cfg.out_ch, cfg.out_kernel, padding=cfg.out_kernel // 2)

    @staticmethod
    def _extra_blocks(ch: int, cfg: UNetConfig) -> nn.ModuleList:
        return nn.ModuleList(ResBlock(ch, ch, cfg.emb, cfg.groups) for _ in range(cfg.blocks - 1))

    def forward(self, x: torch.Tensor, t: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        e = self.t_mlp(timestep_embedding(t, self.cfg.emb)) + self.label_emb(labels)
        e = F.silu(e)
        h = self.inp(x)
        skips = []
        for i, (block, more) in enumerate(zip(self.down, self.down_more)):
            h = block(h, e)
            for extra in more:
                h = extra(h, e)
            skips.append(h)
            if i < len(self.downsample):
                h = self.downsample[i](h)
        h = self.mid2(self.attn(self.mid1(h, e)), e)
        for block, more in zip(self.up, self.up_more):
            skip = skips.pop()
            if h.shape[-1] != skip.shape[-1]:
                h = F.interpolate(h, size=skip.shape[-2:], mode="nearest")
            h = block(torch.cat([h, skip], dim=1), e)
            for extra in more:
                h = extra(h, e)
        with torch.autocast(device_type=h.device.type, enabled=False):  # the output layer in float32 under a
            return self.out(F.silu(self.out_norm(h.float())))  # bf16 autocast: a mixture's means need it


class DiffusionNet(nn.Module):
    """Denoiser: x_t in model units (data scaled to [-1, 1]), t in 0..T-1 -> the quantity named by
    `cfg.prediction` (ε, v or x0) on the schedule named by `cfg.schedule`."""

    kind = "diffusion"

    def __init__(self, cfg: DiffusionConfig | None = None):
        super().__init__()
        cfg = cfg or default_config("diffusion")
        if not isinstance(cfg, DiffusionConfig):  # a plain UNetConfig: the original ε-prediction model
            cfg = DiffusionConfig(**asdict(cfg))
        self.cfg = cfg
        self.unet = UNet(cfg)

    @property
    def prediction(self) -> str:
        return self.cfg.prediction

    def noise_schedule(self):
        from engine.maths.schedule import NoiseSchedule

        return NoiseSchedule.named(self.cfg.schedule)

    def forward(self, x_t: torch.Tensor, t: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return self.unet(x_t[:, None], t.float(), labels)[:, 0]


class PixelARNet(nn.Module):
    """Order-agnostic AR model: logits (N, 784, 256) for every pixel given the known ones.

    With the logistic-mixture head the logits are the mixture's exact log-probabilities of the
    256 levels, so sampling, temperature and guidance treat both heads alike."""

    kind = "autoregressive"

    def __init__(self, cfg: ARConfig | None = None):
        super().__init__()
        cfg = cfg or default_config("autoregressive")
        if not isinstance(cfg, ARConfig):  # a plain UNetConfig: the original 256-way head
            cfg = ARConfig(**asdict(cfg))
        self.cfg = cfg
        self.unet = UNet(cfg)

    def head_outputs(self, x: torch.Tensor, known: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """x: (N, H, W) in [0, 1] (unknown pixels are ignored), known: (N, H, W) bool -> (N, H*W, out_ch)."""
        k = known.float()
        inp = torch.stack([(x * 2 - 1) * k, k], dim=1)
        frac_unknown = 1.0 - k.flatten(1).mean(1)
        out = self.unet(inp, frac_unknown * 1000.0, labels)  # (N, out_ch, H, W)
        return out.flatten(2).transpose(1, 2)

    def forward(
        self, x: torch.Tensor, known: torch.Tensor, labels: torch.Tensor, pixels: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Logits (N, 784, 256); with `pixels` (indices into the 784) only theirs, (N, len, 256):
        the sampler asks for the unknown pixels alone (a mixture's 256 levels are the costly part)."""
        out = self.head_outputs(x, known, labels)
        if pixels is not None:
            out = out[:, pixels]
        if self.cfg.head == "categorical":
            return out
        from engine.maths.logistic_mixture import all_log_probs

        return all_log_probs(out)

    def target_log_prob(
        self, x: torch.Tensor, known: torch.Tensor, labels: torch.Tensor, levels: torch.Tensor
    ) -> torch.Tensor:
        """log p(levels) of every pixel, (N, 784), for integer `levels` (N, 784): the training loss
        and bits/dim, without building all 256 levels of a mixture."""
        out = self.head_outputs(x, known, labels)
        if self.cfg.head == "categorical":
            return -F.cross_entropy(out.transpose(1, 2).float(), levels, reduction="none")
        from engine.maths.logistic_mixture import target_log_prob

        return target_log_prob(out, levels)


@dataclass
class ClassifierConfig:
    width: int = 32  # channels of the first conv block (doubled in the second)
    features: int = 128  # width of the penultimate layer (the Fréchet-distance features)
    dropout: float = 0.3

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> ClassifierConfig:
        return cls(**d)


class Classifier(nn.Module):
    kind = "classifier"

    def __init__(self, cfg: ClassifierConfig | None = None):
        super().__init__()
        cfg = cfg or ClassifierConfig()
        self.cfg = cfg
        w = cfg.width
        self.body = nn.Sequential(
            nn.Conv2d(1, w, 3, padding=1),
            nn.BatchNorm2d(w),
            nn.ReLU(),
            nn.Conv2d(w, w, 3, padding=1),
            nn.BatchNorm2d(w),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(w, 2 * w, 3, padding=1),
            nn.BatchNorm2d(2 * w),
            nn.ReLU(),
            nn.Conv2d(2 * w, 2 * w, 3, padding=1),
            nn.BatchNorm2d(2 * w),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Dropout(cfg.dropout),
            nn.Linear(2 * w * 49, cfg.features),
            nn.ReLU(),
        )
        self.head = nn.Sequential(nn.Dropout(cfg.dropout), nn.Linear(cfg.features, NUM_CLASSES))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """x: (N, H, W) in [0, 1] -> (N, features)."""
        return self.body((x[:, None] - 0.5) / 0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


ARCHITECTURES = {"autoregressive": PixelARNet, "diffusion": DiffusionNet, "classifier": Classifier}
CONFIGS = {"autoregressive": ARConfig, "diffusion": DiffusionConfig, "classifier": ClassifierConfig}


def default_config(kind: str):
    if kind == "autoregressive":
        return ARConfig(in_ch=2, out_ch=15, out_kernel=1, head="logistic_mixture", mixtures=5)
    if kind == "diffusion":
        return DiffusionConfig(in_ch=1, out_ch=1, prediction="v", schedule="cosine")
    if kind == "classifier":
        return ClassifierConfig()
    raise ValueError(f"unknown model kind {kind!r}")


def build(kind: str, cfg=None) -> nn.Module:
    return ARCHITECTURES[kind](cfg or default_config(kind))
