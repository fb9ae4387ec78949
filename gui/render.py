"""`python main.py --render OUT`: run both panels to the end headless, then write the run
(.gif/.mp4) or the window (.png)."""
from __future__ import annotations

import sys
import time

from engine.weights import WeightsError


def render(app, out: str, settings, device: str = "auto", left="autoregressive", right="diffusion",
           caption=None, scenario: str | None = None) -> int:
    from .export import check_writable
    try:
        check_writable(out)  # before the work: a missing or read-only folder fails at once
    except (OSError, ValueError) as e:
        print(f"error: --render: {e}", file=sys.stderr)
        return 2
    from .main_window import MainWindow
    win = MainWindow(device=device, remember=False)
    win.resize(1920, 1080)
    win.show()
    win.controls.speed.setCurrentText("max")
    if scenario:
        ok = win.apply_scenario(scenario)
        win.controls.speed.setCurrentText("max")
        if win.worker is not None:
            win.worker.steps_per_second = 0.0
    else:
        win.apply_settings(settings, caption, left, right, start=False)
        ok = win.restart(known=settings.known, values=settings.values)
    if not ok:
        print(f"error: {win.error.text()}", file=sys.stderr)
        return 2
    while not all(ln.done for ln in win.lanes.values()):
        app.processEvents()
        time.sleep(0.01)
    win.worker.wait()
    if win.task is not None:  # a scenario's continuations
        win.task.wait()
        app.processEvents()
    win.paint(force=True)
    app.processEvents()
    errors = [ln.error for ln in win.lanes.values() if ln.error]
    try:
        if out.lower().endswith(".png"):
            if not win.export_png(out):
                errors.append(win.error.text())
        else:
            win.export_run(out)
    except (OSError, ValueError, WeightsError) as e:
        errors.append(str(e))
    win.close()
    if errors:
        print(f"error: {'; '.join(errors)}", file=sys.stderr)
        return 1
    print(f"wrote {out}")
    return 0
