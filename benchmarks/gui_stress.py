"""The window under a lecturer's pressure: N random actions (restart, step, scrub, seeds, datasets,
modes, scenarios, K continuations and their cancel, forcing a pixel, closing a window mid-run),
offscreen, through the real widgets. Prints exceptions, event-loop gaps, RSS growth and threads
left. `python -m benchmarks.gui_stress [--cycles 200] [--seed 0]` (tests/gui/test_stress.py runs 40)."""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


SETTLE_S = 3.0  # idle time before the last RSS reading (the app gives memory back on its timer)


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cycles", type=int, default=200)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    import numpy as np

    from gui import worker
    from tests.gui.stress import Recorder, cycles
    from tests.gui.stress import make_window as make

    # warm up (models loaded, caches filled) before the memory baseline
    cycles(app, make, 10, seed=args.seed + 1)
    while worker.reap():
        app.processEvents()
        time.sleep(0.05)
    gc.collect()
    base, t0 = rss_mb(), time.perf_counter()
    with Recorder() as rec:
        samples = []
        closed = cycles(
            app,
            make,
            args.cycles,
            seed=args.seed,
            recorder=rec,
            every_50=lambda i: (gc.collect(), samples.append(f"{i}: {rss_mb() - base:+.0f}")),
        )
    t_end = time.perf_counter() + 120
    while worker.reap() and time.perf_counter() < t_end:
        app.processEvents()
        time.sleep(0.05)
    for _ in range(3):
        app.processEvents()
        gc.collect()
    right_after = rss_mb()
    settle = time.perf_counter() + SETTLE_S  # the lecturer stops: the window's timers run on, idle
    while time.perf_counter() < settle:
        app.processEvents()
        time.sleep(0.02)
    gaps = np.array(rec.gaps) * 1000
    alive = sum(r() is not None for r in closed)
    print(f"{args.cycles} actions in {time.perf_counter() - t0:.0f} s, {len(closed)} windows opened and closed")
    print(f"exceptions: {len(rec.errors)}" + (f" (first: {rec.errors[0]})" if rec.errors else ""))
    print(
        f"event-loop gap: p50 {np.percentile(gaps, 50):.0f} ms, p99 {np.percentile(gaps, 99):.0f} ms, "
        f"max {gaps.max():.0f} ms"
    )
    print(
        "longest time on the GUI thread per action: "
        + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in sorted(rec.slowest.items(), key=lambda kv: -kv[1]))
    )
    print(
        f"RSS: {base:.0f} -> {rss_mb():.0f} MB ({rss_mb() - base:+.0f} MB) {SETTLE_S:g} s after the last action "
        f"({right_after - base:+.0f} MB right after it); growth after N actions (MB): {', '.join(samples)}"
    )
    print(f"threads still running: {len(worker.retired_running())}; closed windows still alive: {alive}")
    return 1 if rec.errors or alive else 0


if __name__ == "__main__":
    sys.exit(main())
