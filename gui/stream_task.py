"""Generators run off the GUI thread, one per lane and taking turns (K continuations)."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread, Signal


class CancellableTask(QThread):
    """A thread that stops between items once `cancel()` is called (a thread-safe flag)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._cancel = threading.Event()

    def cancel(self):
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()


class StreamTask(CancellableTask):
    """Runs generators off the GUI thread, one per lane and taking turns (so both show progress),
    reporting every item as `progress(lane, item)` and each generator's last item as the result
    (`done({lane: result})`). Cancellable between items: a cancelled task reports nothing more."""

    progress = Signal(str, object)
    done = Signal(object)
    failed = Signal(str)

    def __init__(self, makers: dict, parent=None):
        super().__init__(parent)
        self.makers = makers

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
