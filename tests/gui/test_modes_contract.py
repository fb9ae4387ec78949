"""One Frame contract over every registered mode (engine/runtime/modes.py; diffusers' common scheduler test
as the model), on tiny random networks: a new mode gets this test by its registry entry alone. (Here, not
in tests/engine, which another session edits.)"""

from types import SimpleNamespace

import numpy as np
import pytest

from engine.runtime.modes import MODES, describe, mode, shows_real_image
from engine.runtime.runs import ARSettings, DiffusionSettings, RunSettings
from tests.engine.helpers import tiny


@pytest.fixture(scope="module")
def models():
    return SimpleNamespace(
        dataset="mnist", ar=tiny("autoregressive"), diffusion=tiny("diffusion"), classifier=None, bank=None
    )


@pytest.mark.parametrize("name", list(MODES))
def test_every_mode_keeps_the_frame_contract(models, name):
    m = mode(name)
    s = RunSettings(
        dataset="mnist",
        label=7,
        seed=1,
        image=np.full((28, 28), 0.5, np.float32),
        ar=ARSettings(pixels_per_step=64),
        diffusion=DiffusionSettings(steps=4),
    )
    frames = list(m.make(models, s))
    assert frames and frames[-1].is_last and not any(f.is_last for f in frames[:-1])
    assert [f.step for f in frames] == list(range(len(frames)))
    assert all(f.total_steps == len(frames) for f in frames)
    assert all(b.nfe >= a.nfe for a, b in zip(frames, frames[1:]))
    for f in frames:
        for img in (f.state, f.x0_mean):
            assert img.shape == (1, 28, 28) and img.dtype == np.float32
            assert np.isfinite(img).all() and img.min() >= 0 and img.max() <= 1
    assert shows_real_image(frames[0].method) == m.forward  # one rule for "a forward process"
    if m.forward:
        assert frames[-1].nfe == 0  # no network
    assert describe(name, s).startswith(m.title)


def test_unknown_mode_names_the_known_ones():
    with pytest.raises(ValueError, match="autoregressive"):
        mode("gan")
