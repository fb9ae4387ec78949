"""GUI responsiveness while both panels run at full engine speed: `python -m benchmarks.gui_responsiveness`.

Runs the real window (offscreen, 1920x1080) in the real Qt event loop (`QEventLoop.exec`, not a
polling loop) and measures, over whole runs:

* repaints/s: how many times per second the window painted a new frame (the display timer reads
  the newest frame, latest-wins, so this is at most min(display rate, engine frames/s));
* the longest stall of the GUI event loop and its 99th percentile (the gaps between ticks of a
  5 ms timer; a tick that arrives late means input and painting waited that long), over the
  whole run and once both panels have their first frame (the start includes stopping the old
  run, starting the worker and the first network call);
* the slowest single repaint (time spent in the window's paint code for one frame).

Models are loaded before measuring (loading is a one-off at start-up or on a dataset switch).
The machine's load average is printed with the table: on a shared 2-core box the numbers
mostly measure the other processes.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

RUNS = [("1", 100, "raster"), ("16", 100, "random"), ("64", 20, "random")]


def measure(win, k: str, steps: int, order: str, lecture: bool) -> tuple:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    c = win.controls
    c.k.setCurrentText(k)
    c.order.setCurrentText(order)
    c.steps.setValue(steps)
    c.speed.setCurrentText("max")
    if win.lecture != lecture:
        win.set_lecture_mode(lecture)
        for _ in range(3):  # let the new style's re-layout settle: pressing L is not part of a run
            QApplication.processEvents()
    gaps, last, paints, slowest = [], [time.perf_counter()], [0], [0.0]
    original = win.display.show_at

    def counting_show(*a, **kw):
        t = time.perf_counter()
        original(*a, **kw)
        paints[0] += 1
        slowest[0] = max(slowest[0], time.perf_counter() - t)

    win.display.show_at = counting_show
    loop = QEventLoop()

    def tick():
        now = time.perf_counter()
        started = bool(win.session.lanes) and all(ln.frames for ln in win.session.lanes.values())
        gaps.append((now - last[0], started))
        last[0] = now
        if win.session.lanes and all(ln.done for ln in win.session.lanes.values()) and win.worker.isFinished():
            loop.quit()

    timer = QTimer(interval=5)
    timer.timeout.connect(tick)
    t0 = time.perf_counter()
    win.restart()
    last[0] = time.perf_counter()
    timer.start()
    loop.exec()
    dur = time.perf_counter() - t0
    timer.stop()
    win.display.show_at = original
    frames = sum(len(ln.frames) for ln in win.session.lanes.values())
    g = sorted(x for x, _ in gaps)
    running = sorted(x for x, started in gaps if started) or [0.0]
    name = f"AR {order} k={k} + DDIM {steps}" + (" (lecture)" if lecture else "")
    return (
        name,
        frames,
        f"{dur:.1f} s",
        f"{frames / dur:.0f}",
        f"{paints[0] / dur:.1f}",
        f"{g[-1] * 1e3:.0f} ms",
        f"{running[-1] * 1e3:.0f} ms",
        f"{g[int(0.99 * (len(g) - 1))] * 1e3:.0f} ms",
        f"{slowest[0] * 1e3:.0f} ms",
    )


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="only the two short runs")
    args = p.parse_args(argv)
    from PySide6.QtWidgets import QApplication

    from benchmarks.network_speed import print_table
    from gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    win = MainWindow(device="cpu", remember=False)
    win.resize(1920, 1080)
    win.show()
    win.models("mnist")
    app.processEvents()
    runs = RUNS[1:] if args.quick else RUNS
    rows = [measure(win, *r, lecture=False) for r in runs] + [measure(win, *RUNS[1], lecture=True)]
    win.close()
    print_table(
        (
            "run (mnist, label 7, w=3, 1920x1080)",
            "engine frames",
            "wall",
            "engine frames/s",
            "repaints/s",
            "longest stall",
            "… once both panels run",
            "99th pct gap",
            "slowest repaint",
        ),
        rows,
    )
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(f"cpus: {os.cpu_count()}, load average (1 min) after the runs: {load[0]:.1f}" if load else "")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
