"""Lesson files as people write them and as they go wrong (issue 30 §3), from two tables: GOOD
(files that must load, with the slides they hold) and BAD (each problem reported with its line
number, never a traceback, never a whole line of the file quoted). Special files (a pipe, a
device, a folder, a huge file) are refused with one line before anything is read."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.runtime import lessons

ROOT = Path(__file__).resolve().parents[2]

# name -> (file bytes, [(scenario, variant index, caption)])
GOOD = {
    "plain": (b"slide: guidance\nvariant: 2\n", [("guidance", 1, None)]),
    "Windows Notepad (UTF-8 BOM, CRLF)": (
        b"\xef\xbb\xbftitle: Week 3\r\nslide: guidance\r\nvariant: w = 3\r\n",
        [("guidance", 2, None)],
    ),
    "inline comments after two spaces": (
        b"slide: one-big-step        the big one\nvariant: 5 steps\tfive\n",
        [("one-big-step", 2, None)],
    ),
    "inline comment after #": (
        b"slide: guidance # guidance first\ncaption: Stronger w.  # my words\n",
        [("guidance", 0, "Stronger w.")],
    ),
    "caption with a colon": (
        b"slide: guidance\ncaption: w: how hard it listens\n",
        [("guidance", 0, "w: how hard it listens")],
    ),
}

# name -> (file text, [(line number, words the message must hold)])
BAD = {
    "superscript digit": ("slide: guidance\nvariant: ²\n", [(2, "has no variant '²'")]),
    "circled digit": ("slide: guidance\nvariant: ①\n", [(2, "has no variant '①'")]),
    "every bad line, each with its number": (
        "slide: blurry-mes\nvariant: 1\nslide: guidance\nnot a key value line\nslide: nope\n",
        [(1, "unknown scenario 'blurry-mes'"), (4, "expected 'slide: SCENARIO'"), (5, "unknown scenario 'nope'")],
    ),
    "a caption too long for a screen": ("slide: guidance\ncaption: " + "word " * 100 + "\n", [(2, "at most 200")]),
    "an essay, not a lesson": (
        "Dear students, this week: noise and pixels and secrets\n" * 3 + "slide: guidance\n",
        [(1, "not 'key: value'"), (2, "not 'key: value'"), (3, "not 'key: value'")],
    ),
}


def _lesson(tmp_path, data) -> Path:
    p = tmp_path / "my.lesson"
    p.write_bytes(data if isinstance(data, bytes) else data.encode())
    return p


@pytest.mark.parametrize("case", GOOD)
def test_lessons_as_people_save_them_load(tmp_path, case):
    data, slides = GOOD[case]
    lesson = lessons.load(_lesson(tmp_path, data))
    assert [(s.scenario, s.variant, s.caption) for s in lesson.slides] == slides


@pytest.mark.parametrize("case", BAD)
def test_every_bad_line_is_reported_with_its_number(tmp_path, case):
    text, expected = BAD[case]
    path = _lesson(tmp_path, text)
    with pytest.raises(lessons.LessonError) as e:
        lessons.load(path)
    problems = e.value.problems
    assert len(problems) == len(expected), problems
    for line, (n, words) in zip(problems, expected):
        assert line.startswith(f"{path}:{n}: ") and words in line and "\n" not in line, line
    assert "\n" not in str(e.value) and str(e.value).startswith(problems[0])  # the banner's one line
    assert "secrets" not in " ".join(problems)  # a wrong file's lines are not put on the projector


def test_the_readme_example_parses_as_written():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("(the default is `engine/runtime/default.lesson`: copy it to start):")[1]
    block = block.split("```text\n", 1)[1].split("```", 1)[0]
    lesson = lessons.parse(block, "README.md")
    assert lesson.title == "Week 3: how networks paint"
    assert [(s.scenario, s.variant, s.caption) for s in lesson.slides] == [
        ("one-big-step", 2, "Five small steps already work."),
        ("guidance", 2, None),
        ("blurry-mess", 0, None),
    ]


def _fifo(tmp_path):
    p = tmp_path / "pipe.lesson"
    os.mkfifo(p)
    return p


def _huge(tmp_path):
    p = tmp_path / "huge.lesson"
    p.write_bytes(b"slide: guidance\n" + b"# " + b"x" * lessons.MAX_BYTES + b"\n")
    return p


# name -> (make the path, words of the one line)
SPECIAL = {
    "a pipe (it would block for ever)": (_fifo, "it is a pipe"),
    "/dev/zero (it never ends)": (lambda tmp: Path("/dev/zero"), "it is a device"),
    "a folder": (lambda tmp: tmp, "it is a folder"),
    "over 1 MB": (_huge, "larger than 1 MB"),
    "missing": (lambda tmp: tmp / "missing.lesson", "no such file"),
    "not UTF-8": (lambda tmp: _lesson(tmp, b"slide: guidance\ncaption: caf\xe9\n"), "line 2 is not UTF-8"),
}


@pytest.mark.parametrize("case", SPECIAL)
def test_special_files_are_refused_with_one_line(tmp_path, case):
    make, words = SPECIAL[case]
    path = make(tmp_path)
    with pytest.raises(lessons.LessonError) as e:
        lessons.load(path)
    assert words in str(e.value) and str(path) in str(e.value) and "\n" not in str(e.value)


def test_main_lists_every_bad_line_and_exits_2(tmp_path):
    path = _lesson(tmp_path, "slide: nope\nslide: guidance\nvariant: ²\n")
    r = subprocess.run(
        [sys.executable, "main.py", "--lesson", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 2 and all(ln.startswith(f"error: {path}:") for ln in lines), r.stderr
    assert "Traceback" not in r.stderr
