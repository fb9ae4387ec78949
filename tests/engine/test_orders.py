"""Every order is a permutation of the 784 pixels; k-per-step grouping."""

import numpy as np
import pytest

from engine.maths import orders


@pytest.mark.parametrize("name", orders.STATIC_ORDERS)
@pytest.mark.parametrize("k", [1, 4, 16, 64])
def test_every_order_is_a_permutation(name, k):
    perm = orders.make_order(name, np.random.default_rng(0), k)
    assert sorted(perm.tolist()) == list(range(784))
    groups = orders.step_groups(perm, k, name)
    assert len(groups) == orders.num_steps(name, k)
    assert sorted(np.concatenate(groups).tolist()) == list(range(784))


def test_patches_are_contiguous_blocks_and_random_is_scattered():
    rng = np.random.default_rng(0)
    for g in orders.step_groups(orders.make_order("patches", rng, 16), 16, "patches"):
        r, c = np.divmod(g, 28)
        assert r.max() - r.min() <= 3 and c.max() - c.min() <= 3  # inside one 4x4 block
    spans = []
    for g in orders.step_groups(orders.make_order("random", rng, 16), 16, "random"):
        r, c = np.divmod(g, 28)
        spans.append(max(r.max() - r.min(), c.max() - c.min()))
    assert np.mean(spans) > 15  # scattered over the image


def test_patch_edge_blocks_are_cut_by_the_border():
    groups = orders.step_groups(orders.make_order("patches", None, 64), 64, "patches")
    assert len(groups) == 16 and sorted(len(g) for g in groups)[0] == 16  # 4x4 corner block


def test_patches_need_square_k():
    with pytest.raises(ValueError, match="square"):
        orders.patches(8)


def test_known_orders_start_where_expected():
    assert orders.raster()[:3].tolist() == [0, 1, 2]
    assert orders.spiral()[:28].tolist() == list(range(28)) and orders.spiral()[28] == 55
    first = orders.center_out()[:4]
    r, c = np.divmod(first, 28)
    assert np.all(np.abs(r - 13.5) <= 1) and np.all(np.abs(c - 13.5) <= 1)


def test_training_masks_cover_all_known_counts():
    m = orders.training_masks(400, np.random.default_rng(0))
    counts = m.sum(1)
    assert m.shape == (400, 784) and counts.min() < 100 and counts.max() > 684


def test_training_masks_raster_share_sets_how_many_masks_are_raster_prefixes():
    def raster_prefixes(share):
        m = orders.training_masks(2000, np.random.default_rng(1), raster_share=share)
        counts = m.sum(1)
        prefix = np.array([m[i, :c].all() for i, c in enumerate(counts)])
        return prefix[(counts > 30) & (counts < 754)].mean()  # short prefixes of other orders can look raster

    assert raster_prefixes(0.0) < 0.02
    assert 0.15 < raster_prefixes(0.2) < 0.25
    assert 0.75 < raster_prefixes(0.8) < 0.85
    with pytest.raises(ValueError):
        orders.training_masks(4, np.random.default_rng(0), raster_share=1.5)


def test_training_masks_default_share_keeps_earlier_runs_masks():
    """The default draws the same masks as before --raster-share existed (resumed runs stay reproducible)."""
    rng = np.random.default_rng(5)
    m = orders.training_masks(50, np.random.default_rng(5))
    for i in range(50):
        u = rng.random()
        order = (
            rng.permutation(784)
            if u < 0.5
            else orders.raster()
            if u < 0.7
            else orders.spiral()
            if u < 0.8
            else orders.center_out()
            if u < 0.9
            else orders.patches(int(rng.choice([4, 16])), rng)
        )
        assert (m[i] == np.isin(np.arange(784), order[: rng.integers(0, 784)])).all()
