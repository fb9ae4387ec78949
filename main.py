"""Pixels & Noise: `python main.py [--device auto|cpu|cuda] [--fullscreen] [--lecture] [--dataset D]`.

Also `--scenario NAME`, `--lesson [FILE]` (scenarios stepped like slides), `--self-test OUTDIR` (offscreen check of
every shipped weights file and the real worker), `--render OUT.gif|.mp4|.png [run options]` (render a run headless),
`--replay FILE` (re-run the run an export recorded) and `--reset-settings` (forget the remembered settings).
"""

from __future__ import annotations

import os
import sys

from engine.tools import cli


def parse_args(argv=None):
    p = cli.Parser(prog="python main.py", description="Autoregression and diffusion, side by side and live.")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    p.add_argument("--fullscreen", action="store_true")
    p.add_argument("--lecture", action="store_true", help="large fonts, high contrast")
    p.add_argument("--dataset", choices=("mnist", "fashion"))
    p.add_argument("--scenario", help="a named lecture preset (see --list-scenarios)")
    p.add_argument("--list-scenarios", action="store_true")
    p.add_argument(
        "--lesson",
        nargs="?",
        const="",
        metavar="FILE",
        help="step through a lesson like slides (the default lesson, or FILE; see the README)",
    )
    p.add_argument("--self-test", metavar="OUTDIR")
    p.add_argument("--render", metavar="OUT", help="render a run headless to .gif, .mp4 or .png")
    p.add_argument(
        "--replay",
        metavar="FILE",
        help="re-run exactly the run an exported PNG (its text chunk) or GIF/MP4 (its .json sidecar) "
        "was made with; with --render, render it headless",
    )
    p.add_argument(
        "--reset-settings",
        action="store_true",
        help="forget the remembered settings (the window starts with the defaults)",
    )
    r = p.add_argument_group("run options (with --render; every setting of engine/runtime/fields.py)")
    cli.add_run_flags(r, skip=("dataset",))
    args = p.parse_args(argv)
    for flag in ("render", "self_test"):  # an empty name would fall through to the window
        if getattr(args, flag) is not None and not getattr(args, flag).strip():
            p.error(f"--{flag.replace('_', '-')} needs a file or folder name, got ''")
    if args.render and not args.render.lower().endswith((".gif", ".mp4", ".png")):
        p.error("--render needs a .gif, .mp4 or .png file name")
    return args


def run_settings_from_args(args):
    """RunSettings from the command line (every flag of the settings table that was given)."""
    from engine.runtime.runs import RunSettings

    return cli.settings_from_flags(args, RunSettings(dataset=args.dataset or "mnist", label=7))


def explicit_options(args) -> dict:
    """The run options given on the command line, parsed by the settings table (they override a
    --scenario's settings)."""
    from engine.runtime import fields

    dataset = args.dataset or "mnist"
    return {
        f.name: fields.parse(f.name, getattr(args, f.name), dataset)
        for f in fields.FIELDS.values()
        if f.cli and f.name != "dataset" and getattr(args, f.name, None) is not None
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.self_test or args.render:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    if args.list_scenarios:  # before any Qt: works without a display
        from engine.runtime.scenarios import SCENARIOS

        for sc in SCENARIOS.values():
            print(f"{sc.name:20s} {sc.title}")
        return 0
    lesson = None
    if args.lesson is not None:
        from engine.runtime.lessons import LessonError, load

        try:
            lesson = load(args.lesson or None)
        except LessonError as e:  # every bad line, one line each
            print("\n".join(f"error: {line}" for line in e.problems), file=sys.stderr)
            return 2
    if args.reset_settings:
        from gui.remembered import forget

        gone = forget()
        print(f"forgot the remembered settings ({gone})" if gone else "no remembered settings to forget")
        return 0
    replay = None
    if args.replay:
        from engine.runtime import record

        try:
            replay = record.to_run(record.read(args.replay))
        except (OSError, ValueError) as e:
            print(f"error: --replay {args.replay}: {e}", file=sys.stderr)
            return 2
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Pixels & Noise")
    if args.self_test:
        from gui.self_test import run_self_test

        return run_self_test(app, args.self_test, args.device)
    if args.scenario:
        from engine.runtime.scenarios import SCENARIOS

        if args.scenario not in SCENARIOS:
            print(f"error: unknown scenario {args.scenario!r}: use one of {', '.join(SCENARIOS)}", file=sys.stderr)
            return 2
    try:
        settings = run_settings_from_args(args)
        overrides = explicit_options(args) if args.scenario else None
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    from gui.main_window import MainWindow

    if args.render:
        from gui.render import render

        return cli.run(
            lambda: render(
                app, args.render, settings, args.device, scenario=args.scenario, replay=replay, overrides=overrides
            )
        )  # SIGTERM/Ctrl+C: one line, no half-written file
    from gui.interrupts import close_on_signals

    caught = close_on_signals(app)  # Ctrl+C / SIGTERM close the window: no half-written export is left
    win = MainWindow(device=args.device, lecture=True if args.lecture else None)
    if args.dataset:
        win.session.edit("dataset", args.dataset)
    win.fullscreen() if args.fullscreen or lesson is not None else win.show()  # a lesson: fullscreen
    win.activateWindow()  # keys (a presenter remote's too) reach it at once, also where no window manager gives focus
    if lesson is not None:
        win.lesson.start(lesson, fullscreen=True)  # on the window's screen, the control rows hidden (T)
    elif replay is not None:
        win.session.use_run(*replay)
        win.restart()
    elif args.scenario:
        win.apply_scenario(args.scenario)
    else:
        win.restart()  # alive from the first second; a missing-weights message shows in the window
    code = app.exec()
    from gui.worker import wait_retired

    wait_retired()  # cancelled work still ending its last step (the window did not wait for it)
    return 128 + caught[0] if caught else code


if __name__ == "__main__":
    sys.exit(main())
