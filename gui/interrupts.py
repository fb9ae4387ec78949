"""Ctrl+C in the terminal, or a SIGTERM (a `kill`, a logout), ends the window as its close button
does: exports under way are cancelled (their temporary file removed, nothing left under the final
name), runs are stopped, the remembered settings are saved. Without this the interpreter died on the
KeyboardInterrupt wherever it surfaced and an export thread's `.part` file was left behind.

Python runs a signal handler only between bytecodes of the main thread, and Qt's event loop is C++:
a light timer calls into Python a few times a second so the handler runs at once."""

from __future__ import annotations

import signal

from PySide6.QtCore import QTimer

KEEPALIVE_MS = 200


def close_on_signals(app, signals=(signal.SIGINT, signal.SIGTERM)) -> list:
    """Install the handlers; returns the signals that were caught since (for the exit code)."""
    caught: list = []

    def handler(signum, _frame):
        caught.append(signum)
        QTimer.singleShot(0, app.closeAllWindows)  # each window's closeEvent cancels its export
        QTimer.singleShot(0, app.quit)

    for s in signals:
        signal.signal(s, handler)
    keepalive = QTimer(app)
    keepalive.timeout.connect(lambda: None)
    keepalive.start(KEEPALIVE_MS)
    return caught
