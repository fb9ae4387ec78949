"""What the window says: errors in a banner big enough for the hall, short messages beside the
timeline that clear themselves, and notices (something to know that stops nothing)."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QSizePolicy

from .worker import PACE_PREFIX, pace_note

ERROR_CHARS, ERROR_WORD = 240, 40
NOTICE_MS = 15000


def elide_message(msg: str) -> str:
    """At most ERROR_CHARS characters, no word longer than ERROR_WORD (a long pasted prompt)."""
    words = [w if len(w) <= ERROR_WORD else w[: ERROR_WORD - 1] + "…" for w in msg.split(" ")]
    out = " ".join(words)
    return out if len(out) <= ERROR_CHARS else out[: ERROR_CHARS - 1] + "…"


class Messages:
    """The banner (errors), the status label (short messages) and the whole last error
    (`last_error`: the banner elides it). The owner lays out `banner` and `status`."""

    def __init__(self, parent):
        # capped and elided: a long pasted prompt never widens the window
        self.banner = QLabel("", objectName="banner", wordWrap=True)
        self.banner.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.banner.hide()
        # short messages ("continuations done") sit beside the timeline: no height spent on a status bar
        self.status = QLabel("", objectName="status")
        self.status.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.last_error = ""  # the whole message (the banner elides it): what scripts and tests read
        self.notices: list[str] = []
        self.status_timer = QTimer(parent, singleShot=True)
        self.status_timer.timeout.connect(lambda: self.status.setText(""))
        self._paced_at = 0.0

    def show_error(self, msg: str) -> None:
        """'' clears it. The banner shows at most ERROR_CHARS characters and elides any word longer
        than ERROR_WORD; its tooltip and `last_error` keep the whole message."""
        self.last_error = msg
        self.banner.setText(f"⚠ {elide_message(msg)}" if msg else "")
        self.banner.setToolTip(msg)
        self.banner.setVisible(bool(msg))

    def show_status(self, msg: str, timeout_ms: int = 0) -> None:
        """A short message; it clears itself after timeout_ms (0: stays)."""
        self.status.setText(msg)
        self.status.setToolTip(msg)
        self.status_timer.stop()
        if timeout_ms:
            self.status_timer.start(timeout_ms)

    def show_notice(self, msg: str) -> None:
        """Beside the timeline for a while, and kept in `notices`."""
        self.notices.append(msg)
        self.show_status(f"note: {msg}", NOTICE_MS)

    def clear_pace(self) -> None:
        """A new run: the last run's pace note goes (a ready slide paints nothing that would clear it)."""
        self._paced_at = 0.0
        if self.status.text().startswith(PACE_PREFIX):
            self.show_status("")

    def report_pace(self, asked: float, achieved: float | None) -> None:
        """Pacing tells the truth: when the machine cannot keep the asked speed, say what it
        reaches (at most twice a second; the note goes when the speed is kept again)."""
        now = time.perf_counter()
        if now - self._paced_at < 0.5:
            return
        self._paced_at = now
        note = pace_note(asked, achieved)
        if note or self.status.text().startswith(PACE_PREFIX):
            self.show_status(note)
