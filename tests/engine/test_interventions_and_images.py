"""Forcing an AR pixel; the user's own image as 28×28 grey; forward processes on it."""

import numpy as np
import pytest
from PIL import Image

from engine.networks.images import load_28x28
from engine.networks.models import ModelSet
from engine.runtime import runs
from engine.runtime.interventions import force_pixel
from engine.runtime.samplers.autoregressive import sample_autoregressive
from tests.engine.helpers import tiny

MODELS = ModelSet("mnist", "cpu", ar=tiny("autoregressive"), diffusion=tiny("diffusion"))


def test_forcing_a_pixel_keeps_the_known_ones_sets_it_and_fills_the_rest():
    frames = list(sample_autoregressive(MODELS.ar, n=1, labels=3, order="raster", pixels_per_step=98, seed=0))
    f = frames[1]  # 196 pixels known; pixel 300 is the next step's
    rest = list(force_pixel(MODELS, f, 300, 200))
    last = rest[-1]
    assert last.known.all() and last.state[0].reshape(-1)[300] == pytest.approx(200 / 255)
    assert np.array_equal(last.state[0][f.known[0]], f.state[0][f.known[0]])
    assert len(rest) == 6 and last.settings.order == "raster" and last.labels.tolist() == [3]
    with pytest.raises(ValueError, match="grey level"):
        force_pixel(MODELS, f, 300, 256)
    with pytest.raises(ValueError, match="only an autoregressive run"):
        force_pixel(
            MODELS,
            next(
                runs.diffusion_frames(
                    MODELS, runs.RunSettings(label=1).with_changes(diffusion=runs.DiffusionSettings(steps=2))
                )
            ),
            0,
            0,
        )


def test_a_dark_on_white_picture_becomes_light_ink_on_black_28x28(tmp_path):
    img = np.full((60, 40), 255, np.uint8)
    img[10:50, 18:22] = 0  # a black vertical stroke on white paper, not square
    Image.fromarray(img).save(tmp_path / "one.png")
    x = load_28x28(tmp_path / "one.png")
    assert x.shape == (28, 28) and x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1
    assert x[14, 14] > 0.8 and x[2, 2] < 0.05 and x[14, 3] < 0.05  # ink in the middle, black around
    assert load_28x28(tmp_path / "one.png", invert=False)[2, 2] > 0.95


def test_unreadable_pictures_are_one_clear_error(tmp_path):
    (tmp_path / "x.png").write_bytes(b"not a png")
    with pytest.raises(ValueError, match="not an image"):
        load_28x28(tmp_path / "x.png")
    with pytest.raises(ValueError, match="no such file"):
        load_28x28(tmp_path / "missing.png")


def test_forward_processes_degrade_the_users_own_image():
    own = np.zeros((28, 28), np.float32)
    own[5:20, 10:14] = 1.0
    s = runs.RunSettings(label=3, image=own).with_changes(diffusion=runs.DiffusionSettings(steps=5))
    first = next(runs.forward_frames(MODELS, s, "diffusion"))
    assert np.array_equal(first.x0_mean[0], own)
    with pytest.raises(ValueError, match="image must be a 28x28"):
        runs.forward_frames(MODELS, s.with_changes(image=np.ones((3, 3), np.float32)), "diffusion")
