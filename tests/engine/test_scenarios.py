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
