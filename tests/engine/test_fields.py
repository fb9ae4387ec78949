"""The one settings table (engine/runtime/fields.py): the CLI's flags and LIMITS, parsing and the
record of a run all come from it; a value is kept at the precision it is shown and run at."""

import argparse

import numpy as np
import pytest

from engine.runtime import fields, record
from engine.runtime.modes import MODES
from engine.runtime.runs import ARSettings, RunSettings
from engine.runtime.session import Session
from engine.tools import cli


def test_every_setting_a_mode_uses_is_in_the_table_and_every_per_panel_one_is_used():
    used = {f for m in MODES.values() for f in m.fields}
    assert used <= set(fields.PER_PANEL)
    assert set(fields.PER_PANEL) <= used  # no orphan setting
    assert "planned_steps" in MODES["autoregressive"].fields


def test_the_clis_limits_and_flags_come_from_the_table():
    for name, f in fields.FIELDS.items():
        if f.ranged:
            assert cli.LIMITS[name] == (f.lo, f.hi)
    p = cli.Parser(prog="t")
    cli.add_run_flags(p, skip=("dataset",))
    flags = {a.option_strings[0] for a in p._actions if a.option_strings}
    assert {f.flag for n, f in fields.FIELDS.items() if n != "dataset"} <= flags
    args = p.parse_args(["--guidance", "2.25", "--planned-steps", "20", "--greedy"])
    s = cli.settings_from_flags(args, RunSettings(label=7))
    assert s.guidance == 2.25 and s.ar.planned_steps == 20 and s.ar.greedy and s.label == 7
    with pytest.raises(SystemExit):
        p.parse_args(["--planned-steps", "785"])


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("guidance", 2.25, 2.25),
        ("guidance", "2.25", 2.25),
        ("guidance", 2.254, 2.25),
        ("seed", "42", 42),
        ("steps", 5.0, 5),
        ("greedy", "true", True),
        ("label", "seven", 7),
        ("label", "none", None),
        ("label", 3, 3),
        ("planned_steps", 0, 0),
        ("order", "spiral", "spiral"),
    ],
)
def test_parse_keeps_a_value_at_its_precision(name, value, expected):
    assert fields.parse(name, value) == expected


@pytest.mark.parametrize(
    "name, value",
    [
        ("steps", 1e30),
        ("seed", 2**40),
        ("seed", -1),
        ("steps", float("nan")),
        ("guidance", float("inf")),
        ("steps", "many"),
        ("steps", [5]),
        ("greedy", "maybe"),
        ("order", "zigzag"),
        ("label", "giraffe"),
        ("steps", True),
        ("temperature", 0.0),
        ("planned_steps", 785),
        ("steps", 2.5),
    ],
)
def test_parse_refuses_a_value_that_does_not_fit_in_one_line(name, value):
    with pytest.raises(ValueError) as e:
        fields.parse(name, value)
    msg = str(e.value)
    assert "\n" not in msg and (name.split("_")[0] in msg or repr(value) in msg)


def test_the_session_holds_an_edit_exactly_and_tells_its_listeners():
    s, heard = Session(), []
    s.subscribe(heard.append)
    s.edit("guidance", 2.25)
    s.edit("steps", 7, "right")
    assert s.settings["left"].guidance == s.settings["right"].guidance == 2.25  # shared: both panels
    assert s.settings["right"].diffusion.steps == 7 and s.settings["left"].diffusion.steps == 100
    with pytest.raises(ValueError):
        s.edit("steps", 0, "right")
    assert s.settings["right"].diffusion.steps == 7 and heard == ["settings", "settings"]


def test_a_record_round_trips_every_setting_and_the_given_pixels():
    known = np.zeros((28, 28), bool)
    known[:5] = True
    values = np.linspace(0, 1, 784, dtype=np.float32).reshape(28, 28)
    left = RunSettings(label=3, guidance=2.25, seed=9, ar=ARSettings(order="spiral", planned_steps=30))
    rec = record.of_run(
        {"left": left, "right": left}, {"left": "autoregressive", "right": "diffusion"}, (known, values)
    )
    import json

    settings, modes = record.to_run(json.loads(record.dumps(rec)))
    assert modes == {"left": "autoregressive", "right": "diffusion"}
    assert settings["left"] == left and settings["left"].guidance == 2.25
    assert np.array_equal(settings["right"].known, known) and np.array_equal(settings["right"].values, values)
    bad = json.loads(record.dumps(rec))
    bad["settings"]["left"]["steps"] = 1e30
    with pytest.raises(ValueError, match="steps"):
        record.to_run(bad)
    with pytest.raises(ValueError, match="not a run"):
        record.to_run({"something": "else"})


def test_settings_from_flags_parses_the_label_in_the_datasets_words():
    ns = argparse.Namespace(dataset="fashion", label="sneaker", guidance=None)
    assert cli.settings_from_flags(ns, RunSettings()).label == 7
