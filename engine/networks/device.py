"""Where and how the networks run: the device choice (`auto`: CUDA if available, else CPU; `cpu`;
`cuda`) and the precision wrapper (`with_precision`: fp32, or bf16 autocast around every call)."""

from __future__ import annotations

import torch

DEVICES = ("auto", "cpu", "cuda")


def resolve_device(name: str = "auto") -> torch.device:
    name = (name or "auto").lower()
    if name not in DEVICES and not name.startswith("cuda:"):
        raise ValueError(f"unknown device {name!r}: use auto, cpu or cuda")
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(
            "device cuda was asked for but no CUDA GPU is available (this torch build: "
            f"{torch.__version__}); use --device cpu or auto"
        )
    return torch.device(name)


PRECISIONS = ("fp32", "bf16")


class _Bfloat16Net:
    """A network whose every call runs under bfloat16 autocast and returns float32 again, so that
    guidance arithmetic, softmax sampling and Frames stay in float32."""

    def __init__(self, net):
        self.net = net
        self.device_type = next(net.parameters()).device.type

    def __call__(self, *args, **kwargs):
        with torch.autocast(device_type=self.device_type, dtype=torch.bfloat16):
            return self.net(*args, **kwargs).float()

    def __getattr__(self, name):  # parameters(), cfg, eval() ... of the wrapped network
        return getattr(self.net, name)


def with_precision(net, precision: str = "fp32"):
    """The network for batch sampling: as is (`fp32`, what the app uses) or under bf16 autocast.

    bf16 halves the cost of a batch-200 forward on a CPU with AVX-512 BF16 (benchmarks/precision.py
    measures speed and the difference to fp32), which is what makes 500 autoregressive samples
    (1,568 network evaluations each) affordable on a CPU."""
    if precision == "fp32":
        return net
    if precision == "bf16":
        return _Bfloat16Net(net)
    raise ValueError(f"unknown precision {precision!r}: use {' or '.join(PRECISIONS)}")
