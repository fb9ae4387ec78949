"""K continuations from the step on screen, off the GUI thread: start them, report progress,
cancel them, show their mean and spread in the panels. It holds the task and the widgets it
reports to (given to it), not the window: the window decides when and from which frames."""

from __future__ import annotations

import weakref
from collections.abc import Callable

from engine.runtime.samplers.continuations import iter_continuations

from .controls import CONT_TEXT
from .retired import retire
from .stream_task import StreamTask

# An AR continuation from early in a 1-pixel-a-step run has hundreds of steps (minutes on a CPU):
# it fixes more pixels a step so that it takes at most this many (engine.continuations: each
# pixel's expected value, and so the continuations' mean, stays the same).
CONT_MAX_STEPS = 64


class ContinuationsRunner:
    def __init__(self, panels: dict, button, status: Callable[[str, int], None], error: Callable[[str], None], threads):
        """`panels`: lane name -> MethodPanel (show_continuations); `button`: the K-continuations
        button (it reads "✕ cancel" while they run); `status(msg, ms)`, `error(msg)`: where to say
        things; `threads`: the window's set of started threads (checked at close)."""
        self.panels, self.button, self.status, self.error, self.threads = panels, button, status, error, threads
        self.task: StreamTask | None = None
        self._from: dict = {}
        self._progress: dict = {}

    def running(self) -> bool:
        return self.task is not None and self.task.isRunning()

    def start(self, models, frames: dict, k: int, seed: int, at: dict) -> None:
        """K continuations of each lane's frame in `frames` (shown at timeline positions `at`).
        The window cancels them when its run stops: the result of cancelled ones is dropped."""
        self.status(f"running {k} continuations of each method…", 0)
        task = StreamTask(
            {
                n: (lambda f=f: iter_continuations(models, f, k=k, seed=seed, max_steps=CONT_MAX_STEPS))
                for n, f in frames.items()
            }
        )
        self._from, self._progress = frames, {}
        # weak references: a task's signals must not keep the task (or the run) alive through the
        # lambdas connected to them
        me = weakref.ref(task)
        mine = lambda: self.task is not None and self.task is me() and not self.task.cancelled()  # noqa: E731
        task.progress.connect(lambda lane, item: mine() and self._report(k, lane, item))
        task.done.connect(lambda result: self._show(result, at) if mine() else None)
        task.failed.connect(lambda msg: mine() and self.error(msg))
        task.finished.connect(lambda: self.task is me() and self.button.setText(CONT_TEXT))
        self.task = task
        self.threads.add(task)
        self.button.setText("✕ cancel")
        task.start()

    def cancel(self, quiet: bool = False) -> None:
        """Cancel the task, running or with its result still on the way (it is dropped)."""
        if self.task is None:
            return
        was_running = self.running()
        retire(self.task)  # ends between two of its steps; nothing waits for it
        self.task = None
        self.button.setText(CONT_TEXT)
        if was_running:  # quiet (the run stopped): no word, but no progress line left behind either
            self.status("" if quiet else "continuations cancelled", 0 if quiet else 4000)

    def _report(self, k: int, lane: str, item) -> None:
        """'K continuations: left 37/196 · right 12/25' while they run (each a batched step)."""
        if hasattr(item, "done") and hasattr(item, "total"):
            self._progress[lane] = f"{lane} {item.done}/{item.total}"
            self.status(f"{k} continuations: {' · '.join(self._progress.values())}   (✕ cancel)", 0)

    def _show(self, result: dict, at: dict) -> None:
        for name, c in result.items():
            self.panels[name].show_continuations(c, at[name])
        faster = [
            (n, c.pixels_per_step)
            for n, c in result.items()
            if c.pixels_per_step and c.pixels_per_step > self._from[n].settings.pixels_per_step
        ]
        note = "".join(
            f"; {n}: {p} pixels a step, at most {CONT_MAX_STEPS} steps (same mean, faster)" for n, p in faster
        )
        self.status(f"continuations done{note}", 8000 if note else 4000)
