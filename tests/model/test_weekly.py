"""The compiled loops of the weekly step against the array formulations they replace: the
same results on the same inputs, to the bit."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.rules import economics, trust, weekly


def allocate_by_sorting(choice_vendor, capacity, priority):
    """The array formulation: sort every buyer by (vendor, priority), rank within vendor."""
    served = np.zeros(choice_vendor.shape[0], dtype=bool)
    buyers = np.flatnonzero(choice_vendor >= 0)
    if buyers.size == 0:
        return served
    order = buyers[np.argsort(choice_vendor[buyers] + priority[buyers])]
    vendors = choice_vendor[order]
    starts = np.flatnonzero(np.r_[True, vendors[1:] != vendors[:-1]])
    rank = np.arange(order.size) - np.repeat(starts, np.diff(np.r_[starts, order.size]))
    served[order[rank < capacity[vendors]]] = True
    return served


@pytest.mark.parametrize("seed", range(20))
def test_serving_in_priority_matches_sorting_every_buyer(seed):
    rng = np.random.default_rng(seed)
    n, n_vendors = int(rng.integers(1, 3000)), int(rng.integers(1, 300))
    asks = np.where(rng.random(n) < 0.8, rng.integers(0, n_vendors, n), -1)
    capacity = rng.integers(0, 12, n_vendors)
    priority = rng.random(n)
    served = economics.allocate_capacity(asks, capacity, priority)
    np.testing.assert_array_equal(served, allocate_by_sorting(asks, capacity, priority))
    per_vendor = np.bincount(asks[served], minlength=n_vendors)
    asked = np.bincount(asks[asks >= 0], minlength=n_vendors)
    np.testing.assert_array_equal(per_vendor, np.minimum(asked, capacity))


def test_serving_with_no_buyers_and_no_vendors():
    assert not economics.allocate_capacity(np.full(5, -1), np.zeros(0, np.int64),
                                           np.zeros(5)).any()


@pytest.mark.parametrize("floor_kind", ["scalar", "array"])
def test_decay_where_unused_matches_the_array_formulation(floor_kind):
    rng = np.random.default_rng(3)
    values = rng.exponential(2.0, 5000)
    values[:50] = 0.0
    floor = 1.5 if floor_kind == "scalar" else np.where(rng.random(5000) < 0.5, 1.5, 0.0)
    unused = rng.random(5000) < 0.6
    expected = values.copy()
    below = np.broadcast_to(floor, values.shape)[unused]
    old = expected[unused]
    expected[unused] = np.maximum(old * (1.0 - 0.05), np.minimum(old, below))
    trust.decay(values, 0.05, floor=floor, unused=unused)
    np.testing.assert_array_equal(values, expected)
    assert (values[~unused] == expected[~unused]).all()
    assert ((values >= np.minimum(expected, floor)) | ~unused).all()


@pytest.mark.parametrize("seed", range(12))
def test_weighted_choice_draws_what_numpy_draws(seed):
    """The same draws as Generator.choice with p, from the same state, and the generator
    left in the same state; with zero weights (vendors with no room) among them."""
    rng = np.random.default_rng(seed)
    options = int(rng.integers(1, 5000))
    room = rng.integers(0, 4, options).astype(float)
    room[rng.integers(0, options)] = 1.0
    p = room / room.sum()
    size = int(rng.integers(0, 20000))
    ours, theirs = np.random.default_rng(seed + 100), np.random.default_rng(seed + 100)
    drawn = weekly.weighted_choice(ours, p, size)
    np.testing.assert_array_equal(drawn, theirs.choice(options, size=size, p=p))
    assert ours.random() == theirs.random()
    assert (room[drawn] > 0).all()


def test_a_week_allocates_a_few_arrays_of_n_not_n_by_vendors_or_hops():
    """A week's peak memory (tracemalloc, above what the market holds), per consumer, stays
    flat as the market grows (and its vendors with it) and as referral paths get longer,
    at about 18 float64 arrays of n: an array of consumers x vendors (8 bytes x vendors per
    consumer) or consumers x hops alive at the peak would show. (A short-lived array made
    while fewer others are alive would not; ``propagate_referrals`` makes none.)"""
    import tracemalloc

    from sim.model.market import TrustMarket

    per_consumer = {}
    for n, hops in ((4000, 1), (4000, 6), (16000, 1), (16000, 6)):
        model = TrustMarket(n_consumers=n, committed_share=0.1, referral_hops=hops, rng=1)
        model.run_for(40)
        tracemalloc.start()
        peaks = []
        for _ in range(3):
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
            model.step()
            peaks.append(tracemalloc.get_traced_memory()[1] - before)
        tracemalloc.stop()
        per_consumer[n, hops] = max(peaks) / n
        assert model.vendors.active.sum() > 100  # n x vendors would be > 800 bytes each
    assert max(per_consumer.values()) < 300, per_consumer  # about 18 float64 arrays of n
    assert abs(per_consumer[16000, 6] - per_consumer[16000, 1]) < 3, per_consumer
    assert abs(per_consumer[16000, 1] - per_consumer[4000, 1]) < 16, per_consumer
