"""race(lanes, pacing): which lane steps next, lanes keep their frames, failures and stops; the
Session: scenario, modes, settings, given pixels, lanes, with no window."""

import numpy as np
import pytest
import torch

from engine.networks.bank import Bank
from engine.networks.models import ModelSet
from engine.runtime.frames import Frame
from engine.runtime.runs import ARSettings, DiffusionSettings, RunSettings
from engine.runtime.session import Lane, Session, pick, race, run_to_end

from .helpers import tiny


def frames(method="diffusion", steps=4, nfe_per_step=1, seconds_per_step=0.0):
    """A fake sampler: `steps` frames, NFE rising by `nfe_per_step`, each step 'costing' time."""
    img = np.zeros((1, 28, 28), np.float32)
    for i in range(steps):
        if seconds_per_step:
            import time

            t = time.perf_counter()
            while time.perf_counter() - t < seconds_per_step:
                pass
        yield Frame(method=method, step=i, total_steps=steps, nfe=(i + 1) * nfe_per_step, state=img, x0_mean=img)


def order(lanes, pacing):
    return [ln.name for ln, _ in race(lanes, pacing)]


def test_same_nfe_keeps_the_network_evaluations_together():
    # a guided diffusion step costs 2 NFE, an AR step 1: AR takes two steps per diffusion step
    ar = Lane("left", lambda: frames("autoregressive", steps=6, nfe_per_step=1))
    df = Lane("right", lambda: frames("diffusion", steps=3, nfe_per_step=2))
    gaps = []
    for _ in race([ar, df], "same-nfe"):
        gaps.append(abs(ar.frames[-1].nfe - df.frames[-1].nfe) if ar.frames and df.frames else 0)
    assert max(gaps) <= 2  # never more than one step's cost apart
    assert [ar.frames[-1].nfe, df.frames[-1].nfe] == [6, 6]
    assert [f.nfe for f in ar.frames] == [1, 2, 3, 4, 5, 6] and len(df.frames) == 3  # lanes hold their frames


def test_same_nfe_ties_take_turns():
    """Two forward processes run no network (NFE 0 throughout): they alternate, not one then the other."""
    a = Lane("left", lambda: frames("forward-autoregressive", steps=3, nfe_per_step=0))
    b = Lane("right", lambda: frames("forward-diffusion", steps=3, nfe_per_step=0))
    assert order([a, b], "same-nfe") == ["left", "right"] * 3


def test_fastest_is_round_robin_and_a_short_lane_lets_the_other_run_on():
    a = Lane("left", lambda: frames(steps=2, nfe_per_step=5))
    b = Lane("right", lambda: frames(steps=4, nfe_per_step=1))
    assert order([a, b], "fastest") == ["left", "right", "left", "right", "right", "right"]


def test_same_time_gives_the_slower_lane_fewer_steps():
    slow = Lane("left", lambda: frames(steps=50, seconds_per_step=0.004))
    fast = Lane("right", lambda: frames(steps=50))
    seq = []
    for ln, _ in race([slow, fast], "same-time"):
        seq.append(ln.name)
        if len(seq) == 30:
            break
    assert seq.count("right") > seq.count("left")  # the free lane catches up on engine time
    assert slow.busy_s > 0 and len(slow.frames) + len(fast.frames) == 30


def test_pacing_may_change_during_the_race():
    a = Lane("left", lambda: frames(steps=4, nfe_per_step=1))
    b = Lane("right", lambda: frames(steps=4, nfe_per_step=3))
    pacing = ["fastest"]
    seq = []
    for ln, _ in race([a, b], lambda: pacing[0]):
        seq.append(ln.name)
        pacing[0] = "same-nfe" if len(seq) >= 2 else "fastest"
    assert seq[:2] == ["left", "right"] and seq[2:4] == ["left", "left"]


