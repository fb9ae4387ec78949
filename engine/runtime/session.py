"""What runs, with no Qt: a `Session` holds the scenario (and variant), each panel's mode and
settings, the pixels given to both models, your own picture and the lanes of the current run
(one a panel: a generator factory, its frames and their metrics). `race(lanes, pacing)` pulls one
frame at a time from the lane whose turn it is and yields `(lane, frame)`. The window's worker
thread is a thin shell around it (pause, cancel, steps per second); the window shows the Session;
`--render` and scripts use both with no window.

Pacing (which lane steps next):
  same-nfe   the lane with the fewest network evaluations so far; ties (two forward processes,
             NFE 0 throughout) take turns, so the counters race honestly; a forward process beside
             a network run goes by the share of its run done (its NFE stays 0);
  same-time  the lane that has spent the least engine time;
  fastest    round-robin: each lane one step in turn, as fast as each goes.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Callable, Iterator

import numpy as np

from engine.maths import metrics
from engine.runtime import scenarios
from engine.runtime.modes import MODES, describe, shows_real_image
from engine.maths.pixels import SIDE
from engine.runtime.runs import RunSettings

PACINGS = ("same-nfe", "same-time", "fastest")


@dataclass
class Lane:
    """One panel's run: a generator factory and everything it has produced."""
    name: str
    make: Callable[[], Iterator]  # () -> iterator of Frames
    frames: list = field(default_factory=list)
    done: bool = False
    error: str | None = None      # why the lane stopped early ("ValueError: ...")
    it: Iterator | None = None    # its running generator (set by race; a carried-over lane keeps its own)
    busy_s: float = 0.0           # engine time spent on this lane
    classifier: object = None     # for p(class | x0) in its metrics
    metrics: list = field(default_factory=list)  # one dict a frame (engine.maths.metrics.frame_metrics)
    distances: list | None = None  # x0's distance to where the run ended, once it has ended
    reference_spectrum: np.ndarray | None = None  # real images' power by frequency band (metrics)

    def measure(self, frame) -> dict:
        """The metrics the plots show for one frame: of x0 for a generating run, of the degraded
        image itself for a forward process (its x0 is the real image, the same at every step)."""
        measured = replace(frame, x0_mean=frame.state) if shows_real_image(frame.method) else frame
        m = metrics.frame_metrics(measured, self.classifier)
        if self.reference_spectrum is not None:  # 1 in every band: as detailed as real images
            m["spectrum_vs_real"] = m["spectrum"] / np.maximum(self.reference_spectrum, 1e-12)
        return m

    def final_distances(self) -> list:
        """x0's distance to the final image at each step (a forward process: how far the image has
        drifted from the real one)."""
        if self.frames and shows_real_image(self.frames[-1].method):
            return [metrics.distance(f.state[0], f.x0_mean[0]) for f in self.frames]
        return list(metrics.distances_to_final(self.frames)) if self.frames else []


def pick(lanes: list[Lane], pacing: str = "same-nfe") -> Lane | None:
    """The lane whose turn it is (None: every lane is done)."""
    live = [ln for ln in lanes if not ln.done]
    if not live:
        return None
    if pacing == "same-nfe":
        if any(_uses_no_network(ln) for ln in live) and not all(_uses_no_network(ln) for ln in live):
            # a forward process (NFE 0 for ever) beside a network run: NFE cannot pace them, the
            # share of the run done can (erasing 784 pixels held a diffusion panel at step 1 until
            # it was done)
            return min(live, key=lambda ln: (_progress(ln), len(ln.frames)))
        return min(live, key=lambda ln: (ln.frames[-1].nfe if ln.frames else 0, len(ln.frames)))
    if pacing == "same-time":
        return min(live, key=lambda ln: ln.busy_s)
    if pacing == "fastest":
        return min(live, key=lambda ln: len(ln.frames))
    raise ValueError(f"unknown pacing {pacing!r}: use one of {', '.join(PACINGS)}")


def _uses_no_network(lane: Lane) -> bool:
    return bool(lane.frames) and lane.frames[-1].nfe == 0 and shows_real_image(lane.frames[-1].method)


def _progress(lane: Lane) -> float:
    return (lane.frames[-1].step + 1) / max(1, lane.frames[-1].total_steps) if lane.frames else 0.0


