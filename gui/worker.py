"""The run worker: one QThread pulls frames from the engine's Qt-free generators (one "lane" per
panel), paced so the two methods race honestly, checking pause/cancel between steps.

Hand-over is latest-frame-wins: the worker appends to each lane's frame list (kept whole for the
timeline) under a lock and bumps a version counter; the GUI repaints from a timer and reads only
the newest frame, so nothing piles up however fast the engine runs. Per-step metrics are computed
here, on the worker thread (each engine `Lane` knows how to measure its frames).
"""
from __future__ import annotations

import collections
import os
import sys
import threading
import time
import traceback
from PySide6.QtCore import QThread, Signal

from engine.runtime import session

from . import memory
from engine.runtime.session import Lane

def share_cpu_with_gui() -> None:
    """Keep the GUI thread responsive next to a worker that runs flat out. pyqtgraph paints
    through hundreds of Python callbacks per repaint, and each one waits for the GIL while the
    worker runs Python code: with the default 5 ms switch interval a repaint can take 100s of
    ms. 0.2 ms measured best here (99th-percentile event-loop gap ~50 ms instead of ~150 ms, no
    slower engine). Also leave one core of torch's intra-op pool free for painting."""
    sys.setswitchinterval(0.0002)
    memory.limit_arenas()  # the runs' threads share two malloc arenas (gui.memory)
    try:
        import torch
        spare = max(1, (os.cpu_count() or 2) - 1)
        if torch.get_num_threads() > spare:
            torch.set_num_threads(spare)
    except Exception:  # torch missing or already running parallel work: keep its setting
        pass


PACING = {"same-nfe": "same NFE budget", "same-time": "same wall-clock", "fastest": "as fast as possible"}


class RunWorker(QThread):
    failed = Signal(str, str)          # lane name, message
    lane_finished = Signal(str)
    all_finished = Signal()

    def __init__(self, lanes: list[Lane], pacing: str = "same-nfe", steps_per_second: float = 0.0, parent=None):
        super().__init__(parent)
        self.lanes = lanes
        self.pacing = pacing
        self.steps_per_second = steps_per_second  # 0 = no cap
        self.lock = threading.Lock()
        self.version = 0
        self._cancel = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._single_steps = 0
        self._stamps = collections.deque(maxlen=64)  # wall-clock times of the latest frames (achieved pace)
        self.keep_last = False  # keep the frame of a step a cancel interrupted (lanes carried to a next worker)

    # -- control, callable from the GUI thread ---------------------------------------------
    def pause(self):
        self._running.clear()

    def resume(self):
        self._running.set()

    def is_paused(self) -> bool:
        return not self._running.is_set()

    def step_once(self):
        """Advance one step (of the lane the pacing picks) while paused."""
        with self.lock:
            self._single_steps += 1
        self._running.set()

    def cancel(self):
        self._cancel.set()
        self._running.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def achieved_rate(self, window_s: float = 2.0) -> float | None:
        """Steps per second actually reached over the last `window_s` (None: too few frames)."""
        with self.lock:
            stamps = list(self._stamps)
        if not stamps or time.perf_counter() - stamps[-1] > 1.0:
            return None  # paused, finished or just started: no pace to report
        recent = [t for t in stamps if t >= stamps[-1] - window_s]
        if len(recent) < 5 or recent[-1] <= recent[0]:
            return None
        return (len(recent) - 1) / (recent[-1] - recent[0])

    # -- the loop: a thin shell around engine.runtime.session.race ---------------------------------
    def _pick(self) -> Lane | None:
        return session.pick(self.lanes, self.pacing)

    def _record(self, lane: Lane, frame) -> bool:
        """Keep a frame with its metrics (computed here, on the worker thread); False drops it and
        ends the race: a cancel arrived during the step."""
        try:
            m = lane.measure(frame)
        except Exception as e:  # the lane stops with its error, the others race on
            lane.done, lane.error = True, f"{type(e).__name__}: {e}"
            traceback.print_exc()
            self.failed.emit(lane.name, lane.error)
            return True
        if self._cancel.is_set() and not self.keep_last:
            return False  # stopped mid-step: the step belongs to a run nobody shows any more
        with self.lock:
            lane.frames.append(frame)
            self._stamps.append(time.perf_counter())
            lane.metrics.append(m)
            self.version += 1
            if self._single_steps:
                self._single_steps -= 1
                if self._single_steps == 0:
                    self._running.clear()
        return True

    def _failed(self, lane: Lane, msg: str):
        exc = sys.exc_info()[0]
        if exc is not None and msg.startswith(f"{exc.__name__}:"):  # a step that raised (not bad settings)
            traceback.print_exc()
        self.failed.emit(lane.name, msg)

    def run(self):
        steps = session.race(self.lanes, lambda: self.pacing, record=self._record, on_error=self._failed,
                             on_done=self._finish)
        try:
            while not self._cancel.is_set():
                self._running.wait()
                if self._cancel.is_set():
                    break
                t0 = time.perf_counter()
                if next(steps, None) is None:
                    break
                if self.steps_per_second > 0:  # the step's own time counts: 10 steps/s means 10 a second
                    self._cancel.wait(max(0.0, 1.0 / self.steps_per_second - (time.perf_counter() - t0)))
        finally:
            steps.close()
        if not self._cancel.is_set():
            self.all_finished.emit()

    def _finish(self, lane: Lane):
        """A lane reached its end: the distances of its x0 to where it ended up."""
        if lane.frames:
            d = lane.final_distances()
            with self.lock:
                lane.distances = d
                self.version += 1
        self.lane_finished.emit(lane.name)


