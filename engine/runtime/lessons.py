"""A lesson: lecture scenarios in teaching order, stepped like slides (`python main.py --lesson [FILE]`).

A lesson file is plain text that a lecturer edits: one `slide:` line per slide, in the order they
are shown, each optionally followed by a `variant:` and a `caption:` line for that slide.

    # comments start with #; blank lines are ignored
    title: Autoregression vs diffusion      (optional, once, before the first slide)
    slide: one-big-step                     a scenario name (python main.py --list-scenarios)
    variant: 5 steps                        optional: the variant to start at, by its label or number (1 = first)
    caption: Five small steps already work. optional: your words instead of the scenario's caption

Qt-free: the window steps through it (gui/lesson.py). Any mistake raises LessonError naming the
file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.runtime import scenarios

DEFAULT = Path(__file__).with_name("default.lesson")
KEYS = ("title", "slide", "variant", "caption")


class LessonError(ValueError):
    """A lesson file that cannot be used; the message names the file and line."""


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
    if text.isdigit() and 1 <= int(text) <= len(labels):
        return int(text) - 1
    raise LessonError(
        f"{where}: {sc.name!r} has no variant {text!r}: use one of "
        f"{', '.join(repr(v) for v in labels)} or a number 1..{len(labels)}"
    )


def parse(text: str, source: str = "<text>") -> Lesson:
    title, slides, current = "", [], None  # type: ignore[var-annotated]

    def close():
        if current is not None:
            slides.append(Slide(**current))

    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{source}:{n}"
        key, sep, value = line.partition(":")
        key, value = key.strip().lower(), value.strip()
        if not sep or key not in KEYS:
            raise LessonError(f"{where}: expected 'slide: SCENARIO' (or variant:, caption:, title:), got {line!r}")
        if not value:
            raise LessonError(f"{where}: '{key}:' needs a value")
        if key == "title":
            if slides or current is not None:
                raise LessonError(f"{where}: 'title:' goes before the first slide")
            title = value
        elif key == "slide":
            close()
            if value not in scenarios.SCENARIOS:
                raise LessonError(f"{where}: unknown scenario {value!r}: use one of {', '.join(scenarios.SCENARIOS)}")
            current = {"scenario": value, "line": n}
        else:
            if current is None:
                raise LessonError(f"{where}: '{key}:' belongs to a slide: put it after a 'slide:' line")
            if key in current:
                raise LessonError(f"{where}: this slide already has a '{key}:'")
            current[key] = (
                _variant(scenarios.SCENARIOS[current["scenario"]], value, where) if key == "variant" else value
            )
    close()
    if not slides:
        raise LessonError(f"{source}: no slides: add lines like 'slide: blurry-mess'")
    return Lesson(title=title or Path(source).stem, slides=tuple(slides), source=source)


def load(path: str | Path | None = None) -> Lesson:
    """The lesson in `path`, or the default lesson shipped with the app."""
    path = Path(path) if path is not None else DEFAULT
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise LessonError(f"cannot read lesson file {path}: {getattr(e, 'strerror', None) or e}") from None
    return parse(text, str(path))
