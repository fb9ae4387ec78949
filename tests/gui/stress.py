"""Random lecturer actions on the real window, shared by tests/gui/test_stress.py (tens of cycles)
and benchmarks/gui_stress.py (hundreds, with timing and memory): restart, step, pause, scrub, new
seeds, dataset and mode switches, scenarios, K continuations and their cancel, forcing a pixel,
closing a window mid-run and opening the next one."""

from __future__ import annotations

import random
import sys
import time
import weakref


class Recorder:
    """Exceptions that reach Qt's event loop (sys.excepthook) and the longest event-loop gap."""

    def __init__(self):
        self.errors: list[str] = []
        self.gaps: list[float] = []
        self.slowest: dict[str, float] = {}  # action -> the longest it held the GUI thread (s)
        self._last = None

    def __enter__(self):
        self._hook, sys.excepthook = sys.excepthook, self._record
        return self

    def __exit__(self, *exc):
        sys.excepthook = self._hook

    def _record(self, typ, value, tb):
        self.errors.append(f"{typ.__name__}: {value}")

    def beat(self):
        now = time.perf_counter()
        if self._last is not None:
            self.gaps.append(now - self._last)
        self._last = now


def small_settings(win):
    c = win.controls
    c.k.setCurrentText("64")
    c.steps.setValue(10)
    c.speed.setCurrentText("max")


def make_window():
    """A real window at 1280x720 with small, fast settings: what each stress cycle opens."""
    from gui.main_window import MainWindow

    w = MainWindow(device="cpu", remember=False)
    w.resize(1280, 720)
    w.show()
    small_settings(w)
    return w


def actions(win, rng: random.Random):
    """(name, action) pairs; each action drives the window the way its widgets do."""
    c = win.controls
    return [
        ("restart", lambda: win.restart()),
        ("step", win.step_once),
        ("play/pause", win.toggle_play),
        ("new seed", win.new_seed),
        ("seed edit", lambda: c.seed.setValue(rng.randrange(0, 2**31 - 1))),
        ("dataset", lambda: c.dataset.setCurrentText(rng.choice(["mnist", "fashion"]))),
        ("steps", lambda: c.steps.setValue(rng.choice([1, 5, 10, 1000]))),
        ("px/step", lambda: c.k.setCurrentText(rng.choice(["1", "16", "64"]))),
        ("mode", lambda: c.right_mode.setCurrentText(rng.choice(["diffusion", "one-shot mean", "noise a real image"]))),
        (
            "scenario",
            lambda: win.apply_scenario(
                rng.choice(["blurry-mess", "x0-is-a-mean", "one-big-step", "forward-processes"])
            ),
        ),
        ("scrub", lambda: win.scrub(rng.randrange(0, max(1, win.timeline.maximum()) + 1))),
        ("continuations", win.run_continuations),
        ("cancel continuations", win.continuations.cancel),
        ("force a pixel", lambda: win.force_level("left", rng.randrange(256))),
        ("stop", win.stop_run),
    ]


def cycles(
    app,
    make_window,
    n: int,
    seed: int = 0,
    recorder: Recorder | None = None,
    dwell_s: float = 0.05,
    close_every: int = 10,
    every_50=None,
):
    """Run n random actions on windows made by make_window(); a window is closed mid-run every
    `close_every` actions and a new one opened. Returns weak references to the windows closed."""
    rng = random.Random(seed)
    rec = recorder or Recorder()
    win = make_window()
    closed = []
    for i in range(n):
        name, act = rng.choice(actions(win, rng))
        t = time.perf_counter()
        act()
        rec.slowest[name] = max(rec.slowest.get(name, 0.0), time.perf_counter() - t)
        t = time.perf_counter()
        while time.perf_counter() - t < dwell_s:
            app.processEvents()
            rec.beat()
            time.sleep(0.002)
        if every_50 is not None and (i + 1) % 50 == 0:
            every_50(i + 1)
        if close_every and (i + 1) % close_every == 0:
            t = time.perf_counter()
            win.close()
            rec.slowest["close"] = max(rec.slowest.get("close", 0.0), time.perf_counter() - t)
            closed.append(weakref.ref(win))
            t = time.perf_counter()
            win = make_window()
            rec.slowest["open a window"] = max(rec.slowest.get("open a window", 0.0), time.perf_counter() - t)
            rec._last = None  # opening a window is not a freeze of a window in use
    win.close()
    closed.append(weakref.ref(win))
    return closed
