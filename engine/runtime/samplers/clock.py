"""The engine time of a sampler: what `Frame.elapsed_s` counts. Only the time the generator runs
(from a resumption to its next yield) counts, not the time its consumer holds it between two
steps, so a paused run's clock stands still and a stepped run's counts only its steps."""

from __future__ import annotations

import time


class BusyClock:
    def __init__(self) -> None:
        self.busy = 0.0
        self._since = time.perf_counter()

    def lap(self) -> float:
        """Seconds of work so far; call it just before a yield."""
        now = time.perf_counter()
        self.busy += now - self._since
        self._since = now
        return self.busy

    def resume(self) -> None:
        """Call it just after the yield: the time away does not count."""
        self._since = time.perf_counter()
