"""`python main.py --render OUT`: run both panels to the end headless, then write the run
(.gif/.mp4: engine.runtime.session races the lanes with no window) or the window (.png: a window is
needed to take its picture)."""
from __future__ import annotations

import sys
import time

from engine.networks.weights import WeightsError


def render(app, out: str, settings, device: str = "auto", left="autoregressive", right="diffusion",
           caption=None, scenario: str | None = None, overrides: dict | None = None) -> int:
    """`overrides`: run options given beside `scenario` ({'seed': 3, 'steps': 5}); they win over
    the scenario's own settings, and the labels of the export say what ran."""
    from .export import check_writable
    try:
        check_writable(out)  # before the work: a missing or read-only folder fails at once
    except (OSError, ValueError) as e:
        print(f"error: --render: {e}", file=sys.stderr)
        return 2
    if not out.lower().endswith(".png"):
        return render_run(out, settings, device, left, right, scenario, overrides)
    from .main_window import MainWindow
    win = MainWindow(device=device, remember=False)
    win.resize(1920, 1080)
    win.show()
    win.controls.speed.setCurrentText("max")
    if scenario:
        ok = win.apply_scenario(scenario, start=not overrides)
        if ok and overrides:
            from engine.runtime.scenarios import override
            try:
                win.session.settings = {n: override(s, overrides) for n, s in win.session.settings.items()}
            except ValueError as e:
                print(f"error: {e}", file=sys.stderr)
                win.close()
                return 2
            win.controls.write(win.session.settings, win.session.modes)
            ok = win.restart()
        win.controls.speed.setCurrentText("max")
        if win.worker is not None:
            win.worker.steps_per_second = 0.0
    else:
        win.apply_settings(settings, caption, left, right, start=False)
        ok = win.restart(known=settings.known, values=settings.values)
    if not ok:
        print(f"error: {win.messages.last_error}", file=sys.stderr)
        return 2
    while not all(ln.done for ln in win.session.lanes.values()):
        app.processEvents()
        if _paused_for_continuations(win):  # x0-is-a-mean: its picture is the paused step with them
            break
        time.sleep(0.01)
    if not win.worker.is_paused():
        win.worker.wait()
    if win.continuations.task is not None:  # a scenario's continuations
        win.continuations.task.wait()
        app.processEvents()
    win.paint(force=True)
    app.processEvents()
    errors = [ln.error for ln in win.session.lanes.values() if ln.error]
    try:
        if out.lower().endswith(".png"):
            if not win.export_png(out):
                errors.append(win.messages.last_error)
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


def _what_ran(mode: str, s) -> str:
    """A lane's label burnt into the export: its mode and settings, with seed and guidance."""
    from engine.runtime import scenarios
    return f"{scenarios.describe(mode, s)}, seed {s.seed}, w = {s.guidance:g}"


def _paused_for_continuations(win) -> bool:
    """The run stopped itself at a scenario's step for its continuations, and they are computed."""
    return (win.worker is not None and win.worker.is_paused() and not win.session.continuations_pending
            and win.continuations.task is not None and not win.continuations.running())


def render_run(out: str, settings, device: str = "auto", left="autoregressive", right="diffusion",
               scenario: str | None = None, overrides: dict | None = None) -> int:
    """A run written as GIF/MP4 with no window: the lanes raced to their ends (engine.runtime.session)."""
    from engine.runtime import scenarios
    from engine.networks.device import resolve_device
    from engine.networks.models import load_models
    from engine.runtime.session import Lane, run_to_end

    from .export import write_run
    try:
        resolve_device(device)
    except ValueError as e:
        print(f"note: {e.args[0].split(';')[0]}: running on the CPU instead", file=sys.stderr)
        device = "cpu"
    try:
        if scenario:
            sc = scenarios.get(scenario)
            models = load_models(sc.left.dataset, device, kinds=("autoregressive", "diffusion"), optional=("bank",))
            ls, rs, _ = scenarios.settings_for(sc, 0, models.bank)
            if overrides:  # options given beside the scenario win over its settings
                ls, rs = scenarios.override(ls, overrides), scenarios.override(rs, overrides)
            lane_settings, modes = {"left": ls, "right": rs}, {"left": sc.left_mode, "right": sc.right_mode}
            if ls.known is not None:  # a scenario's sketch is given to both panels (as in the window)
                lane_settings = {n: s.with_changes(known=ls.known, values=ls.values).validate()
                                 for n, s in lane_settings.items()}
        else:
            models = load_models(settings.dataset, device, kinds=("autoregressive", "diffusion"), optional=("bank",))
            lane_settings, modes = {"left": settings, "right": settings}, {"left": left, "right": right}
    except (ValueError, WeightsError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    lanes = [Lane(n, lambda m=scenarios.mode(modes[n]).make, s=lane_settings[n]: m(models, s)) for n in modes]
    run_to_end(lanes)
    errors = [f"{ln.name} panel: {ln.error}" for ln in lanes if ln.error]
    if not errors:
        try:
            write_run({ln.name: ln.frames for ln in lanes}, out,
                      names={n: _what_ran(modes[n], lane_settings[n]) for n in modes})
        except (OSError, ValueError) as e:
            errors.append(str(e))
    if errors:
        print(f"error: {'; '.join(errors)}", file=sys.stderr)
        return 1
    print(f"wrote {out}")
    return 0
