"""The window's threads, by job: the run worker (gui.run_worker), continuations' task
(gui.stream_task), stopped threads and successors (gui.retired); here what keeps the GUI thread
responsive beside them and the pace note. Names importable from here as before."""

from __future__ import annotations

import os
import sys

from engine.runtime.lanes import Lane  # noqa: F401 (scripts import it from here)

from . import memory
from .retired import Successor, reap, retire, retired_running, wait_retired  # noqa: F401
from .run_worker import RunWorker  # noqa: F401
from .stream_task import StreamTask  # noqa: F401


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


PACE_PREFIX = "running at"


def pace_note(asked: float, achieved: float | None) -> str:
    """'' while the run keeps (80 % of) the asked steps per second, else what it reaches."""
    if not asked or achieved is None or achieved >= 0.8 * asked:
        return ""
    return f"{PACE_PREFIX} {achieved:.0f} of {asked:.0f} steps/s"  # short: it must fit beside the timeline at 1280 px
