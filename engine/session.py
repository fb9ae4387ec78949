"""A run of several lanes (one a panel), raced against each other with no Qt: `race(lanes, pacing)`
pulls one frame at a time from the lane whose turn it is and yields `(lane, frame)`; each lane
keeps its frames. The window's worker thread is a thin shell around it (pause, cancel, steps per
second, metrics); `--render` and scripts iterate it directly.

Pacing (which lane steps next):
  same-nfe   the lane with the fewest network evaluations so far; ties (two forward processes,
             NFE 0 throughout) take turns, so the counters race honestly;
  same-time  the lane that has spent the least engine time;
  fastest    round-robin: each lane one step in turn, as fast as each goes.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Iterator

PACINGS = ("same-nfe", "same-time", "fastest")


@dataclass
class Lane:
    """One panel's run: a generator factory and everything it has produced."""
    name: str
    make: Callable[[], Iterator]  # () -> iterator of Frames
    frames: list = field(default_factory=list)
    done: bool = False
    error: str | None = None      # why the lane stopped early ("ValueError: ...")
    it: Iterator | None = None    # its running generator (set by race; a carried-over lane keeps its own)
    busy_s: float = 0.0           # engine time spent on this lane


def pick(lanes: list[Lane], pacing: str = "same-nfe") -> Lane | None:
    """The lane whose turn it is (None: every lane is done)."""
    live = [ln for ln in lanes if not ln.done]
    if not live:
        return None
    if pacing == "same-nfe":
        return min(live, key=lambda ln: (ln.frames[-1].nfe if ln.frames else 0, len(ln.frames)))
    if pacing == "same-time":
        return min(live, key=lambda ln: ln.busy_s)
    if pacing == "fastest":
        return min(live, key=lambda ln: len(ln.frames))
    raise ValueError(f"unknown pacing {pacing!r}: use one of {', '.join(PACINGS)}")


def _append(lane: Lane, frame) -> bool:
    lane.frames.append(frame)
    return True


def race(lanes: list[Lane], pacing: str | Callable[[], str] = "same-nfe",
         record: Callable[[Lane, object], bool] = _append,
         on_error: Callable[[Lane, str], None] | None = None,
         on_done: Callable[[Lane], None] | None = None) -> Iterator[tuple[Lane, object]]:
    """Yield (lane, frame), one network step at a time, until every lane is done.

    `pacing`: a name or a callable returning one (it may change while the race runs).
    `record(lane, frame)` keeps the frame (default: appends to lane.frames) and returns False to
    stop the race, dropping the frame (a cancelled run). A lane that fails is marked done with
    its error (`on_error`), the others race on; `on_done(lane)` runs when a lane reaches its end.
    Stopping iteration between items stops the race between two network steps."""
    for ln in lanes:
        if ln.it is not None or ln.done:  # carried over from an earlier race (a forced pixel)
            continue
        try:
            ln.it = iter(ln.make())
        except Exception as e:  # bad settings: report (the message alone), keep the other lanes going
            _fail(ln, str(e), on_error)
    while True:
        lane = pick(lanes, pacing() if callable(pacing) else pacing)
        if lane is None:
            return
        t0 = time.perf_counter()
        try:
            frame = next(lane.it)
        except StopIteration:
            _end(lane, on_done)
            continue
        except Exception as e:
            _fail(lane, f"{type(e).__name__}: {e}", on_error)
            continue
        lane.busy_s += time.perf_counter() - t0  # "same wall-clock" counts the network step only
        if not record(lane, frame):
            return
        if frame.is_last:
            _end(lane, on_done)
        yield lane, frame


def _end(lane: Lane, on_done) -> None:
    if not lane.done:
        lane.done = True
        if on_done is not None:
            on_done(lane)


def _fail(lane: Lane, msg: str, on_error) -> None:
    """A failed lane is done, with its error; it has no end to report (`on_done` is for lanes that ended)."""
    lane.done, lane.error = True, msg
    if on_error is not None:
        on_error(lane, msg)


def run_to_end(lanes: list[Lane], pacing: str = "same-nfe") -> list[Lane]:
    """Race the lanes to their ends with no window (`--render`, scripts); returns them."""
    for _ in race(lanes, pacing):
        pass
    return lanes
