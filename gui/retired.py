"""Threads the window stopped without waiting for them (the GUI thread never waits on the engine),
kept referenced until they end; and a worker that starts once the one it follows has ended."""

from __future__ import annotations

from PySide6.QtCore import QThread

from . import memory


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
