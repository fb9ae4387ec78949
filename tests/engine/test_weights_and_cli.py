"""Weights round-trip, each bad weights file's clear error, the sample CLI, Qt-free engine."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from engine.networks import weights
from engine.networks.bank import make_bank  # noqa: F401  (import check)
from engine.tools.sample import main as sample_main
from tests.engine.helpers import BAD_WEIGHTS, corrupt, tiny

ROOT = Path(__file__).resolve().parents[2]


def save_tiny_set(d: Path, dataset="mnist"):
    for kind in weights.KINDS:
        weights.save(tiny(kind), dataset, {"training": {"steps": 1}}, d)
    from safetensors.torch import save_file

    save_file(
        {"images": torch.zeros(20, 28, 28, dtype=torch.uint8), "labels": torch.arange(20) % 10},
        str(d / f"{dataset}_bank.safetensors"),
    )


def test_weights_round_trip(tmp_path):
    model = tiny("diffusion")
    weights.save(model, "mnist", {"training": {"steps": 1}}, tmp_path)
    loaded, card = weights.load("mnist", "diffusion", "cpu", tmp_path)
    assert card["kind"] == "diffusion" and card["config"]["base"] == 8
    for (k, a), (_, b) in zip(model.state_dict().items(), loaded.state_dict().items()):
        assert torch.equal(a, b), k


def test_missing_weights_say_how_to_fix(tmp_path):
    with pytest.raises(
        weights.WeightsError, match=r"mnist_autoregressive\.safetensors is missing.*engine\.tools\.train"
    ):
        weights.load("mnist", "autoregressive", "cpu", tmp_path)


def test_truncated_weights(tmp_path):
    w, _ = weights.save(tiny("classifier"), "mnist", {}, tmp_path)
    w.write_bytes(w.read_bytes()[:200])
    with pytest.raises(weights.WeightsError, match=r"mnist_classifier\.safetensors is not a readable safetensors"):
        weights.load("mnist", "classifier", "cpu", tmp_path)


def test_wrong_shapes(tmp_path):
    weights.save(tiny("diffusion"), "mnist", {}, tmp_path)
    _, c = weights.paths("mnist", "diffusion", tmp_path)
    card = json.loads(c.read_text())
    card["config"]["base"] = 16  # the card now describes a wider network than the file holds
    c.write_text(json.dumps(card))
    with pytest.raises(weights.WeightsError, match=r"does not match the architecture.*wrong shapes"):
        weights.load("mnist", "diffusion", "cpu", tmp_path)


@pytest.mark.parametrize(
    "edit,match",
    [
        (lambda c: c.update(kind="classifier"), "kind is 'classifier'"),
        (lambda c: c.update(dataset="fashion"), "dataset is 'fashion'"),
        (lambda c: c.update(format="other"), "format"),
        (lambda c: c.pop("config"), "config is missing"),
    ],
)
def test_wrong_card(tmp_path, edit, match):
    weights.save(tiny("diffusion"), "mnist", {}, tmp_path)
    _, c = weights.paths("mnist", "diffusion", tmp_path)
    card = json.loads(c.read_text())
    edit(card)
    c.write_text(json.dumps(card))
    with pytest.raises(weights.WeightsError, match=match):
        weights.load("mnist", "diffusion", "cpu", tmp_path)


@pytest.mark.parametrize(
    "config_edit",
    [{"groups": 0}, {"mults": []}, {"base": -4}, {"prediction": "score"}, {"schedule": 7}, {"unknown_field": 1}],
)
def test_malformed_config_is_one_clear_error(tmp_path, config_edit):
    weights.save(tiny("diffusion"), "mnist", {}, tmp_path)
    _, c = weights.paths("mnist", "diffusion", tmp_path)
    card = json.loads(c.read_text())
    card["config"].update(config_edit)
    c.write_text(json.dumps(card))
    with pytest.raises(weights.WeightsError, match=r"its config does not describe a diffusion network"):
        weights.load("mnist", "diffusion", "cpu", tmp_path)


def test_deeply_nested_card_is_one_clear_error(tmp_path):
    weights.save(tiny("diffusion"), "mnist", {}, tmp_path)
    weights.paths("mnist", "diffusion", tmp_path)[1].write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(weights.WeightsError, match=r"not valid JSON \(nested too deeply\)"):
        weights.load("mnist", "diffusion", "cpu", tmp_path)


def test_non_finite_weights_are_refused(tmp_path):
    model = tiny("diffusion")
    with torch.no_grad():
        next(model.parameters())[0] = float("nan")
    weights.save(model, "mnist", {}, tmp_path)
    with pytest.raises(weights.WeightsError, match=r"NaN or infinite values.*diverged"):
        weights.load("mnist", "diffusion", "cpu", tmp_path)


def test_card_that_is_not_json(tmp_path):
    weights.save(tiny("diffusion"), "mnist", {}, tmp_path)
    weights.paths("mnist", "diffusion", tmp_path)[1].write_text("{not json")
    with pytest.raises(weights.WeightsError, match=r"mnist_diffusion\.json is not valid JSON"):
        weights.load("mnist", "diffusion", "cpu", tmp_path)


@pytest.mark.parametrize(
    "method,extra,nfe",
    [
        ("diffusion", ["--sampler", "ddim", "--steps", "3"], 6),
        ("autoregressive", ["--order", "random", "--pixels-per-step", "196"], 8),
        ("one-shot", ["--mode", "mean"], 2),
    ],
)
def test_sample_cli_writes_npz(tmp_path, method, extra, nfe, capsys):
    save_tiny_set(tmp_path)
    out = tmp_path / "s.npz"
    rc = sample_main(
        [
            "--dataset",
            "mnist",
            "--method",
            method,
            "--n",
            "3",
            "--guidance",
            "3",
            "--seed",
            "0",
            "--weights-dir",
            str(tmp_path),
            "--out",
            str(out),
            *extra,
        ]
    )
    assert rc == 0
    z = np.load(out)
    assert z["images"].dtype == np.uint8 and z["images"].shape == (3, 28, 28)
    assert z["labels"].tolist() == [0, 1, 2] and z["nfe"].tolist() == [nfe] * 3 and float(z["seconds"]) > 0


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["--method", "diffusion", "--steps", "0"],
        ["--method", "diffusion", "--order", "raster"],
        ["--method", "autoregressive", "--sampler", "ddim"],
        ["--method", "autoregressive", "--order", "patches", "--pixels-per-step", "8"],
        ["--method", "teleport"],
        ["--method", "diffusion", "--label", "giraffe"],
        ["--method", "diffusion", "--out", "x.txt"],
        ["--method", "diffusion", "--sampler", "ddpm", "--eta", "0.5"],
        ["--method", "one-shot", "--greedy"],
        ["--method", "diffusion", "--dataset", "cifar"],
    ],
)
def test_sample_cli_bad_flags_exit_2_with_one_line(tmp_path, args):
    if "--out" not in args:
        args = [*args, "--out", str(tmp_path / "s.npz")]
    r = subprocess.run(
        [sys.executable, "-m", "engine.tools.sample", "--weights-dir", str(tmp_path), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), r.stderr


@pytest.mark.slow
def test_sample_cli_missing_weights_is_one_line(tmp_path):
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "engine.tools.sample",
            "--method",
            "diffusion",
            "--weights-dir",
            str(tmp_path),
            "--out",
            str(tmp_path / "s.npz"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "is missing" in r.stderr


@pytest.mark.slow
def test_each_command_loads_only_what_it_needs(tmp_path):
    from engine.networks.models import load_models

    save_tiny_set(tmp_path)
    (tmp_path / "mnist_bank.safetensors").write_bytes(b"corrupt")
    (tmp_path / "mnist_classifier.safetensors").write_bytes(b"corrupt")
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "engine.tools.sample",
            "--method",
            "diffusion",
            "--steps",
            "2",
            "--n",
            "2",
            "--weights-dir",
            str(tmp_path),
            "--out",
            str(tmp_path / "s.npz"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr  # the sample CLI never reads the bank or the classifier
    with pytest.raises(weights.WeightsError, match="classifier"):
        load_models("mnist", "cpu", tmp_path)
    ms = load_models("mnist", "cpu", tmp_path, optional=("classifier", "bank"))
    assert ms.ar is not None and ms.diffusion is not None and ms.classifier is None and ms.bank is None
    assert len(ms.problems) == 2 and "mnist_classifier.safetensors" in ms.problems[0]


def test_engine_imports_no_qt():
    code = (
        "import sys, pkgutil, importlib, engine\n"
        "for m in pkgutil.walk_packages(engine.__path__, 'engine.'): importlib.import_module(m.name)\n"
        "assert 'engine.runtime.samplers.diffusion' in sys.modules\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'PyQt5', 'PyQt6', 'shiboken6')]\n"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.slow
@pytest.mark.parametrize("kind", BAD_WEIGHTS)
def test_every_cli_names_a_bad_weights_file_in_one_line_and_writes_nothing(tmp_path, kind):
    """The shipped weights with the MNIST diffusion file broken (each kind): the commands that load
    it exit 2 with one `error:` line naming the file, no traceback, nothing written."""
    import shutil

    w = tmp_path / "weights"
    w.mkdir()
    for f in (ROOT / "weights").iterdir():
        shutil.copy(f, w / f.name)
    corrupt(w / "mnist_diffusion.safetensors", kind)
    out = tmp_path / "out"
    out.mkdir()
    commands = [
        [
            "-m",
            "engine.tools.sample",
            "--method",
            "diffusion",
            "--steps",
            "2",
            "--n",
            "2",
            "--weights-dir",
            str(w),
            "--out",
            str(out / "s.npz"),
        ],
        [
            "-m",
            "engine.tools.evaluate",
            "--dataset",
            "mnist",
            "--settings",
            "diffusion-ddim100-w3",
            "--n",
            "10",
            "--draws",
            "0",
            "--weights-dir",
            str(w),
            "--samples-dir",
            str(out),
        ],
    ]
    for cmd in commands:
        r = subprocess.run(
            [sys.executable, *cmd],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "OMP_NUM_THREADS": "1"},
        )
        lines = r.stderr.strip().splitlines()
        assert r.returncode == 2 and len(lines) == 1 and lines[0].startswith("error:"), (cmd[1], r.stderr)
        assert "mnist_diffusion" in lines[0] and "Traceback" not in r.stderr
    assert not any(out.iterdir())


def test_every_package_is_listed_for_installs():
    """pyproject lists packages by name: a new subpackage missing there works in the editable
    install and is absent from a wheel (and so from a plain `pip install .`)."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        str(p.parent.relative_to(ROOT)).replace("/", ".")
        for top in ("engine", "gui")
        for p in (ROOT / top).rglob("__init__.py")
    }
    assert found == listed
