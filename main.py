"""Pixels & Noise: `python main.py [--device auto|cpu|cuda] [--fullscreen] [--lecture] [--dataset D]`.

Also `--scenario NAME`, `--lesson [FILE]` (scenarios stepped like slides), `--self-test OUTDIR` (offscreen check of every shipped weights file and the real worker) and
`--render OUT.gif|.mp4|.png [run options]` (render a run headless).
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
    p.add_argument("--lesson", nargs="?", const="", metavar="FILE",
                   help="step through a lesson like slides (the default lesson, or FILE; see the README)")
    p.add_argument("--self-test", metavar="OUTDIR")
    p.add_argument("--render", metavar="OUT", help="render a run headless to .gif, .mp4 or .png")
    r = p.add_argument_group("run options (with --render)")
    r.add_argument("--label", help="class number or word, or none")
    r.add_argument("--seed", type=cli.ranged("seed"), help="0 to %d" % cli.LIMITS["seed"][1])
    r.add_argument("--guidance", type=cli.ranged("guidance"))
    r.add_argument("--order")
    r.add_argument("--pixels-per-step", type=cli.ranged("pixels_per_step"))
    r.add_argument("--temperature", type=cli.ranged("temperature"))
    r.add_argument("--greedy", action="store_true")
    r.add_argument("--sampler", choices=("ddim", "ddpm"))
    r.add_argument("--steps", type=cli.ranged("steps"))
    r.add_argument("--eta", type=cli.ranged("eta"))
    args = p.parse_args(argv)
    for flag in ("render", "self_test"):  # an empty name would fall through to the window
        if getattr(args, flag) is not None and not getattr(args, flag).strip():
            p.error(f"--{flag.replace('_', '-')} needs a file or folder name, got ''")
    if args.render and not args.render.lower().endswith((".gif", ".mp4", ".png")):
        p.error("--render needs a .gif, .mp4 or .png file name")
    return args


def run_settings_from_args(args):
    """RunSettings from the command line (on top of a scenario's, if one is named)."""
    from engine.networks.data import parse_label
    from engine.runtime.runs import ARSettings, DiffusionSettings, RunSettings
    base = RunSettings(dataset=args.dataset or "mnist", label=7)
    ar, df = base.ar, base.diffusion
    given = lambda v, default: default if v is None else v  # noqa: E731 (0 is a value, never "not given")
    ar = ARSettings(given(args.order, ar.order), given(args.pixels_per_step, ar.pixels_per_step),
                    given(args.temperature, ar.temperature), args.greedy or ar.greedy)
    df = DiffusionSettings(given(args.sampler, df.sampler), given(args.steps, df.steps), given(args.eta, df.eta))
    label = base.label if args.label is None else parse_label(args.label, base.dataset)
    return base.with_changes(label=label, ar=ar, diffusion=df, seed=args.seed if args.seed is not None else base.seed,
                             guidance=base.guidance if args.guidance is None else args.guidance).validate()


RUN_OPTIONS = ("label", "seed", "guidance", "order", "pixels_per_step", "temperature", "sampler", "steps", "eta")


def explicit_options(args) -> dict:
    """The run options given on the command line (they override a --scenario's settings)."""
    from engine.networks.data import parse_label
    given = {k: getattr(args, k) for k in RUN_OPTIONS if getattr(args, k) is not None}
    if args.greedy:
        given["greedy"] = True
    if "label" in given:
        given["label"] = parse_label(given["label"], args.dataset or "mnist")
    return given


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
        return cli.run(lambda: render(app, args.render, settings, args.device, scenario=args.scenario,
                                      overrides=overrides))  # SIGTERM/Ctrl+C: one line, no half-written file
    win = MainWindow(device=args.device, lecture=True if args.lecture else None)
    if args.dataset:
        win.controls.dataset.setCurrentText(args.dataset)
    win.fullscreen() if args.fullscreen else win.show()
    win.activateWindow()  # keys (a presenter remote's too) reach it at once, also where no window manager gives focus
    if lesson is not None:
        win.lesson.start(lesson)
    elif args.scenario:
        win.apply_scenario(args.scenario)
    else:
        win.restart()  # alive from the first second; a missing-weights message shows in the window
    code = app.exec()
    from gui.worker import wait_retired
    wait_retired()  # cancelled work still ending its last step (the window did not wait for it)
    return code


if __name__ == "__main__":
    sys.exit(main())
