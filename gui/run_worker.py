"""The run worker: one QThread pulls frames from the engine's Qt-free generators (one "lane" per
panel), paced so the two methods race honestly, checking pause/cancel between steps.

Hand-over is latest-frame-wins: the worker appends to each lane's frame list (kept whole for the
timeline) through the engine's `Lane` (its own lock and version counter); the GUI repaints from a
timer and reads only the newest frame, so nothing piles up however fast the engine runs. Per-step
metrics are computed here, on the worker thread (each engine `Lane` knows how to measure its frames).
"""

from __future__ import annotations

import collections
import sys
import threading
import time
import traceback

from PySide6.QtCore import QThread, Signal

from engine.runtime.lanes import Lane, race


class RunWorker(QThread):
    failed = Signal(str, str)  # lane name, message
    lane_finished = Signal(str)
    all_finished = Signal()

    def __init__(self, lanes: list[Lane], pacing: str = "same-nfe", steps_per_second: float = 0.0, parent=None):
        super().__init__(parent)
        self.lanes = lanes
        self.pacing = pacing
        self.steps_per_second = steps_per_second  # 0 = no cap
        self.lock = threading.Lock()  # the worker's own controls (single steps, pace stamps); lanes lock themselves
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

    # -- the loop: a thin shell around engine.runtime.lanes.race ---------------------------------
    def _record(self, lane: Lane, frame) -> bool:
        """Keep a frame with its metrics (computed here, on the worker thread); False drops it and
        ends the race: a cancel arrived during the step."""
        try:
            m = lane.measure(frame)
        except Exception as e:  # the lane stops with its error, the others race on
            lane.fail(f"{type(e).__name__}: {e}")
            traceback.print_exc()
            self.failed.emit(lane.name, lane.error)
            return True
        if self._cancel.is_set() and not self.keep_last:
            return False  # stopped mid-step: the step belongs to a run nobody shows any more
        lane.keep(frame, m)  # under the lane's own lock: the GUI thread paints from a snapshot
        with self.lock:
            self._stamps.append(time.perf_counter())
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
        steps = race(self.lanes, lambda: self.pacing, record=self._record, on_error=self._failed, on_done=self._finish)
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
            lane.end(lane.final_distances())
        self.lane_finished.emit(lane.name)
