"""`python main.py --render OUT`: run both panels to the end headless, then write the run
(.gif/.mp4: a Session races its lanes with no window) or the window (.png: a window is needed to
take its picture). The run comes from the command line's settings, a scenario (options given beside
it win over its settings) or an exported run (`--replay`); every export records exactly what ran
(engine.runtime.record)."""

from __future__ import annotations

import sys
import time

from engine.networks.weights import WeightsError


def render(
    app,
    out: str,
    settings=None,
    device: str = "auto",
    scenario: str | None = None,
    replay: tuple | None = None,
    overrides: dict | None = None,
) -> int:
    """`replay`: ({lane: RunSettings}, {lane: mode}) of a recorded run (engine.runtime.record.to_run);
    `overrides`: run options given beside `scenario` ({'seed': 3, 'steps': 5})."""
    from .export import check_writable

    try:
        check_writable(out)  # before the work: a missing or read-only folder fails at once
    except (OSError, ValueError) as e:
        print(f"error: --render: {e}", file=sys.stderr)
        return 2
    if not out.lower().endswith(".png"):
        return render_run(out, settings, device, scenario, replay, overrides)
    from .main_window import MainWindow

    win = MainWindow(device=device, remember=False)
    win.resize(1920, 1080)
    win.show()
    if scenario:
        if settings is not None:
            win.session.edit("dataset", settings.dataset)  # the scenario on the dataset asked for
        ok = win.apply_scenario(scenario, start=not overrides)
        if ok and overrides:
            try:
                win.session.override(overrides)
            except ValueError as e:
                print(f"error: {e}", file=sys.stderr)
                win.close()
                return 2
            ok = win.restart()
    else:
        if replay is not None:
            win.session.use_run(*replay)
        else:
            win.apply_settings(settings, start=False)
        ok = win.restart()
    win.session.set_pace(speed="max")  # as fast as it goes (the window's worker takes it at once)
    if not ok:
        print(f"error: {win.messages.last_error}", file=sys.stderr)
        return 2
    while not win.session.is_finished():
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
    if not win.export_png(out):
        errors.append(win.messages.last_error)
    win.close()
    if errors:
        print(f"error: {'; '.join(errors)}", file=sys.stderr)
        return 1
    print(f"wrote {out}")
    return 0


def _paused_for_continuations(win) -> bool:
    """The run stopped itself at a scenario's step for its continuations, and they are computed."""
    return (
        win.worker is not None
        and win.worker.is_paused()
        and not win.session.continuations_pending
        and win.continuations.task is not None
        and not win.continuations.running()
    )


def what_ran(session) -> dict:
    """Each lane's label burnt into an export: its mode and settings, the dataset, the prompt, seed and w."""
    from engine.networks.data import CLASS_NAMES

    out = {}
    for n, label in session.lane_labels().items():
        s = session.run_settings(n)
        prompt = "no prompt" if s.label is None else f"“{CLASS_NAMES[s.dataset][s.label]}”"
        out[n] = f"{label} · {s.dataset} {prompt}, w = {s.guidance:g}, seed {s.seed}"
    return out


def render_run(
    out: str,
    settings=None,
    device: str = "auto",
    scenario: str | None = None,
    replay: tuple | None = None,
    overrides: dict | None = None,
) -> int:
    """A run written as GIF/MP4 (and its record beside it) with no window: a Session's lanes raced
    to their ends (engine.runtime.session)."""
    from engine.networks.device import resolve_device
    from engine.networks.models import GENERATORS, load_models
    from engine.runtime.session import Session, run_to_end

    from .export import write_run

    try:
        resolve_device(device)
    except ValueError as e:
        print(f"note: {e.args[0].split(';')[0]}: running on the CPU instead", file=sys.stderr)
        device = "cpu"
    session = Session()
    try:
        if replay is not None and not scenario:
            dataset = replay[0]["left"].dataset
        else:  # a scenario runs on the dataset asked for (MNIST when none was)
            dataset = settings.dataset if settings is not None else "mnist"
        models = load_models(dataset, device, kinds=GENERATORS, optional=("bank",))
        if scenario:
            # its sketch is given to both panels (as in the window)
            session.load_scenario(scenario, 0, models.bank, dataset)
            session.override(overrides or {})  # options given beside the scenario win over its settings
        elif replay is not None:
            session.use_run(*replay)
        else:
            session.use_preset(settings)
        lanes = session.start_run(models)
    except (ValueError, WeightsError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    run_to_end(lanes)
    errors = [f"{ln.name} panel: {ln.error}" for ln in lanes if ln.error]
    if not errors:
        try:
            write_run({ln.name: ln.frames for ln in lanes}, out, names=what_ran(session), record=session.record())
        except (OSError, ValueError) as e:
            errors.append(str(e))
    if errors:
        print(f"error: {'; '.join(errors)}", file=sys.stderr)
        return 1
    print(f"wrote {out}")
    return 0
