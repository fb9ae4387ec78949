"""Remembered settings (issue 30 §1): read through the one settings table, so no remembered value
stops the window from starting: a wrong type or range is dropped with a one-line notice beside the
timeline and the rest kept; a file that cannot be read at all is moved aside; --reset-settings."""

import subprocess
import sys

import pytest
from PySide6.QtCore import QSettings

from gui import remembered

from .conftest import ROOT


@pytest.fixture
def store(tmp_path, monkeypatch):
    p = tmp_path / "PixelsAndNoise.conf"
    monkeypatch.setattr(remembered, "path", lambda: p)
    return p


def _remember(p, value, lecture=None):
    s = QSettings(str(p), QSettings.IniFormat)
    s.setValue("controls", value)
    if lecture is not None:
        s.setValue("lecture", lecture)
    s.sync()


def _open(qtbot):
    from gui.main_window import MainWindow

    w = MainWindow(device="cpu", remember=True)
    w.show()
    return w


def _close(qtbot, w):
    w.close()
    qtbot.waitUntil(lambda: not w.running_threads(), timeout=60000)


def test_settings_remembered_are_restored_through_the_table(qtbot, store):
    _remember(
        store,
        {
            "guidance": 2.25,
            "seed": 12,
            "label": "three",
            "right.steps": 7,
            "left.planned_steps": 20,
            "pacing": "same-time",
            "speed": "10 steps/s",
            "continuations": 8,
        },
    )
    w = _open(qtbot)
    try:
        s = w.session
        assert (s.settings["left"].guidance, s.settings["left"].seed, s.settings["left"].label) == (2.25, 12, 3)
        assert s.settings["right"].diffusion.steps == 7 and s.settings["left"].ar.planned_steps == 20
        assert (s.pacing, s.speed, s.continuations_k) == ("same-time", "10 steps/s", 8)
        assert w.controls.guidance.value() == 2.25 and w.controls.prompt.text() == "three"
        assert not w.notices
        s.edit("seed", 99)
    finally:
        _close(qtbot, w)
    back = QSettings(str(store), QSettings.IniFormat).value("controls")
    assert back["seed"] == 99 and back["guidance"] == 2.25  # and what closes is remembered


def test_an_older_versions_names_are_read(qtbot, store):
    _remember(store, {"prompt": "four", "left.k": "16", "pacing": "same wall-clock", "guidance": 2.0})
    w = _open(qtbot)
    try:
        assert w.session.settings["left"].label == 4 and w.session.settings["left"].ar.pixels_per_step == 16
        assert w.session.pacing == "same-time" and not w.notices
    finally:
        _close(qtbot, w)


@pytest.mark.parametrize(
    "bad, kept",
    [
        ({"right.steps": 1e30, "guidance": 2.5}, "guidance"),
        ({"seed": 2**40, "guidance": 2.5}, "guidance"),
        ({"left.temperature": "hot", "guidance": 2.5}, "guidance"),
        ({"left.order": ["raster"], "guidance": 2.5}, "guidance"),
        ({"left.greedy": 3, "guidance": 2.5}, "guidance"),
        ({"dataset": "cifar", "guidance": 2.5}, "guidance"),
        ({"label": "giraffe", "guidance": 2.5}, "guidance"),
        ({"speed": "warp", "device": "tpu", "continuations": 10**9, "guidance": 2.5}, "guidance"),
    ],
)
def test_a_remembered_value_that_does_not_fit_is_dropped_with_one_line_the_rest_kept(qtbot, store, bad, kept):
    _remember(store, bad)
    w = _open(qtbot)
    try:
        assert w.session.settings["left"].guidance == 2.5  # the value that fits is kept
        assert w.notices and all("dropped" in n and "\n" not in n for n in w.notices)
        assert "dropped" in w.status.text()  # beside the timeline
        assert w.restart(), w.messages.last_error  # and the window runs
    finally:
        _close(qtbot, w)


@pytest.mark.parametrize("value", ["a string", 5, [1, 2, 3], "@Variant(\\0\\0\\0\\b\\0\\0"])
def test_a_controls_value_that_is_no_table_starts_with_the_defaults(qtbot, store, value):
    from engine.runtime.scenarios import FREE_PLAY

    _remember(store, value)
    w = _open(qtbot)
    try:
        assert w.session.settings["left"] == FREE_PLAY
        assert any("not a table" in n for n in w.notices)
    finally:
        _close(qtbot, w)


def test_a_truncated_settings_file_starts_the_window(qtbot, store):
    _remember(store, {"guidance": 2.5, "seed": 3, "right.steps": 50}, lecture=True)
    data = store.read_bytes()
    store.write_bytes(data[: len(data) // 2])
    w = _open(qtbot)
    try:
        assert w.restart(), w.messages.last_error
    finally:
        _close(qtbot, w)


def test_a_settings_file_that_cannot_be_read_is_moved_aside(qtbot, store):
    store.write_bytes(b"\x00\xff\xfe[[[\n=\n")
    w = _open(qtbot)
    try:
        from engine.runtime.scenarios import FREE_PLAY

        assert w.session.settings["left"] == FREE_PLAY
        bak = store.with_name(store.name + ".bak")
        assert bak.read_bytes() == b"\x00\xff\xfe[[[\n=\n"
        assert any(str(bak) in n for n in w.notices)
    finally:
        _close(qtbot, w)


@pytest.mark.slow
def test_reset_settings_forgets_them(tmp_path):
    env = {"XDG_CONFIG_HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"}
    conf = tmp_path / "PixelsAndNoise" / "PixelsAndNoise.conf"
    conf.parent.mkdir()
    conf.write_text("[General]\ncontrols=nonsense\n")
    r = subprocess.run(
        [sys.executable, "main.py", "--reset-settings"], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env
    )
    assert r.returncode == 0 and "forgot" in r.stdout and not conf.exists()
    r = subprocess.run(
        [sys.executable, "main.py", "--reset-settings"], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env
    )
    assert r.returncode == 0 and "no remembered settings" in r.stdout
