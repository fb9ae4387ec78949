"""Every bad command-line value, of every kind, in every command: exit code 2, one `error:` line
that names the flag, and nothing written. Parsing is checked in-process (it happens before any
model is loaded); main.py runs as a subprocess once per kind to check the real exit path."""
import os
import subprocess
import sys

import pytest

from engine import evaluate, sample, train
from engine.cli import LIMITS, check_writable, ranged

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UNWRITABLE = "/proc/pixels-and-noise-cannot-write-here"

SAMPLE = ["--method", "diffusion", "--out", "{tmp}/x.npz"]
SAMPLE_AR = ["--method", "autoregressive", "--out", "{tmp}/x.npz"]
TRAIN = ["--dataset", "mnist", "--model", "diffusion", "--run-dir", "{tmp}/runs"]
EVAL = ["--dataset", "mnist"]

BAD = [  # (command, base arguments, bad arguments, the flag the message must name)
    (sample, SAMPLE, ["--n", "99999999999"], "--n"),
    (sample, SAMPLE, ["--n", "0"], "--n"),
    (sample, SAMPLE, ["--n", "ten"], "--n"),
    (sample, SAMPLE, ["--guidance", "inf"], "--guidance"),
    (sample, SAMPLE, ["--guidance", "nan"], "--guidance"),
    (sample, SAMPLE, ["--guidance", "-1"], "--guidance"),
    (sample, SAMPLE_AR, ["--temperature", "1e-300"], "--temperature"),
    (sample, SAMPLE_AR, ["--temperature", "inf"], "--temperature"),
    (sample, SAMPLE_AR, ["--pixels-per-step", "785"], "--pixels-per-step"),
    (sample, SAMPLE, ["--batch", str(10**12)], "--batch"),
    (sample, SAMPLE, ["--seed", "-1"], "--seed"),
    (sample, SAMPLE, ["--seed", str(2**63)], "--seed"),
    (sample, SAMPLE, ["--steps", "0"], "--steps"),
    (sample, SAMPLE, ["--eta", "2"], "--eta"),
    (sample, ["--method", "diffusion"], ["--out", UNWRITABLE + "/x.npz"], "--out"),
    (sample, ["--method", "diffusion"], ["--out", "{tmp}/no-such-folder/x.npz"], "--out"),
    (sample, ["--method", "diffusion"], ["--out", "{tmp}/x.png"], "--out"),
    (train, TRAIN, ["--lr", "nan"], "--lr"),
    (train, TRAIN, ["--lr", "inf"], "--lr"),
    (train, TRAIN, ["--lr", "0"], "--lr"),
    (train, TRAIN, ["--base", "-8"], "--base"),
    (train, TRAIN, ["--base", "7"], "--base"),
    (train, TRAIN, ["--base", "12"], "--base"),
    (train, TRAIN, ["--seed", "-1"], "--seed"),
    (train, TRAIN, ["--threads", "-1"], "--threads"),
    (train, TRAIN, ["--save-every", "0"], "--save-every"),
    (train, TRAIN, ["--steps", "0"], "--steps"),
    (train, TRAIN, ["--batch", "0"], "--batch"),
    (train, ["--dataset", "mnist", "--model", "diffusion"], ["--run-dir", UNWRITABLE], "--run-dir"),
    (train, TRAIN, ["--out", UNWRITABLE], "--out"),
    (evaluate, EVAL, ["--raster-subset", "-1"], "--raster-subset"),
    (evaluate, EVAL, ["--samples-dir", UNWRITABLE], "--samples-dir"),
    (evaluate, EVAL, ["--n", "5"], "--n"),
    (evaluate, EVAL, ["--draws", "-1"], "--draws"),
    (evaluate, EVAL, ["--batch", "0"], "--batch"),
    (evaluate, EVAL, ["--settings", "nonsense"], "--settings"),
]


def _ids(case):
    return f"{case[0].__name__.split('.')[-1]}{''.join(case[2])}"


@pytest.mark.parametrize("cmd,base,bad,flag", BAD, ids=[_ids(c) for c in BAD])
def test_bad_values_exit_2_with_one_error_line_naming_the_flag(cmd, base, bad, flag, tmp_path, capsys):
    args = [a.format(tmp=tmp_path) for a in base + bad]
    entry = cmd.parse_args if cmd is not evaluate else cmd.main
    with pytest.raises(SystemExit) as e:
        entry(args)
    assert e.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:") and flag in err[0], err
    assert not any(tmp_path.rglob("*.npz")) and not (tmp_path / "runs").exists()  # nothing written


@pytest.mark.parametrize("bad", [["--seed", str(2**40)], ["--steps", "0"], ["--guidance", "inf"],
                                 ["--temperature", "0"], ["--pixels-per-step", "-3"], ["--eta", "nan"]])
def test_main_render_options_are_checked_before_any_window(bad, tmp_path):
    out = tmp_path / "x.gif"
    r = subprocess.run([sys.executable, "main.py", "--render", str(out), *bad], cwd=ROOT, capture_output=True,
                       text=True, timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1 and lines[0].startswith("error:") and bad[0] in lines[0]
    assert not out.exists()


def test_every_limit_accepts_its_own_bounds_and_refuses_just_outside():
    for name, (lo, hi) in LIMITS.items():
        parse = ranged(name)
        assert parse(str(lo)) == lo and parse(str(hi)) == hi
        step = 1 if isinstance(lo, int) else abs(hi - lo) * 1e-3 or 1e-9
        for outside in (lo - step, hi + step):
            with pytest.raises(Exception):
                parse(str(outside))


def test_check_writable_says_why(tmp_path):
    assert check_writable(tmp_path / "a.npz", (".npz",)) == tmp_path / "a.npz"
    with pytest.raises(OSError, match="does not exist"):
        check_writable(tmp_path / "missing" / "a.npz")
    with pytest.raises(OSError, match="it is a folder"):
        check_writable(tmp_path)
    with pytest.raises(ValueError, match="use .npz"):
        check_writable(tmp_path / "a.txt", (".npz",))
