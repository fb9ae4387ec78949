"""GUI responsiveness while both panels run at full engine speed: `python -m benchmarks.gui_responsiveness`.

Measures, over whole runs, how many times per second the window actually repainted a new frame,
and the longest stall of the GUI event loop (the largest gap between ticks of a 5 ms timer).
"""
from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def measure(app, win, k: str, steps: int, order: str) -> tuple:
    from PySide6.QtCore import QTimer
    c = win.controls
    c.k.setCurrentText(k)
    c.order.setCurrentText(order)
    c.steps.setValue(steps)
    c.speed.setCurrentText("max")
    gaps, last, paints = [], [time.perf_counter()], [0]
    original = win._show_at

    def counting_show(*a):
        paints[0] += 1
        original(*a)

    win._show_at = counting_show

    def tick():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer(interval=5)
    timer.timeout.connect(tick)
    timer.start()
    t0 = time.perf_counter()
    win.restart()
    while not all(ln.done for ln in win.lanes.values()):
        app.processEvents()
        time.sleep(0.001)
    dur = time.perf_counter() - t0
    timer.stop()
    win._show_at = original
    frames = sum(len(ln.frames) for ln in win.lanes.values())
    return (f"AR {order} k={k} + DDIM {steps}", frames, f"{dur:.1f} s", f"{frames / dur:.0f}",
            f"{paints[0] / dur:.1f}", f"{max(gaps) * 1e3:.0f} ms", f"{sorted(gaps)[int(0.99 * len(gaps))] * 1e3:.0f} ms")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.parse_args(argv)
    from PySide6.QtWidgets import QApplication
    from benchmarks.network_speed import print_table
    from gui.main_window import MainWindow
    app = QApplication.instance() or QApplication([])
    win = MainWindow(device="cpu", remember=False)
    win.resize(1920, 1080)
    win.show()
    rows = [measure(app, win, "1", 100, "raster"), measure(app, win, "16", 100, "random"),
            measure(app, win, "64", 20, "random")]
    win.close()
    print_table(("run (mnist, label 7, w=3)", "engine frames", "wall", "engine frames/s", "repaints/s",
                 "longest stall", "99th pct gap"), rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
