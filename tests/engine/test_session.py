"""race(lanes, pacing): which lane steps next, lanes keep their frames, failures and stops."""
import numpy as np
import pytest

from engine.frames import Frame
from engine.session import Lane, pick, race, run_to_end


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
    run_to_end_lanes = list(race([a, b, c], "same-nfe", on_error=lambda ln, m: errors.append((ln.name, m)),
                                 on_done=lambda ln: ended.append(ln.name)))
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