def test_a_failing_lane_stops_with_its_error_and_the_other_runs_on():
    def broken():
        yield next(frames(steps=3))
        raise RuntimeError("boom")

    errors, ended = [], []
    a = Lane("left", broken)
    b = Lane("right", lambda: frames(steps=3))
    c = Lane("bad", lambda: 1 / 0)  # the factory itself fails (bad settings)
    run_to_end_lanes = list(
        race(
            [a, b, c],
            "same-nfe",
            on_error=lambda ln, m: errors.append((ln.name, m)),
            on_done=lambda ln: ended.append(ln.name),
        )
    )
    assert a.done and a.error == "RuntimeError: boom" and len(a.frames) == 1
    assert c.done and "division by zero" in c.error and not c.frames
    assert b.done and b.error is None and len(b.frames) == 3
    assert sorted(n for n, _ in errors) == ["bad", "left"] and ended == ["right"]  # ended: reached its end
    assert len(run_to_end_lanes) == 4


def test_record_can_drop_a_frame_and_stop_the_race():
    a = Lane("left", lambda: frames(steps=5))
    kept = []

    def record(lane, frame):
        if frame.step == 2:
            return False  # e.g. a cancel arrived during this step
        lane.frames.append(frame)
        kept.append(frame.step)
        return True

    assert [f.step for _, f in race([a], record=record)] == [0, 1]
    assert kept == [0, 1] and len(a.frames) == 2


def test_stopping_between_items_stops_between_network_steps():
    pulled = []

    def gen():
        for f in frames(steps=10):
            pulled.append(f.step)
            yield f

    a = Lane("left", gen)
    r = race([a])
    next(r), next(r)
    r.close()
    assert pulled == [0, 1]


def test_run_to_end_and_unknown_pacing():
    a, b = Lane("left", lambda: frames(steps=2)), Lane("right", lambda: frames(steps=3))
    assert all(ln.done for ln in run_to_end([a, b]))
    assert pick([a, b]) is None
    with pytest.raises(ValueError, match="unknown pacing"):
        pick([Lane("x", lambda: frames())], "random")


# -- the Session: run state with no window ----------------------------------------------------


def _models():
    rng = np.random.default_rng(0)
    bank = Bank(images=rng.integers(0, 256, (20, 28, 28)).astype(np.uint8), labels=np.repeat(np.arange(10), 2))
    return ModelSet(
        "mnist",
        torch.device("cpu"),
        ar=tiny("autoregressive"),
        diffusion=tiny("diffusion"),
        classifier=tiny("classifier"),
        bank=bank,
    )


def test_a_scenario_sets_what_each_panel_runs_and_the_variant_wraps():
    s = Session()
    label = s.load_scenario("one-big-step", 1)
    assert s.modes == {"left": "diffusion", "right": "diffusion"}
    assert (s.settings["left"].diffusion.steps, s.settings["right"].diffusion.steps) == (100, 2)
    assert label == "2 steps" and "[2 steps — V: next]" in s.scenario_caption(label)
    assert s.lane_labels() == {"left": "diffusion, DDIM 100 steps", "right": "diffusion, DDIM 2 steps"}
    s.load_scenario("one-big-step", 5)
    assert s.variant == 0  # five variants: the sixth is the first again
    with pytest.raises(ValueError, match="unknown scenario"):
        s.load_scenario("no-such-scenario")
    assert s.scenario.name == "one-big-step"  # a bad name changes nothing


def test_a_sketch_scenario_gives_both_models_the_same_pixels_until_it_ends():
    s, models = Session(), _models()
    s.load_scenario("complete-my-sketch", bank=models.bank)
    known, values = s.given
    assert known[:14].all() and not known[14:].any()
    settings, given = s.prepared(s.settings)
    assert all(np.array_equal(st.known, known) for st in settings.values()) and given is s.given
    s.end_scenario()
    assert s.scenario is None and s.given is None


def test_your_picture_goes_to_the_forward_processes_and_is_completed_by_the_generators():
    s = Session()
    img = np.linspace(0, 1, 784, dtype=np.float32).reshape(28, 28)
    s.load_scenario("forward-processes")
    assert "erase and noise it" in s.use_image(img) and s.given is None  # no generating panel
    settings, _ = s.prepared(s.settings)
    assert all(st.image is img for st in settings.values())
    s.modes = {"left": "autoregressive", "right": "diffusion"}
    assert "both models complete it" in s.use_image(img) and s.given[0][:14].all()
    s.forget_image()
    assert s.user_image is None and s.given is None