class StreamTask(QThread):
    """Runs generators off the GUI thread, one per lane and taking turns (so both show progress),
    reporting every item as `progress(lane, item)` and each generator's last item as the result
    (`done({lane: result})`). Cancellable between items: a cancelled task reports nothing more."""
    progress = Signal(str, object)
    done = Signal(object)
    failed = Signal(str)

    def __init__(self, makers: dict, parent=None):
        super().__init__(parent)
        self.makers = makers
        self._cancel = threading.Event()

    def cancel(self):
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self):
        try:
            its = {n: iter(make()) for n, make in self.makers.items()}
            last = {}
            while its and not self._cancel.is_set():
                for name in list(its):
                    try:
                        last[name] = next(its[name])
                    except StopIteration:
                        del its[name]
                        continue
                    self.progress.emit(name, last[name])
                    if self._cancel.is_set():
                        return
            if not self._cancel.is_set():
                self.done.emit(last)
        except Exception as e:
            self.failed.emit(f"{type(e).__name__}: {e}")


def retire(thread: QThread | None) -> None:
    """Stop a worker or task without waiting for it: it is cancelled (it ends after the network
    step under way, and reports nothing more) and kept referenced here until it has ended, so it is
    not destroyed while running. The GUI thread never waits on the engine."""
    if thread is None:
        return
    thread.cancel()
    if thread.isRunning():
        _RETIRED.add(thread)
    reap()


def reap() -> int:
    """Forget retired threads that have ended (called from the GUI thread's timers) and give their
    memory back (gui.memory); how many still run."""
    ended = [t for t in _RETIRED if t.isFinished()]
    for t in ended:
        _RETIRED.discard(t)
    if ended:
        memory.trim()
    return len(_RETIRED)


def retired_running() -> list:
    return [t for t in _RETIRED if t.isRunning()]


def wait_retired(timeout_ms: int = 30000) -> None:
    """At exit only (the window is gone): let retired threads end before Qt tears down."""
    for t in list(_RETIRED):
        t.wait(timeout_ms)
    reap()


_RETIRED: set = set()


class Successor:
    """A worker that starts once the (cancelled) worker it follows has ended, after `prepare()`:
    a lane carried from one worker to the next is never stepped by both. The GUI timer polls;
    nothing waits."""

    def __init__(self):
        self._pending = None

    def start_after(self, old, prepare, worker):
        self._pending = (old, prepare, worker)
        self.poll()

    def poll(self):
        if self._pending is None:
            return
        old, prepare, worker = self._pending
        if old is not None and not old.isFinished():
            return
        self._pending = None
        prepare()
        worker.start()

    def clear(self):
        self._pending = None

PACE_PREFIX = "running at"


def pace_note(asked: float, achieved: float | None) -> str:
    """'' while the run keeps (80 % of) the asked steps per second, else what it reaches."""
    if not asked or achieved is None or achieved >= 0.8 * asked:
        return ""
    return f"{PACE_PREFIX} {achieved:.0f} of {asked:.0f} steps/s"  # short: it must fit beside the timeline at 1280 px