def _append(lane: Lane, frame) -> bool:
    lane.frames.append(frame)
    return True


def race(lanes: list[Lane], pacing: str | Callable[[], str] = "same-nfe",
         record: Callable[[Lane, object], bool] = _append,
         on_error: Callable[[Lane, str], None] | None = None,
         on_done: Callable[[Lane], None] | None = None) -> Iterator[tuple[Lane, object]]:
    """Yield (lane, frame), one network step at a time, until every lane is done.

    `pacing`: a name or a callable returning one (it may change while the race runs).
    `record(lane, frame)` keeps the frame (default: appends to lane.frames) and returns False to
    stop the race, dropping the frame (a cancelled run). A lane that fails is marked done with
    its error (`on_error`), the others race on; `on_done(lane)` runs when a lane reaches its end.
    Stopping iteration between items stops the race between two network steps."""
    for ln in lanes:
        if ln.it is not None or ln.done:  # carried over from an earlier race (a forced pixel)
            continue
        try:
            ln.it = iter(ln.make())
        except Exception as e:  # bad settings: report (the message alone), keep the other lanes going
            _fail(ln, str(e), on_error)
    while True:
        lane = pick(lanes, pacing() if callable(pacing) else pacing)
        if lane is None:
            return
        t0 = time.perf_counter()
        try:
            frame = next(lane.it)
        except StopIteration:
            _end(lane, on_done)
            continue
        except Exception as e:
            _fail(lane, f"{type(e).__name__}: {e}", on_error)
            continue
        lane.busy_s += time.perf_counter() - t0  # "same wall-clock" counts the network step only
        if not record(lane, frame):
            return
        if frame.is_last:
            _end(lane, on_done)
        yield lane, frame


def _end(lane: Lane, on_done) -> None:
    if not lane.done:
        lane.done = True
        if on_done is not None:
            on_done(lane)


def _fail(lane: Lane, msg: str, on_error) -> None:
    """A failed lane is done, with its error; it has no end to report (`on_done` is for lanes that ended)."""
    lane.done, lane.error = True, msg
    if on_error is not None:
        on_error(lane, msg)


def run_to_end(lanes: list[Lane], pacing: str = "same-nfe") -> list[Lane]:
    """Race the lanes to their ends with no window (`--render`, scripts); returns them."""
    for _ in race(lanes, pacing):
        pass
    return lanes


