"""What runs, with no Qt: a `Session` holds the scenario (and variant), each panel's mode and
settings, the pixels given to both models, your own picture, the pace and the lanes of the current
run (engine.runtime.lanes: one a panel, raced by `race`). The window's worker thread is a thin shell
around `race` (pause, cancel, steps per second); the window shows the Session; `--render`,
`--replay` and scripts use both with no window.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import numpy as np

from engine.maths.pixels import SIDE
from engine.networks.data import CLASS_NAMES
from engine.runtime import fields, scenarios
from engine.runtime.lanes import PACINGS, Lane, continued, pick, race, run_to_end  # noqa: F401 (their home is lanes)
from engine.runtime.modes import MODES, describe
from engine.runtime.runs import RunSettings

DEFAULT_MODES = {"left": "autoregressive", "right": "diffusion"}  # what a new window shows
SPEEDS = {"max": 0.0, "200 steps/s": 200.0, "50 steps/s": 50.0, "10 steps/s": 10.0, "2 steps/s": 2.0}


class Session:
    """The model of the window (or of a script): which scenario, what each panel runs with which
    settings (exactly as given: `edit` parses a value once, through engine.runtime.fields), the
    pixels both models are given and your picture (once each), the pace, and the lanes of the
    current run with the settings they run (`running`).

    Plain-Python listeners (`subscribe`) hear of every change: `listener(what)` with what in
    "settings" (a setting or a panel's mode), "scenario", "pace", "notice" (`notice`: a line to say). The window's widgets write edits
    here and render from here; nothing reads a run's settings out of a widget. Qt-free."""

    def __init__(self) -> None:
        self.scenario: scenarios.Scenario | None = None
        self.variant = 0
        self.modes = dict(DEFAULT_MODES)
        self.settings: dict[str, RunSettings] = {"left": scenarios.FREE_PLAY, "right": scenarios.FREE_PLAY}
        self.given: tuple | None = None  # (known, values): pixels given to both models (a drawing, a sketch)
        self.user_image: np.ndarray | None = None  # your own picture (28x28): what the forward processes degrade
        self.lanes: dict[str, Lane] = {}
        self.running: dict[str, RunSettings] = {}  # what the lanes run (prepared: with the given pixels)
        self.running_modes: dict[str, str] = {}
        self.continuations_pending = False  # a scenario's automatic continuations, not yet run
        self.continuations_k = 16  # K of "K continuations"
        self.pacing = "same-nfe"  # which lane steps next (PACINGS)
        self.speed = "50 steps/s"  # steps per second, both panels together (SPEEDS)
        self.forced: dict[str, list[tuple[int, int]]] = {}  # lane -> (first frame holding it, pixel) forced by hand
        self.last_folder = ""  # where the file dialogs open (the last folder used; remembered between launches)
        self.notice = ""  # the last thing an edit changed beside what was edited (a prompt's class name)
        self._listeners: list[Callable[[str], None]] = []

    # -- listeners ---------------------------------------------------------------------------
    def subscribe(self, listener: Callable[[str], None]) -> Callable[[], None]:
        """Call `listener(what)` after every change; returns the call that unsubscribes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def notify(self, what: str) -> None:
        for listener in list(self._listeners):
            listener(what)

    # -- edits (from a widget, a lesson, a script) -------------------------------------------
    def edit(self, name: str, value, panel: str | None = None) -> None:
        """Set one setting (engine.runtime.fields name) to `value`, parsed and checked once
        (ValueError: nothing changes). A shared setting (dataset, prompt, w, seed) applies to both
        panels; a panel's own to `panel` (None: both)."""
        if name == "mode":
            if panel is None:
                raise ValueError("a mode is a panel's: name the panel")
            self.set_mode(panel, value)
            return
        dataset = self.settings["left"].dataset
        v = fields.parse(name, value, dataset)
        panels = list(self.settings) if panel is None or name in fields.SHARED else [panel]
        new = dict(self.settings)
        for n in panels:
            new[n] = fields.with_value(new[n], name, v)
        label = self.settings["left"].label
        self.settings = new
        self.notify("settings")
        if name == "dataset" and v != dataset and label is not None:
            was, now = CLASS_NAMES[dataset][label], CLASS_NAMES[v][label]
            if was != now:  # the prompt keeps its class number: say that its name changed
                self.notice = f"{v}: the prompt “{was}” is now “{now}” (class {label} of {v})"
                self.notify("notice")

    def set_mode(self, panel: str, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
        self.modes = {**self.modes, panel: mode}
        self.notify("settings")

    def use_folder(self, folder: str) -> None:
        """The folder a file was last opened from or saved to: the next dialog opens there."""
        self.last_folder = str(folder)

    def set_pace(self, pacing: str | None = None, speed: str | None = None) -> None:
        if pacing is not None:
            if pacing not in PACINGS:
                raise ValueError(f"unknown pacing {pacing!r}: use one of {', '.join(PACINGS)}")
            self.pacing = pacing
        if speed is not None:
            if speed not in SPEEDS:
                raise ValueError(f"unknown speed {speed!r}: use one of {', '.join(SPEEDS)}")
            self.speed = speed
        self.notify("pace")

    def steps_per_second(self) -> float:
        return SPEEDS[self.speed]

    # -- what to run -------------------------------------------------------------------------
    def load_scenario(self, name: str, variant: int = 0, bank=None, dataset: str | None = None) -> str:
        """Take a scenario's settings and modes (ValueError for an unknown one) on `dataset` (default:
        the one shown now; `bank` must be its); returns the variant's label ('' when it has none)."""
        sc = scenarios.get(name)
        dataset = dataset or self.settings["left"].dataset
        left, right, label = scenarios.settings_for(sc, variant, bank, dataset)
        self.scenario, self.variant = sc, variant % max(1, len(sc.variants))
        self.given = None if left.known is None else (left.known, left.values)
        self.settings = {"left": _plain(left), "right": _plain(right)}
        self.modes = {"left": sc.left_mode, "right": sc.right_mode}
        self.speed = sc.speed
        self.notify("scenario")
        return label

    def override(self, changes: dict) -> None:
        """Options given explicitly beside a scenario (`--seed 3 --scenario …`) win over its settings
        (ValueError for a value that does not fit)."""
        if changes:
            self.settings = {n: scenarios.override(s, changes) for n, s in self.settings.items()}
            self.notify("settings")

    def scenario_caption(self, label: str = "", caption: str | None = None, next_key: str = "V") -> str:
        """The scenario's title, caption (or `caption`) and variant, naming `next_key` as the key
        that shows the next variant: V in free play, PageDown in a lesson (a remote has no V)."""
        sc = self.scenario
        if sc is None:
            return caption or ""
        text = caption or sc.caption_for(self.settings["left"].dataset, self.settings["left"].label)
        if next_key != "V":
            text = re.sub(r"\bV:", f"{next_key}:", text)
        more = f"   [{label} — {next_key}: next]" if label else ""
        return f"{sc.title}. {text}{more}"

    def use_preset(self, settings: RunSettings, left: str = "autoregressive", right: str = "diffusion") -> None:
        """Both panels share `settings` (no scenario)."""
        self.end_scenario()
        self.settings, self.modes = (
            {"left": _plain(settings), "right": _plain(settings)},
            {"left": left, "right": right},
        )
        self.given = None if settings.known is None else (settings.known, settings.values)
        if settings.image is not None:
            self.user_image = settings.image
        self.notify("settings")

    def use_run(self, settings: dict, modes: dict) -> None:
        """Each panel's settings and mode as a recorded run had them (an export's `--replay`)."""
        self.end_scenario()
        left = settings["left"]
        self.settings = {n: _plain(s) for n, s in settings.items()}
        self.modes = dict(modes)
        self.given = None if left.known is None else (left.known, left.values)
        self.user_image = left.image
        self.notify("settings")

    def end_scenario(self) -> None:
        self.scenario, self.given = None, None
        self.continuations_pending = False  # a scenario's automatic continuations leave with it
        self.notify("scenario")

    def use_image(self, image: np.ndarray) -> str:
        """Your own picture: forward panels degrade it, generating panels complete its top half.
        Returns the caption that says so."""
        self.user_image = image
        generating = [n for n, m in self.modes.items() if not MODES[m].forward]
        if generating:
            known = np.zeros((SIDE, SIDE), bool)
            known[: SIDE // 2] = True  # the top half
            self.given = (known, image)
        self.scenario = None
        what = (
            [
                "both models complete it from its top half"
                if len(generating) == 2
                else "the generating panel completes it from its top half"
            ]
            if generating
            else []
        )
        if len(generating) < 2:
            what.append("the forward panels erase and noise it")
        return f"Your picture, as 28×28 grey: {' and '.join(what)}."

    def forget_image(self) -> None:
        self.user_image = None
        self.end_scenario()

    def prepared(self, settings: dict | None = None, known=None, values=None) -> tuple[dict, tuple | None]:
        """The panels' settings (default: the session's) with the given pixels (`known`/`values`,
        or those given before) and your picture applied, validated (ValueError); and the pixels given."""
        settings = self.settings if settings is None else settings
        given = self.given if known is None else (np.asarray(known, bool), np.asarray(values, np.float32))
        if given is not None:
            settings = {n: s.with_changes(known=given[0], values=given[1]) for n, s in settings.items()}
        if self.user_image is not None:
            settings = {n: s.with_changes(image=self.user_image) for n, s in settings.items()}
        return {n: s.validate() for n, s in settings.items()}, given

    def start(self, models, settings: dict, modes: dict, given=None) -> list[Lane]:
        """New lanes for `settings` and `modes` (from `prepared`, validated there): what the worker races."""
        self.settings = {n: _plain(s) for n, s in settings.items()}
        self.modes, self.given = dict(modes), given
        self.running, self.running_modes = dict(settings), dict(modes)
        self.lanes, self.forced = {}, {}
        ref = None if models.bank is None else models.bank.spectrum
        for name, mode in modes.items():
            make, ls = MODES[mode].make, settings[name]
            self.lanes[name] = Lane(
                name, _factory(make, models, ls), classifier=models.classifier, reference_spectrum=ref
            )
        self.continuations_pending = bool(self.scenario and self.scenario.continuations_at and given is None)
        return list(self.lanes.values())

    def start_run(self, models, known=None, values=None) -> list[Lane]:
        """`start` with the session's own settings and modes (and the pixels given)."""
        settings, given = self.prepared(None, known, values)
        return self.start(models, settings, self.modes, given)

    # -- what runs ---------------------------------------------------------------------------
    def lane_labels(self) -> dict:
        """What each panel runs, e.g. 'diffusion, DDIM 1 step' (legend, strips, exports): the run
        under way, or before any the settings to run."""
        settings, modes = (
            (self.running, self.running_modes) if self.lanes and self.running else (self.settings, self.modes)
        )
        return {n: describe(m, settings[n]) for n, m in modes.items() if n in settings}

    def titles(self) -> dict:
        return {n: MODES[m].title for n, m in self.modes.items()}

    def forward_panels(self) -> dict:
        return {n: MODES[m].forward for n, m in self.modes.items()}

    def forced_at(self, lane_name: str, i: int) -> list[int]:
        """The pixels forced by hand that frame `i` of the lane holds (flat indices)."""
        return [p for j, p in self.forced.get(lane_name, []) if j <= i]

    def run_settings(self, panel: str = "left") -> RunSettings:
        """The settings the lane of `panel` runs (the edited ones while no run exists)."""
        return self.running.get(panel) or self.settings[panel]

    def record(self) -> dict:
        """The run under way as plain JSON: both panels' modes and every setting, the given pixels and
        your picture (engine.runtime.record reads it back)."""
        from engine.runtime import record

        return record.of_session(self)

    def is_finished(self) -> bool:
        return bool(self.lanes) and all(ln.is_done() for ln in self.lanes.values())

    def continuations_due(self, left_frames: list) -> bool:
        """True once (and then never again) when the scenario's automatic continuations are due:
        the left lane has reached `continuations_at` of its run."""
        at = self.scenario.continuations_at if self.scenario is not None else None
        if self.continuations_pending and at and left_frames:
            f = left_frames[-1]
            if (f.step + 1) / f.total_steps >= at:
                self.continuations_pending = False
                return True
        return False

    def carry_forced(self, lane_name: str, shown, frames_after, pixel: int | None = None) -> Callable[[], None]:
        """A forced pixel: `prepare()` cuts `lane_name`'s frames after the frame `shown` and lets it
        go on with `frames_after` (a generator numbered on from `shown`). Call it once no worker
        steps the lane any more. `pixel` (flat index) is kept in `forced` for the rest of the run:
        every frame after `shown` holds it (a force at an earlier step drops the later ones)."""
        ln = self.lanes[lane_name]
        i = next(j for j, f in enumerate(ln.frames) if f is shown)

        def prepare():
            kept = [(j, p) for j, p in self.forced.get(lane_name, []) if j <= i]
            self.forced = {**self.forced, lane_name: kept + ([] if pixel is None else [(i + 1, int(pixel))])}
            with ln.lock:
                del ln.frames[i + 1 :], ln.metrics[i + 1 :]
                ln.it = continued(frames_after, shown)
                ln.done, ln.error, ln.distances = False, None, None
                ln.version += 1

        return prepare


def _factory(make: Callable, models, settings: RunSettings) -> Callable[[], Iterator]:
    return lambda: make(models, settings)


def _plain(s: RunSettings) -> RunSettings:
    """Settings without pixels: the session holds the given pixels and your picture once, apart."""
    return (
        s
        if s.known is None and s.values is None and s.image is None
        else s.with_changes(known=None, values=None, image=None)
    )
