"""Every bad command-line value, of every kind, in every command: exit code 2, one `error:` line
that names the flag, and nothing written. Parsing is checked in-process (it happens before any
model is loaded); main.py runs as a subprocess once per kind to check the real exit path."""

import os
import subprocess
import sys

import pytest

from engine.tools import evaluate, sample, train
from engine.tools.cli import LIMITS, check_writable, ranged

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


@pytest.mark.parametrize(
    "bad",
    [
        ["--seed", str(2**40)],
        ["--steps", "0"],
        ["--guidance", "inf"],
        ["--temperature", "0"],
        ["--pixels-per-step", "-3"],
        ["--eta", "nan"],
    ],
)
def test_main_render_options_are_checked_before_any_window(bad, tmp_path):
    out = tmp_path / "x.gif"
    r = subprocess.run(
        [sys.executable, "main.py", "--render", str(out), *bad],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
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


# -- every flag, every kind: generated from the parsers themselves (a new flag is covered at once) --
import main as app_main  # noqa: E402  (main.py parses without Qt)

COMMANDS = {
    "sample": (sample.parse_args, SAMPLE),
    "train": (train.parse_args, TRAIN),
    "evaluate": (evaluate.main, EVAL),
    "main": (app_main.parse_args, []),
}
WRITTEN_PATHS = {"out", "run_dir", "samples_dir", "self_test", "render"}  # flags that name something to write


def _parser_of(entry, base, monkeypatch):
    """The Parser a command builds (captured at its parse_args, before anything runs)."""
    from engine.tools import cli

    class Captured(Exception):
        pass

    def capture(self, *a, **kw):
        raise Captured(self)

    with monkeypatch.context() as m:
        m.setattr(cli.Parser, "parse_args", capture)
        try:
            entry([a.format(tmp="/tmp") for a in base])
        except Captured as c:
            return c.args[0]
    raise AssertionError("the command did not parse its arguments")


def _bad_values(action):
    """(kind, value) pairs that must be refused for this flag: out of range below and above, huge,
    nan, inf, -inf and text for a number; an unknown choice; an unwritable place for an output."""
    kind_of = getattr(action.type, "__name__", "")
    if kind_of in LIMITS:
        lo, hi = LIMITS[kind_of]
        integer = isinstance(lo, int) and isinstance(hi, int)
        below = lo - 1 if integer else lo - (abs(lo) or 1) * 0.5
        return [
            ("below", str(below)),
            ("above", str(hi + 1 if integer else hi * 2 + 1)),
            ("huge", str(10**30)),
            ("nan", "nan"),
            ("inf", "inf"),
            ("-inf", "-inf"),
            ("text", "ten"),
        ]
    if action.choices:
        return [("unknown choice", "no-such-choice")]
    if action.dest in WRITTEN_PATHS:
        return [("unwritable", UNWRITABLE + "/x" + (".npz" if action.dest == "out" else ".gif"))]
    return []


def _cases():
    import _pytest.monkeypatch

    mp = _pytest.monkeypatch.MonkeyPatch()
    try:
        for name, (entry, base) in COMMANDS.items():
            for action in _parser_of(entry, base, mp)._actions:
                for kind, value in _bad_values(action) if action.option_strings else []:
                    flag = action.option_strings[0]
                    if name == "main" and action.dest in WRITTEN_PATHS:
                        continue  # main.py's outputs are checked after parsing (subprocess tests above)
                    yield pytest.param(name, flag, value, id=f"{name}{flag}={kind}")
    finally:
        mp.undo()


@pytest.mark.parametrize("command,flag,value", list(_cases()))
def test_every_flag_of_every_command_refuses_each_kind_of_bad_value(command, flag, value, tmp_path, capsys):
    entry, base = COMMANDS[command]
    base = [a.format(tmp=tmp_path) for a in base]
    if flag in base:  # the bad value replaces the base's own
        i = base.index(flag)
        base = base[:i] + base[i + 2 :]
    with pytest.raises(SystemExit) as e:
        entry(base + [flag, value.format(tmp=tmp_path)])
    assert e.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:") and flag in err[0], err
    assert not any(tmp_path.rglob("*")), "nothing may be written"
