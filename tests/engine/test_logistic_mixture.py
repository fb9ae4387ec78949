"""The discretized logistic mixture head: a proper distribution over 256 levels, the cheap training
formula agrees with the full one, and an AR net with either head plugs into the same sampler."""

import numpy as np
import pytest
import torch

from engine.maths import logistic_mixture as lm
from engine.networks import nets
from engine.runtime.samplers.autoregressive import sample_autoregressive


def test_all_levels_sum_to_one_and_match_the_training_formula():
    torch.manual_seed(0)
    params = torch.randn(3, 50, 15) * 3
    log_p = lm.all_log_probs(params)
    assert log_p.shape == (3, 50, 256)
    assert torch.allclose(log_p.exp().sum(-1), torch.ones(3, 50), atol=1e-5)
    levels = torch.randint(0, 256, (3, 50))
    picked = log_p.gather(-1, levels[..., None])[..., 0]
    # equal probabilities (the cheap formula approximates bins under 1e-5 by their centre's density)
    assert torch.allclose(lm.target_log_prob(params, levels).exp(), picked.exp(), rtol=1e-2, atol=1e-6)


def test_a_sharp_component_puts_its_mass_on_the_level_under_its_mean():
    params = torch.zeros(1, 1, 15)
    params[..., 5:10] = 2 * 100 / 255 - 1  # every component centred on grey level 100
    params[..., 10:] = -7.0  # very narrow
    p = lm.all_log_probs(params).exp()[0, 0]
    assert int(p.argmax()) == 100 and float(p[100]) > 0.95


def test_the_end_bins_take_the_tails():
    params = torch.zeros(1, 1, 15)
    params[..., 5:10] = -1.5  # mean below black: almost everything is level 0
    params[..., 10:] = -3.0
    assert float(lm.all_log_probs(params).exp()[0, 0, 0]) > 0.99
    params[..., 5:10] = 1.5
    assert float(lm.all_log_probs(params).exp()[0, 0, 255]) > 0.99


def test_mixture_distribution_is_smooth_where_the_softmax_need_not_be():
    """Neighbouring levels of one logistic differ by a bounded ratio: no comb."""
    params = torch.zeros(1, 1, 15)
    params[..., 10:] = -2.0
    p = lm.all_log_probs(params).exp()[0, 0, 1:-1]
    assert float((p[1:] / p[:-1]).max()) < 1.1


def test_old_cards_build_the_256_way_head_and_bad_heads_are_refused():
    old = {
        "in_ch": 2,
        "out_ch": 256,
        "base": 8,
        "mults": [1, 2],
        "emb": 16,
        "groups": 4,
        "attention": False,
        "out_kernel": 1,
    }
    cfg = nets.ARConfig.from_dict(old)
    assert cfg.head == "categorical"
    with pytest.raises(ValueError):
        nets.ARConfig.from_dict({**old, "head": "logistic_mixture"})  # 256 channels are not 3K
    with pytest.raises(ValueError):
        nets.ARConfig.from_dict({**old, "head": "gaussian"})


@pytest.mark.parametrize("head", nets.AR_HEADS)
def test_both_heads_sample_and_score(head):
    out_ch = 256 if head == "categorical" else 15
    cfg = nets.ARConfig(
        in_ch=2,
        out_ch=out_ch,
        base=8,
        mults=(1, 2),
        emb=16,
        groups=4,
        attention=False,
        out_kernel=1,
        head=head,
        mixtures=5,
    )
    torch.manual_seed(0)
    net = nets.build("autoregressive", cfg).eval()
    x = torch.rand(2, 28, 28)
    known = torch.rand(2, 28, 28) > 0.5
    labels = torch.tensor([3, nets.NULL_LABEL])
    levels = (x * 255).round().long().flatten(1)
    with torch.no_grad():
        full = torch.log_softmax(net(x, known, labels).float(), -1).gather(-1, levels[..., None])[..., 0]
        cheap = net.target_log_prob(x, known, labels, levels)
    assert torch.allclose(full.exp(), cheap.exp(), rtol=1e-2, atol=1e-6)
    *_, last = sample_autoregressive(net, n=2, labels=[3, 4], order="random", pixels_per_step=98, seed=1)
    assert last.known.all() and np.isfinite(last.state).all()
