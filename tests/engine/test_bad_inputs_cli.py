"""Command-line surprises (issue 30 §7, §8), from the table REFUSED: each argv is refused before any
work with exit 2 and one `error:` line holding the given words. Then the cases that need a run:
exact output names, the one policy for an existing --out, checkpoints and sample sets that cannot be
resumed, run options beside --scenario, and a --render of x0-is-a-mean that finishes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import main as app_main
from engine.tools import cli, evaluate, make_bank, sample, train

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fifo(tmp_path):
    p = tmp_path / "pipe"
    os.mkfifo(p)
    return str(p)


def _parse(tool):
    return {
        "sample": sample.parse_args,
        "train": train.parse_args,
        "evaluate": evaluate.main,
        "make_bank": make_bank.main,
        "main": app_main.parse_args,
    }[tool]


# name -> (tool, argv ({fifo} and {tmp} filled in), words of the error line)
REFUSED = {
    "sample --batch beyond memory": (
        "sample",
        ["--method", "diffusion", "--batch", "10000", "--out", "{tmp}/s.npz"],
        "--batch must be 1 to 2000",
    ),
    "evaluate --batch beyond memory": (
        "evaluate",
        ["--dataset", "mnist", "--batch", "2001"],
        "--batch must be 1 to 2000",
    ),
    "train --batch beyond memory": (
        "train",
        ["--dataset", "mnist", "--model", "classifier", "--batch", "1001"],
        "--batch must be 1 to 1000",
    ),
    "sample --weights-dir a FIFO": (
        "sample",
        ["--method", "diffusion", "--weights-dir", "{fifo}", "--out", "{tmp}/s.npz"],
        "is not a folder",
    ),
    "evaluate --weights-dir a FIFO": ("evaluate", ["--dataset", "mnist", "--weights-dir", "{fifo}"], "is not a folder"),
    "sample --weights-dir missing": (
        "sample",
        ["--method", "diffusion", "--weights-dir", "{tmp}/nope", "--out", "{tmp}/s.npz"],
        "does not exist",
    ),
    "sample --out a folder": ("sample", ["--method", "diffusion", "--out", "{tmp}"], "--out"),
    "sample --out .txt": ("sample", ["--method", "diffusion", "--out", "{tmp}/s.txt"], "unsupported format"),
    "make_bank --out a file": ("make_bank", ["--dataset", "mnist", "--out", "{tmp}/file/x"], "is a file"),
    "main --render ''": ("main", ["--render", ""], "--render needs a file or folder name"),
    "main --self-test ''": ("main", ["--self-test", ""], "--self-test needs a file or folder name"),
    "main --render ' '": ("main", ["--render", " "], "--render needs a file or folder name"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_bad_command_lines_are_one_line_and_exit_2(tmp_path, fifo, capsys, case):
    tool, argv, words = REFUSED[case]
    (tmp_path / "file").write_text("x")
    argv = [a.format(fifo=fifo, tmp=tmp_path) for a in argv]
    with pytest.raises(SystemExit) as e:
        _parse(tool)(argv)
    err = capsys.readouterr().err.strip().splitlines()
    assert e.value.code == 2 and len(err) == 1 and err[0].startswith("error: ") and words in err[0], err


@pytest.mark.parametrize("tool", ["sample", "train", "evaluate", "make_bank"])
def test_every_cli_says_in_its_help_what_happens_to_an_existing_output(capsys, tool):
    with pytest.raises(SystemExit):
        _parse(tool)(["--help"])
    assert " ".join(capsys.readouterr().out.split()).count(" ".join(cli.REPLACES.split())) >= 1


def test_out_keeps_its_exact_name_and_replaces_an_earlier_file(tmp_path):
    out = tmp_path / "UPPER.NPZ"
    out.write_bytes(b"earlier")
    assert sample.main(["--method", "one-shot", "--n", "2", "--out", str(out)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["UPPER.NPZ"]
    assert np.load(out)["images"].shape == (2, 28, 28)


def test_a_truncated_sample_set_on_resume_is_one_line(tmp_path):
    path = tmp_path / "mnist_x.npz"
    evaluate.save_sample_set(tmp_path, "mnist", "x", np.zeros((20, 28, 28), np.uint8), np.zeros(20), np.ones(20), 1.0)
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(ValueError) as e:
        evaluate.resumable_prefix(path, {"seed": 0}, np.zeros(20), 10)
    assert str(path) in str(e.value) and "not a readable sample set" in str(e.value) and "\n" not in str(e.value)


def _train(tmp_path, steps, *extra):
    from tests.engine.test_training_tools import _bank_as_idx

    data = tmp_path / "data"
    if not data.exists():
        _bank_as_idx(data)
    return train.main(
        [
            "--dataset",
            "mnist",
            "--model",
            "classifier",
            "--steps",
            str(steps),
            "--batch",
            "8",
            "--threads",
            "1",
            "--save-every",
            "10",
            "--run-dir",
            str(tmp_path / "runs"),
            "--data-dir",
            str(data),
            *extra,
        ]
    )


def test_checkpoints_that_cannot_be_resumed_are_one_line(tmp_path, capsys):
    assert _train(tmp_path, 20) == 0
    run = tmp_path / "runs" / "mnist_classifier"
    card = json.loads((run / "mnist_classifier.json").read_text())
    capsys.readouterr()
    # --steps below the checkpoint: refused, the step-20 weights are not relabelled "5 steps"
    assert _train(tmp_path, 5) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "at step 20, beyond --steps 5" in err[0]
    assert json.loads((run / "mnist_classifier.json").read_text()) == card
    # a half-written checkpoint.json: one line naming it and the fix
    meta = run / "checkpoint.json"
    meta.write_text(meta.read_text()[:40])
    assert _train(tmp_path, 30) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(meta) in err[0] and "--fresh" in err[0], err
    # a truncated checkpoint: the same
    meta.write_text(json.dumps({"step": 20, "seconds": 1.0, "args": {}, "history": [{"command": "c", "to_step": 20}]}))
    ckpt = run / "checkpoint.safetensors"
    ckpt.write_bytes(ckpt.read_bytes()[:300])
    assert _train(tmp_path, 30) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(ckpt) in err[0], err


def test_run_options_beside_a_scenario_override_it_and_the_export_says_so(tmp_path, monkeypatch):
    """--scenario one-big-step --seed 3 --steps 5 --guidance 2: both lanes run those, and the
    labels burnt into the GIF say so (the run itself is skipped here: only what is asked matters)."""
    from engine.runtime import session
    from gui import export, render

    asked = {}
    monkeypatch.setattr(session, "run_to_end", lambda lanes: lanes)
    records = []
    monkeypatch.setattr(
        export, "write_run", lambda lanes, out, names, record=None: (asked.update(names), records.append(record))
    )
    args = app_main.parse_args(
        [
            "--render",
            str(tmp_path / "o.gif"),
            "--scenario",
            "one-big-step",
            "--seed",
            "3",
            "--steps",
            "5",
            "--guidance",
            "2",
        ]
    )
    assert app_main.explicit_options(args) == {"seed": 3, "steps": 5, "guidance": 2.0}
    assert (
        render.render_run(
            str(tmp_path / "o.gif"), None, "cpu", scenario="one-big-step", overrides=app_main.explicit_options(args)
        )
        == 0
    )
    assert asked and all("DDIM 5 steps" in v and "seed 3" in v and "w = 2" in v for v in asked.values()), asked
    assert "'seed': 3" in repr(records[0]) or '"seed": 3' in repr(records[0]), records  # the record says what ran


def test_render_of_x0_is_a_mean_as_png_finishes(tmp_path):
    """It pauses itself for its continuations: the render is that paused step, not a wait for ever."""
    out = tmp_path / "x.png"
    r = subprocess.run(
        [sys.executable, "main.py", "--render", str(out), "--scenario", "x0-is-a-mean"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0 and out.stat().st_size > 10000, r.stderr
