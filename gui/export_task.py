"""A run written as GIF/MP4 off the GUI thread: the pictures are composed and encoded by a
thread, with progress beside the timeline and a cancel button there (the window stays live). A
cancelled or failed export leaves nothing under the file's name (gui.export writes atomically)."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton

from . import export
from .retired import retire
from .stream_task import CancellableTask


class ExportTask(CancellableTask):
    """export.write_run on a thread: `progress(done, total)` per picture, then `done(path)` or
    `failed(message)` (nothing after a cancel)."""

    progress = Signal(int, int)
    done = Signal(str)
    failed = Signal(str)

    def __init__(self, lanes: dict, path: Path, names: dict, record: dict | None, parent=None):
        super().__init__(parent)
        self.lanes, self.path, self.names, self.record = lanes, path, names, record

    def run(self):
        try:
            out = export.write_run(
                self.lanes,
                self.path,
                names=self.names,
                record=self.record,
                progress=lambda i, n: self.progress.emit(i, n),
                cancelled=self._cancel.is_set,
            )
        except (export.ExportCancelled, OSError, ValueError) as e:
            if not self.cancelled():
                self.failed.emit(str(e))
            return
        except Exception as e:  # noqa: BLE001 - an encoder's own error: a banner, never a crash
            if not self.cancelled():
                self.failed.emit(f"cannot write {self.path}: {type(e).__name__}: {e}")
            return
        if not self.cancelled():
            self.done.emit(str(Path(out).resolve()))


def _row_holding(layout, widget):
    """The layout (inside `layout`) that holds `widget`, or None."""
    if layout is None:
        return None
    if layout.indexOf(widget) >= 0:
        return layout
    for i in range(layout.count()):
        found = _row_holding(layout.itemAt(i).layout(), widget)
        if found is not None:
            return found
    return None


class ExportRunner:
    """Starts an export task, shows its progress in `status(msg, ms)` with a cancel button beside
    it (put in the status label's row), says the result (`saved(path)`, `error(msg)`)."""

    def __init__(self, win, status: Callable, saved: Callable, error: Callable, threads: set):
        self.status, self.saved, self.error, self.threads = status, saved, error, threads
        self.task: ExportTask | None = None
        self.button = QPushButton("✕ cancel export")
        self.button.setToolTip("Stop writing the run (nothing is left under its name).")
        self.button.hide()
        self.button.clicked.connect(self.cancel)
        row = _row_holding(win.centralWidget().layout(), win.messages.status)
        if row is not None:
            row.insertWidget(row.indexOf(win.messages.status) + 1, self.button)

    def running(self) -> bool:
        return self.task is not None and self.task.isRunning()

    def start(self, lanes: dict, path: Path, names: dict, record: dict | None) -> ExportTask:
        self.cancel(quiet=True)
        task = ExportTask(lanes, path, names, record)
        me = weakref.ref(task)
        mine = lambda: self.task is not None and self.task is me()  # noqa: E731
        name = path.name
        task.progress.connect(lambda i, n: mine() and self.status(f"writing {name}: picture {i} of {n}", 0))
        task.done.connect(lambda out: mine() and self._end(lambda: self.saved(out)))
        task.failed.connect(lambda msg: mine() and self._end(lambda: self.error(msg)))
        self.task = task
        self.threads.add(task)
        self.status(f"writing {name}…", 0)
        self.button.show()
        task.start()
        return task

    def _end(self, say: Callable) -> None:
        retire(self.task)  # its thread is still ending: kept referenced until it has (never destroyed running)
        self.task = None
        self.button.hide()
        self.status("", 0)
        say()

    def cancel(self, quiet: bool = False) -> None:
        if self.task is None:
            return
        retire(self.task)  # ends between two pictures (or after the encoding): nothing is written
        self.task = None
        self.button.hide()
        self.status("" if quiet else "export cancelled: nothing written", 0 if quiet else 4000)
