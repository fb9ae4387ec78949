"""The shared x-axis of the timeline, the plots and exported runs: network evaluations (NFE),
so the two methods race honestly, or the step index when a panel runs no network at all (the
forward processes: a real image being erased or noised, NFE 0 throughout)."""

from __future__ import annotations

NFE, STEP = "nfe", "step"
LABEL = {NFE: "network evaluations", STEP: "step"}
SHORT = {NFE: "NFE", STEP: "step"}


def axis_for_modes(modes) -> str:
    """STEP when some panel runs a forward process (its mode says so), else NFE."""
    from engine.runtime.modes import MODES

    return STEP if any(MODES[m].forward for m in modes) else NFE


def axis_for_lanes(frame_lists) -> str:
    """NFE unless some lane's run used no network."""
    return STEP if any(fr and fr[-1].nfe == 0 for fr in frame_lists) else NFE


def position(frame, axis: str) -> int:
    return frame.nfe if axis == NFE else frame.step + 1


def metric_position(m: dict, axis: str) -> int:
    return m["nfe"] if axis == NFE else m["step"] + 1
