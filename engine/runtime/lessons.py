"""A lesson: lecture scenarios in teaching order, stepped like slides (`python main.py --lesson [FILE]`).

A lesson file is plain text that a lecturer edits: one `slide:` line per slide, in the order they
are shown, each optionally followed by a `variant:` and a `caption:` line for that slide.

    # comments start with #; blank lines are ignored
    title: Autoregression vs diffusion       (optional, once, before the first slide)
    slide: one-big-step                      a scenario name (python main.py --list-scenarios)
    variant: 5 steps                         optional: the variant to start at, by its label or number (1 = first)
    caption: Five small steps already work.  optional: your words instead of the scenario's caption

Text after a `#` or after a gap of two or more spaces (or a tab) is a comment, so notes can stand
beside a value as above. Files as editors save them are read: UTF-8 with or without a BOM, LF or
CRLF line ends. A file over MAX_BYTES, a folder, a pipe or a device is refused before it is read.

Qt-free: the window steps through it (gui/lesson.py). Mistakes raise one LessonError that lists
every bad line with its number (`problems`); its str() is the first, plus how many more. No
message quotes a line's whole text: a wrong file (an essay, a binary) is not put on the projector.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from engine.networks.files import read_regular
from engine.runtime import scenarios

DEFAULT = Path(__file__).with_name("default.lesson")
KEYS = ("title", "slide", "variant", "caption")
MAX_BYTES = 1 * 2**20  # a lesson of a hundred slides is a few kB
MAX_TEXT = 200  # characters of a title or caption (a projector line holds far fewer)
MAX_PROBLEMS = 20  # bad lines listed; a file that is no lesson at all stops there
COMMENT = re.compile(r"\s#|\s{2,}|\t")  # where an inline comment starts


class LessonError(ValueError):
    """A lesson file that cannot be used. `problems`: one line each, naming the file and line;
    str(): the first, and how many more (one line, for a banner)."""

    def __init__(self, problems):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        more = len(self.problems) - 1
        super().__init__(self.problems[0] + (f" (and {more} more problem{'s' * (more > 1)})" if more else ""))


def _shown(text: str, limit: int = 40) -> str:
    """A short quote of the user's text for a message (never a whole line of a wrong file)."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


@dataclass(frozen=True)
class Slide:
    scenario: str  # a name in scenarios.SCENARIOS
    variant: int = 0  # index into the scenario's variants (0 when it has none)
    caption: str | None = None  # the lecturer's caption, or None for the scenario's own
    line: int = 0  # where the slide starts in its file (for messages)


@dataclass(frozen=True)
class Lesson:
    title: str
    slides: tuple  # of Slide, at least one
    source: str = "<text>"


def _variant(sc: scenarios.Scenario, text: str, where: str) -> int:
    labels = [label for label, _ in sc.variants]
    if not labels:
        raise LessonError(f"{where}: scenario {sc.name!r} has no variants")
    for i, label in enumerate(labels):
        if text.lower() == label.lower():
            return i
    if text.isascii() and text.isdecimal() and 1 <= int(text) <= len(labels):  # not '²' or '①': int() refuses them
        return int(text) - 1
    raise LessonError(
        f"{where}: {sc.name!r} has no variant {_shown(text)}: use one of "
        f"{', '.join(repr(v) for v in labels)} or a number 1..{len(labels)}"
    )


def _value(raw: str) -> str:
    m = COMMENT.search(raw)
    return (raw[: m.start()] if m else raw).strip()


def parse(text: str, source: str = "<text>") -> Lesson:
    title, slides, problems = "", [], []  # type: ignore[var-annotated]
    current: dict | None = None

    def close():
        if current is not None and current["scenario"] is not None:
            slides.append(Slide(**current))

    text = text.removeprefix("\ufeff")  # a BOM (Windows Notepad) that a caller's decoding kept
    for n, raw in enumerate(text.splitlines(), 1):
        if len(problems) >= MAX_PROBLEMS:
            problems.append(f"{source}: stopped after {MAX_PROBLEMS} bad lines: is this a lesson file?")
            break
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{source}:{n}"
        key, sep, value = line.partition(":")
        key, value = key.strip().lower(), _value(value)
        try:
            if not sep or key not in KEYS:
                got = (
                    f"unknown key {_shown(key, 20)}"
                    if sep and re.fullmatch(r"[\w-]{1,20}", key)
                    else "a line that is not 'key: value'"
                )
                raise LessonError(f"{where}: expected 'slide: SCENARIO' (or variant:, caption:, title:), got {got}")
            if not value:
                raise LessonError(f"{where}: '{key}:' needs a value")
            if key in ("title", "caption") and len(value) > MAX_TEXT:
                raise LessonError(
                    f"{where}: this {key} has {len(value)} characters: at most {MAX_TEXT} fit on a screen"
                )
            if key == "title":
                if slides or current is not None:
                    raise LessonError(f"{where}: 'title:' goes before the first slide")
                title = value
            elif key == "slide":
                close()
                current = {"scenario": None}  # a bad slide's variant: and caption: lines say nothing more
                if value not in scenarios.SCENARIOS:
                    raise LessonError(
                        f"{where}: unknown scenario {_shown(value)}: use one of {', '.join(scenarios.SCENARIOS)}"
                    )
                current = {"scenario": value, "line": n}
            else:
                if current is None:
                    raise LessonError(f"{where}: '{key}:' belongs to a slide: put it after a 'slide:' line")
                if current["scenario"] is None:
                    continue
                if key in current:
                    raise LessonError(f"{where}: this slide already has a '{key}:'")
                current[key] = (
                    _variant(scenarios.SCENARIOS[current["scenario"]], value, where) if key == "variant" else value
                )
        except LessonError as e:
            problems.extend(e.problems)
    close()
    if not slides and not problems:
        problems.append(f"{source}: no slides: add lines like 'slide: blurry-mess'")
    if problems:
        raise LessonError(problems)
    return Lesson(title=title or Path(source).stem, slides=tuple(slides), source=source)


def load(path: str | Path | None = None) -> Lesson:
    """The lesson in `path`, or the default lesson shipped with the app."""
    path = Path(path) if path is not None else DEFAULT
    try:
        text = read_regular(path, MAX_BYTES, "lesson file").decode("utf-8-sig")
    except OSError as e:
        raise LessonError(str(e)) from None
    except UnicodeDecodeError as e:
        text_line = e.object[: e.start].count(b"\n") + 1
        raise LessonError(
            f"cannot read lesson file {path}: line {text_line} is not UTF-8 text (save it as UTF-8)"
        ) from None
    return parse(text, str(path))
