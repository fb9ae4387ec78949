"""Every lecture scenario (and each variant) gives valid settings for both panels."""

import numpy as np
import pytest

from engine.networks.bank import Bank
from engine.runtime import scenarios

REQUIRED = [
    "blurry-mess",
    "pixel-by-pixel",
    "greedy-vs-sampling",
    "too-many-pixels",
    "forward-processes",
    "hundred-steps",
    "one-big-step",
    "x0-is-a-mean",
    "guidance",
    "coarse-to-fine",
    "complete-my-sketch",
]
BANK = Bank(np.full((10, 28, 28), 200, np.uint8), np.arange(10))


def test_all_required_scenarios_exist_with_short_captions():
    assert set(REQUIRED) <= set(scenarios.SCENARIOS)
    for sc in scenarios.SCENARIOS.values():
        assert 1 <= sc.caption.count(".") <= 4 and len(sc.caption) < 400, sc.name


@pytest.mark.parametrize("name", REQUIRED)
def test_scenario_settings_validate_for_every_variant(name):
    sc = scenarios.get(name)
    for i in range(max(1, len(sc.variants))):
        left, right, label = scenarios.settings_for(sc, i, BANK)
        assert (label != "") == bool(sc.variants)


def test_variants_change_what_they_say():
    one = scenarios.get("one-big-step")
    assert [scenarios.settings_for(one, i)[1].diffusion.steps for i in range(5)] == [1, 2, 5, 10, 100]
    g = scenarios.get("guidance")
    assert [scenarios.settings_for(g, i)[0].guidance for i in range(4)] == [0.0, 1.0, 3.0, 7.0]


def test_sketch_scenario_gives_the_top_half():
    left, right, _ = scenarios.settings_for(scenarios.get("complete-my-sketch"), 0, BANK)
    assert left.known[:14].all() and not left.known[14:].any() and right.known is not None


def test_unknown_scenario_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown scenario 'nope'"):
        scenarios.get("nope")


def test_every_scenario_names_one_or_two_plots_that_a_frame_measures():
    """A lecture layout shows the plots that carry a scenario's point: each names one or two, by
    the name of a measurement every frame's metrics carry."""
    import numpy as np

    from engine.maths import metrics
    from engine.runtime.frames import Frame

    img = np.zeros((1, 28, 28), np.float32)
    measured = set(
        metrics.frame_metrics(Frame(method="diffusion", step=0, total_steps=1, nfe=1, state=img, x0_mean=img))
    )
    for sc in scenarios.SCENARIOS.values():
        assert 1 <= len(sc.plots) <= 2 and set(sc.plots) <= measured | {"distance", "prob"}, sc.name


@pytest.mark.parametrize("dataset", ["mnist", "fashion"])
def test_every_scenario_runs_on_either_dataset_and_its_caption_names_that_dataset_s_prompt(dataset):
    """Issue 27 §8: a slide is a lesson point on digits and on clothes. Its settings are that dataset's
    (Fashion: random order where raster is not the point), its caption names the prompt there."""
    from engine.networks.data import CLASS_NAMES

    for name, sc in scenarios.SCENARIOS.items():
        left, right, _ = scenarios.settings_for(sc, 0, None, dataset)
        assert left.dataset == right.dataset == dataset, name
        caption = sc.caption_for(dataset, left.label)
        assert "{" not in caption, name
        other = {"mnist": "fashion", "fashion": "mnist"}[dataset]
        assert CLASS_NAMES[other][7] not in caption, (name, caption)  # no "seven" on clothes, no "sneaker" on digits
    raster_slides = {
        n
        for n, sc in scenarios.SCENARIOS.items()
        if scenarios.settings_for(sc, 0, None, dataset)[0].ar.order == "raster"
    }
    if dataset == "fashion":  # raster 1 px a step draws 44 of 100 sneakers (benchmarks/showcase.py)
        assert not raster_slides & {"pixel-by-pixel", "hundred-steps"}
    else:
        assert {"pixel-by-pixel", "hundred-steps"} <= raster_slides


@pytest.mark.parametrize("dataset", ["mnist", "fashion"])
def test_a_caption_names_the_variant_key_only_as_v_colon_so_a_lesson_can_name_its_remote_s(dataset):
    """A lesson writes 'PageDown:' for 'V:' (Session.caption); a bare 'V' would tell the hall a key the remote
    does not have (same-budget said '(V)' in the lesson)."""
    import re

    for name, sc in scenarios.SCENARIOS.items():
        caption = sc.caption_for(dataset)
        assert not re.search(r"\bV\b(?!:)", caption), (name, caption)
