"""The threads of the window's run, and no widgets: the worker racing the lanes, a worker waiting
for the one it follows (a forced pixel), and every thread started (none may be left running)."""

from __future__ import annotations

import weakref

from . import memory
from .retired import Successor, reap, retire
from .run_worker import RunWorker


class RunThreads:
    def __init__(self):
        self.worker: RunWorker | None = None
        self.successor = Successor()
        self.started = weakref.WeakSet()  # workers and continuation tasks, to check none is left running
        self._ended = weakref.WeakSet()  # those seen ended (their memory given back once)

    def start(
        self,
        lanes: list,
        pacing: str,
        speed: float,
        paused: bool = False,
        after=None,
        prepare=None,
        on_failed=None,
        on_finished=None,
    ) -> RunWorker:
        """A worker racing `lanes`; `after`: it starts once that (cancelled) worker has ended, after
        `prepare()` (a lane carried from one worker to the next)."""
        self.worker = w = RunWorker(lanes, pacing, speed)
        if on_failed is not None:
            w.failed.connect(on_failed)
        if on_finished is not None:
            w.all_finished.connect(on_finished)
        if paused:
            w.pause()
        self.started.add(w)
        if after is None:
            w.start()
        else:
            self.successor.start_after(after, prepare, w)
        return w

    def stop(self, keep_last: bool = False) -> None:
        """Cancel the worker without waiting for it: it ends after the network step under way and
        its results are dropped (`keep_last`: the step's frame is kept, for a next worker)."""
        self.successor.clear()
        if self.worker is not None:
            self.worker.keep_last = keep_last
            retire(self.worker)
            self.worker = None

    def tick(self) -> None:
        """From the GUI thread's timer: forget ended threads, start a worker whose turn came, give
        back memory a run let go of (gui.memory)."""
        reap()
        self.successor.poll()
        ended = [t for t in list(self.started) if t.isFinished() and t not in self._ended]
        if ended:
            self._ended.update(ended)
            memory.trim()
        memory.trim_if_pending()

    def snapshot(self, lanes: dict):
        """(version, {lane: (frames, metrics, distances)}), each lane copied under its own lock; the
        version changes whenever any lane does (the painter's latest-frame-wins test)."""
        version = sum(ln.version for ln in lanes.values())
        return version, {n: ln.snapshot() for n, ln in lanes.items()}

    def running(self) -> list:
        return [t for t in list(self.started) if t.isRunning()]
