"""Weights files that look right and are not (issue 30 §8), from the table SILENT_BAD_WEIGHTS in
tests/engine/helpers.py (BAD_WEIGHTS holds the ones that never looked right): each is refused at
load with a WeightsError naming the file, as the self-test and every command line load them."""

import json

import pytest

from engine.networks import weights
from tests.engine.helpers import SILENT_BAD_WEIGHTS, corrupt, tiny

WORDS = {
    "other dataset": "holds fashion diffusion weights, not mnist diffusion",
    "bool tensors": "wrong type",
    "int8 tensors": "wrong type",
    "all zero": "output is constant",
    "edited parameter count": "parameters",
}


@pytest.mark.parametrize("kind", SILENT_BAD_WEIGHTS)
def test_weights_that_look_right_are_refused_by_name(tmp_path, kind):
    weights.save(tiny("diffusion"), "mnist", {"training": {"steps": 1}}, tmp_path)
    weights.load("mnist", "diffusion", "cpu", tmp_path)  # sound before
    path = tmp_path / "mnist_diffusion.safetensors"
    corrupt(path, kind)
    with pytest.raises(weights.WeightsError) as e:
        weights.load("mnist", "diffusion", "cpu", tmp_path)
    msg = str(e.value)
    assert "mnist_diffusion" in msg and WORDS[kind] in msg and "\n" not in msg, msg


@pytest.mark.parametrize("card_change", ["no training", "training not an object"])
def test_a_card_without_training_is_one_line_in_the_self_test(tmp_path, card_change):
    from gui.self_test import training_steps  # Qt-free function of the self-test

    weights.save(tiny("classifier"), "mnist", {"training": {"steps": 1}}, tmp_path)
    c_path = tmp_path / "mnist_classifier.json"
    card = json.loads(c_path.read_text())
    if card_change == "no training":
        del card["training"]
        c_path.write_text(json.dumps(card))
        _, card = weights.load("mnist", "classifier", "cpu", tmp_path)
        with pytest.raises(ValueError, match="has no training.steps"):
            training_steps(card, "mnist", "classifier")
    else:
        card["training"] = [1]
        c_path.write_text(json.dumps(card))
        with pytest.raises(weights.WeightsError, match="training is not a JSON object"):
            weights.load("mnist", "classifier", "cpu", tmp_path)


def test_a_card_that_is_a_pipe_does_not_block(tmp_path):
    import os

    weights.save(tiny("classifier"), "mnist", {"training": {"steps": 1}}, tmp_path)
    (tmp_path / "mnist_classifier.json").unlink()
    os.mkfifo(tmp_path / "mnist_classifier.json")
    with pytest.raises(weights.WeightsError, match="a pipe"):
        weights.load("mnist", "classifier", "cpu", tmp_path)
