"""The Session is the model, the window a view of it (issue 26): a number shows with the precision
it runs at, nothing starts or continues a run from a widget, and a mode registered only here appears,
runs and is titled with no edit under gui/."""

import re
from dataclasses import replace

import pytest

from engine.runtime import modes, runs
from engine.runtime.runs import ARSettings, DiffusionSettings, RunSettings

from .conftest import ROOT, wait_done


def test_guidance_225_is_shown_and_run_as_225(qtbot, win):
    win.apply_settings(
        RunSettings(label=7, guidance=2.25, ar=ARSettings(pixels_per_step=64), diffusion=DiffusionSettings(steps=5)),
        start=False,
    )
    assert win.controls.guidance.value() == 2.25 and "2.25" in win.controls.guidance.text()
    s, _ = win.controls.read()
    assert s["left"].guidance == s["right"].guidance == 2.25  # what the controls show is what runs
    assert win.restart()
    wait_done(qtbot, win)
    assert all(ln.frames[-1].settings.guidance == 2.25 for ln in win.session.lanes.values())
    assert win.session.record()["settings"]["left"]["guidance"] == 2.25


def test_the_planned_steps_control_sits_beside_px_per_step_and_runs(qtbot, win):
    lane = win.controls.lanes["left"]
    assert lane.planned_steps.isVisibleTo(win) and lane.k.isVisibleTo(win)
    assert lane.planned_steps.specialValueText() == "off" and lane.planned_steps.value() == 0
    assert "loss curve" in lane.planned_steps.toolTip()
    assert not win.controls.lanes["right"].planned_steps.isVisibleTo(win)  # diffusion does not use it
    lane.planned_steps.setValue(12)  # as the user would: through the widget
    assert win.session.settings["left"].ar.planned_steps == 12
    assert win.session.settings["right"].ar.planned_steps == 0  # a panel's own setting
    assert "planned 12 steps" in win.session.lane_labels()["left"]


def test_continuations_and_a_forced_pixel_take_the_run_on_screen_not_an_edit_since(qtbot, win, monkeypatch):
    win.controls.seed.setValue(5)
    assert win.restart()
    wait_done(qtbot, win)
    asked, started = [], []
    real = win.models
    monkeypatch.setattr(win, "models", lambda ds: asked.append(ds) or real(ds))
    monkeypatch.setattr(win.continuations, "start", lambda models, frames, k, seed, at: started.append((k, seed)))
    win._edit_timer.setInterval(60000)  # the edits below stay edits: the run on screen is the old one
    win.controls.seed.setValue(77)
    win.controls.cont_k.setValue(4)
    win.controls.dataset.setCurrentText("fashion")
    assert win.session.settings["left"].dataset == "fashion"
    win.run_continuations()
    assert asked == ["mnist"] and started == [(4, 5)]  # K as set, the seed and dataset of the run shown
    assert win.force_level("left", 200)
    assert asked[-1] == "mnist"


def test_a_prompt_that_is_no_class_is_said_and_never_runs(qtbot, win):
    win.controls.prompt.setText("giraffe")
    assert "giraffe" in win.messages.last_error
    assert win.session.settings["left"].label == 7  # the Session keeps the last value that was one
    assert not win.restart()
    win.controls.prompt.setText("3")
    assert win.session.settings["left"].label == 3 and win.restart()


def test_gui_has_no_mode_name_literal():
    names = [m for m in modes.MODES]
    hits = []
    for f in sorted((ROOT / "gui").glob("*.py")):
        text = f.read_text(encoding="utf-8")
        for n in names:
            for m in re.finditer(rf"[\"']{re.escape(n)}[\"']", text):
                hits.append(f"{f.name}:{text[: m.start()].count(chr(10)) + 1}: {n}")
    assert not hits, hits


@pytest.fixture
def test_mode():
    """A generator the window has never seen: diffusion's frames under a new method name."""

    def make(models, s):
        for f in runs.diffusion_frames(models, s):
            yield replace(f, method="test-flow")

    m = modes.register(
        modes.Mode(
            "test-flow",
            "flow (a test)",
            ("steps", "temperature"),
            False,
            make,
            choice="a test's flow",
            side_title="the test's side",
            side_plot=modes.SCHEDULE,
        )
    )
    yield m
    modes.unregister("test-flow")


def test_a_mode_registered_only_in_a_test_shows_runs_and_is_titled(qtbot, test_mode):
    import main
    from gui.main_window import MainWindow

    w = MainWindow(device="cpu", remember=False)
    try:
        w.show()
        c = w.controls
        for lane in c.lanes.values():  # in both panels' show boxes
            assert lane.mode.findText("a test's flow") >= 0
        c.speed.setCurrentText("max")
        c.k.setCurrentText("64")
        c.lanes["left"].mode.setCurrentText("a test's flow")  # as the user would
        assert w.session.modes["left"] == "test-flow"
        left = c.lanes["left"]
        assert left.title() == "flow (a test)"
        assert left.steps.isVisibleTo(w) and left.temperature.isVisibleTo(w) and not left.order.isVisibleTo(w)
        left.steps.setValue(3)
        assert w.restart(), w.messages.last_error
        wait_done(qtbot, w)
        ln = w.session.lanes["left"]
        assert len(ln.frames) == 3 and ln.frames[-1].method == "test-flow" and not ln.error
        assert w.panels["left"].title.text().startswith("FLOW (A TEST)")
        assert w.panels["left"].extra.title.text() == "the test's side"
        assert w.session.lane_labels()["left"].startswith("flow (a test)")
        args = main.parse_args(["--render", "x.gif", "--steps", "3", "--temperature", "0.5"])  # its settings' flags
        assert (args.steps, args.temperature) == (3, 0.5)
    finally:
        w.close()
        qtbot.waitUntil(lambda: not w.running_threads(), timeout=60000)


def test_the_readme_says_how_many_files_a_new_method_touches():
    """The test above registers a mode (its sampler and its entry live in this one file): the README
    counts three files and none in gui/."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("**Where a new method goes**") :][:2000]
    assert "three files, nothing in `gui/`" in section
    assert all(p in section for p in ("engine/runtime/samplers/", "engine/runtime/modes.py"))
