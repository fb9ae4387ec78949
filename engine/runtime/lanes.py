"""The lanes of a run, with no Qt: a `Lane` is one panel's run (a generator factory, its frames and
their metrics, behind its own lock: a worker thread appends while the GUI thread paints), and
`race(lanes, pacing)` pulls one frame at a time from the lane whose turn it is.

Pacing (which lane steps next):
  same-nfe   the lane with the fewest network evaluations so far; ties (two forward processes,
             NFE 0 throughout) take turns, so the counters race honestly;
  same-time  the lane that has spent the least engine time;
  fastest    round-robin: each lane one step in turn, as fast as each goes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from engine.maths import metrics
from engine.runtime.modes import shows_real_image

PACINGS = ("same-nfe", "same-time", "fastest")


@dataclass
class Lane:
    """One panel's run: a generator factory and everything it has produced.

    A worker thread appends frames while the GUI thread paints them: `keep`, `end`, `fail` and
    `snapshot` go through the lane's own lock, and `version` counts every change (latest-frame-wins:
    the painter compares versions, never a queue)."""

    name: str
    make: Callable[[], Iterator]  # () -> iterator of Frames
    frames: list = field(default_factory=list)
    done: bool = False
    error: str | None = None  # why the lane stopped early ("ValueError: ...")
    it: Iterator | None = None  # its running generator (set by race; a carried-over lane keeps its own)
    busy_s: float = 0.0  # engine time spent on this lane
    classifier: Any = None  # for p(class | x0) in its metrics (a torch module, or None)
    metrics: list = field(default_factory=list)  # one dict a frame (engine.maths.metrics.frame_metrics)
    distances: list | None = None  # x0's distance to where the run ended, once it has ended
    reference_spectrum: np.ndarray | None = None  # real images' power by frequency band (metrics)
    version: int = 0  # bumped at every change another thread must see
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def keep(self, frame, measured: dict | None = None) -> None:
        """Append a frame (and its metrics) for every reader at once."""
        with self.lock:
            self.frames.append(frame)
            if measured is not None:
                self.metrics.append(measured)
            self.version += 1

    def end(self, distances: list | None = None) -> None:
        with self.lock:
            self.done = True
            if distances is not None:
                self.distances = distances
            self.version += 1

    def fail(self, msg: str) -> None:
        with self.lock:
            self.done, self.error = True, msg
            self.version += 1

    def is_done(self) -> bool:
        with self.lock:
            return self.done

    def snapshot(self) -> tuple[list, list, list | None]:
        """(frames, metrics, distances) as they are now: copies another thread may go on appending to."""
        with self.lock:
            return self.frames[:], self.metrics[:], self.distances

    def measure(self, frame) -> dict:
        """The metrics the plots show for one frame: of x0 for a generating run, of the degraded
        image itself for a forward process (its x0 is the real image, the same at every step)."""
        measured = replace(frame, x0_mean=frame.state) if shows_real_image(frame.method) else frame
        m = metrics.frame_metrics(measured, self.classifier)
        if self.reference_spectrum is not None:  # 1 in every band: as detailed as real images
            m["spectrum_vs_real"] = m["spectrum"] / np.maximum(self.reference_spectrum, 1e-12)
        return m

    def final_distances(self) -> list:
        """x0's distance to the final image at each step (a forward process: how far the image has
        drifted from the real one)."""
        if self.frames and shows_real_image(self.frames[-1].method):
            return [metrics.distance(f.state[0], f.x0_mean[0]) for f in self.frames]
        return list(metrics.distances_to_final(self.frames)) if self.frames else []


def pick(lanes: list[Lane], pacing: str = "same-nfe") -> Lane | None:
    """The lane whose turn it is (None: every lane is done)."""
    live = [ln for ln in lanes if not ln.is_done()]
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
    lane.keep(frame)
    return True


def race(
    lanes: list[Lane],
    pacing: str | Callable[[], str] = "same-nfe",
    record: Callable[[Lane, object], bool] = _append,
    on_error: Callable[[Lane, str], None] | None = None,
    on_done: Callable[[Lane], None] | None = None,
) -> Iterator[tuple[Lane, object]]:
    """Yield (lane, frame), one network step at a time, until every lane is done.

    `pacing`: a name or a callable returning one (it may change while the race runs).
    `record(lane, frame)` keeps the frame (default: appends to lane.frames) and returns False to
    stop the race, dropping the frame (a cancelled run). A lane that fails is marked done with
    its error (`on_error`), the others race on; `on_done(lane)` runs when a lane reaches its end.
    Stopping iteration between items stops the race between two network steps."""
    for ln in lanes:
        if ln.it is not None or ln.is_done():  # carried over from an earlier race (a forced pixel)
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
        assert lane.it is not None  # every live lane has its generator (made above or carried over)
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
    if not lane.is_done():
        lane.end()
        if on_done is not None:
            on_done(lane)


def _fail(lane: Lane, msg: str, on_error) -> None:
    """A failed lane is done, with its error; it has no end to report (`on_done` is for lanes that ended)."""
    lane.fail(msg)
    if on_error is not None:
        on_error(lane, msg)


def run_to_end(lanes: list[Lane], pacing: str = "same-nfe") -> list[Lane]:
    """Race the lanes to their ends with no window (`--render`, scripts); returns them."""
    for _ in race(lanes, pacing):
        pass
    return lanes


def continued(frames, after):
    """Frames of a run continued after frame `after`, numbered on from it (steps, NFE, seconds),
    so the timeline and plots run on from the step where the pixel was forced."""
    for f in frames:
        yield replace(
            f,
            step=after.step + 1 + f.step,
            total_steps=after.step + 1 + f.total_steps,
            nfe=after.nfe + f.nfe,
            elapsed_s=after.elapsed_s + f.elapsed_s,
        )