def test_a_started_session_races_its_lanes_to_the_end_with_metrics_and_distances():
    s, models = Session(), _models()
    s.use_preset(RunSettings(label=3, seed=1, ar=ARSettings(pixels_per_step=196), diffusion=DiffusionSettings(steps=4)))
    settings, given = s.prepared(s.settings)
    lanes = s.start(models, settings, s.modes, given)
    assert [ln.name for ln in lanes] == ["left", "right"] and not s.is_finished()
    for ln, frame in race(lanes):
        ln.metrics.append(ln.measure(frame))
    assert s.is_finished()
    assert [len(ln.frames) for ln in lanes] == [4, 4] and all(len(ln.metrics) == 4 for ln in lanes)
    assert all("probs" in m for ln in lanes for m in ln.metrics)  # the classifier's p(class | x0)
    assert all(len(ln.final_distances()) == 4 and ln.final_distances()[-1] == 0 for ln in lanes)


def test_automatic_continuations_are_due_once_at_their_fraction_of_the_run():
    s, models = Session(), _models()
    s.load_scenario("x0-is-a-mean")
    settings, given = s.prepared(s.settings)
    s.start(models, settings, s.modes, given)
    img = np.zeros((1, 28, 28), np.float32)
    at = lambda step: [
        Frame(
            method="autoregressive",
            step=step,
            total_steps=10,
            nfe=step + 1,  # noqa: E731
            state=img,
            x0_mean=img,
        )
    ]
    assert not s.continuations_due(at(1))
    assert s.continuations_due(at(2))  # 3 of 10 steps: 30 %
    assert not s.continuations_due(at(5))  # once only
    s.end_scenario()
    assert not s.continuations_pending


def test_a_forced_pixel_cuts_the_lane_after_the_shown_frame_and_numbers_on_from_it():
    s = Session()
    s.lanes = {"left": Lane("left", lambda: frames("autoregressive", steps=5))}
    run_to_end(list(s.lanes.values()))
    ln = s.lanes["left"]
    ln.metrics = [{}] * 5
    shown = ln.frames[1]
    s.carry_forced("left", shown, frames("autoregressive", steps=2))()
    assert len(ln.frames) == 2 and len(ln.metrics) == 2 and not ln.done
    run_to_end([ln])
    assert [f.step for f in ln.frames] == [0, 1, 2, 3] and [f.nfe for f in ln.frames] == [1, 2, 3, 4]


def test_the_real_images_spectrum_is_computed_once_per_bank():
    """Every restart compares x0 with the bank's real images by frequency: the same array for the
    same bank (not recomputed on the GUI thread at each restart), a new one for another bank."""
    s, models = Session(), _models()
    s.use_preset(RunSettings(diffusion=DiffusionSettings(steps=2)))
    settings, given = s.prepared(s.settings)
    first = s.start(models, settings, s.modes, given)[0].reference_spectrum
    again = s.start(models, settings, s.modes, given)[0].reference_spectrum
    assert again is first and first.shape == (6,)
    other = ModelSet(
        "mnist",
        models.device,
        ar=models.ar,
        diffusion=models.diffusion,
        classifier=None,
        bank=Bank(images=np.zeros((2, 28, 28), np.uint8), labels=np.arange(2)),
    )
    assert np.allclose(s.start(other, settings, s.modes, given)[0].reference_spectrum, 0.0)


def test_free_play_starts_from_the_engines_settings_in_a_random_order():
    """A new session (a new window) starts where engine.runtime.scenarios.FREE_PLAY says: a seven,
    autoregression one pixel a step in a random order (the order the networks draw best in) beside DDIM 100."""
    from engine.runtime.scenarios import FREE_PLAY

    s = Session()
    assert s.scenario is None and s.modes == {"left": "autoregressive", "right": "diffusion"}
    assert s.settings == {"left": FREE_PLAY, "right": FREE_PLAY}
    assert (FREE_PLAY.label, FREE_PLAY.ar.order, FREE_PLAY.ar.pixels_per_step, FREE_PLAY.diffusion.steps) == (
        7,
        "random",
        1,
        100,
    )
    assert s.lane_labels()["left"].startswith("autoregressive")