class Session:
    """The run state of the window (or of a script): which scenario, what each panel runs with
    which settings, the pixels both models are given, and the lanes of the current run.

    The window writes `settings`/`modes` into its controls and reads them back; `start` builds the
    lanes its worker races. Nothing here knows about Qt."""

    def __init__(self):
        self.scenario: scenarios.Scenario | None = None
        self.variant = 0
        self.modes = {"left": "autoregressive", "right": "diffusion"}
        self.settings: dict[str, RunSettings] = {"left": scenarios.FREE_PLAY, "right": scenarios.FREE_PLAY}
        self.given: tuple | None = None      # (known, values): pixels given to both models (a drawing, a sketch)
        self.user_image: np.ndarray | None = None  # your own picture (28x28): what the forward processes degrade
        self.lanes: dict[str, Lane] = {}
        self.continuations_pending = False   # a scenario's automatic continuations, not yet run

    # -- what to run -------------------------------------------------------------------------
    def load_scenario(self, name: str, variant: int = 0, bank=None) -> str:
        """Take a scenario's settings and modes (ValueError for an unknown one); returns the
        variant's label ('' when it has none)."""
        sc = scenarios.get(name)
        left, right, label = scenarios.settings_for(sc, variant, bank)
        self.scenario, self.variant = sc, variant % max(1, len(sc.variants))
        self.given = None if left.known is None else (left.known, left.values)
        self.settings, self.modes = {"left": left, "right": right}, {"left": sc.left_mode, "right": sc.right_mode}
        return label

    def scenario_caption(self, label: str = "", caption: str | None = None) -> str:
        sc = self.scenario
        more = f"   [{label} — V: next]" if label else ""
        return f"{sc.title}. {caption or sc.caption}{more}"

    def use_preset(self, settings: RunSettings, left: str = "autoregressive", right: str = "diffusion") -> None:
        """Both panels share `settings` (no scenario)."""
        self.end_scenario()
        self.settings, self.modes = {"left": settings, "right": settings}, {"left": left, "right": right}
        self.given = None if settings.known is None else (settings.known, settings.values)

    def end_scenario(self) -> None:
        self.scenario, self.given = None, None
        self.continuations_pending = False  # a scenario's automatic continuations leave with it

    def use_image(self, image: np.ndarray) -> str:
        """Your own picture: forward panels degrade it, generating panels complete its top half.
        Returns the caption that says so."""
        self.user_image = image
        generating = [n for n, m in self.modes.items() if not MODES[m].forward]
        if generating:
            known = np.zeros((SIDE, SIDE), bool)
            known[:SIDE // 2] = True  # the top half
            self.given = (known, image)
        self.scenario = None
        what = (["both models complete it from its top half" if len(generating) == 2 else
                 "the generating panel completes it from its top half"] if generating else [])
        if len(generating) < 2:
            what.append("the forward panels erase and noise it")
        return f"Your picture, as 28×28 grey: {' and '.join(what)}."

    def forget_image(self) -> None:
        self.user_image = None
        self.end_scenario()

    def prepared(self, settings: dict, known=None, values=None) -> tuple[dict, tuple | None]:
        """The panels' settings with the given pixels (`known`/`values`, or those given before) and
        your picture applied, validated (ValueError); and the pixels given."""
        given = self.given if known is None else (np.asarray(known, bool), np.asarray(values, np.float32))
        if given is not None:
            settings = {n: s.with_changes(known=given[0], values=given[1]).validate() for n, s in settings.items()}
        if self.user_image is not None:
            settings = {n: s.with_changes(image=self.user_image) for n, s in settings.items()}
        return settings, given

    def start(self, models, settings: dict, modes: dict, given=None) -> list[Lane]:
        """New lanes for `settings` and `modes` (from `prepared`): what the worker races."""
        self.settings, self.modes, self.given = dict(settings), dict(modes), given
        self.lanes = {}
        ref = None if models.bank is None else models.bank.spectrum
        for name, mode in modes.items():
            make, ls = MODES[mode].make, settings[name]
            self.lanes[name] = Lane(name, lambda make=make, ls=ls: make(models, ls), classifier=models.classifier,
                                    reference_spectrum=ref)
        self.continuations_pending = bool(self.scenario and self.scenario.continuations_at and given is None)
        return list(self.lanes.values())

    # -- what runs ---------------------------------------------------------------------------
    def lane_labels(self) -> dict:
        """What each panel runs, e.g. 'diffusion, DDIM 1 step' (legend, strips, exports)."""
        return {n: describe(m, self.settings[n]) for n, m in self.modes.items() if n in self.settings}

    def titles(self) -> dict:
        return {n: MODES[m].title for n, m in self.modes.items()}

    def forward_panels(self) -> dict:
        return {n: MODES[m].forward for n, m in self.modes.items()}

    def is_finished(self) -> bool:
        return bool(self.lanes) and all(ln.done for ln in self.lanes.values())

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

    def carry_forced(self, lane_name: str, shown, frames_after) -> Callable[[], None]:
        """A forced pixel: `prepare()` cuts `lane_name`'s frames after the frame `shown` and lets it
        go on with `frames_after` (a generator numbered on from `shown`). Call it once no worker
        steps the lane any more."""
        ln = self.lanes[lane_name]
        i = next(j for j, f in enumerate(ln.frames) if f is shown)

        def prepare():
            del ln.frames[i + 1:], ln.metrics[i + 1:]
            ln.it = continued(frames_after, shown)
            ln.done, ln.error, ln.distances = False, None, None
        return prepare


def continued(frames, after):
    """Frames of a run continued after frame `after`, numbered on from it (steps, NFE, seconds),
    so the timeline and plots run on from the step where the pixel was forced."""
    for f in frames:
        yield replace(f, step=after.step + 1 + f.step, total_steps=after.step + 1 + f.total_steps,
                      nfe=after.nfe + f.nfe, elapsed_s=after.elapsed_s + f.elapsed_s)
