"""The compiled loops of the weekly step against the array formulations they replace: the
same results on the same inputs, to the bit."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from sim.model.market import at
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
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from bench_model import week_memory

    per_consumer = {}
    for n in (4000, 16000):
        figures = week_memory(n, hops=(1, 6))
        per_consumer.update({(n, h): figures[f"hops_{h}_bytes_per_consumer"] for h in (1, 6)})
        assert figures["vendors"] > 100  # n x vendors would be > 800 bytes each
    assert max(per_consumer.values()) < 300, per_consumer  # about 18 float64 arrays of n
    assert abs(per_consumer[16000, 6] - per_consumer[16000, 1]) < 3, per_consumer
    assert abs(per_consumer[16000, 1] - per_consumer[4000, 1]) < 16, per_consumer


# ------------------------------------------------------------ the week's other loops
# Each test keeps the array formulation the loop replaced (the market's code before) and
# compares the two on random states, with the edge cases a run meets: no favourite (-1),
# inactive vendors, ties, consumers not served.

def _state(seed, n=3000, n_vendors=40):
    rng = np.random.default_rng(seed)
    return rng, {
        "fav": np.where(rng.random(n) < 0.6, rng.integers(0, n_vendors, n), -1),
        "fav_good": np.where(rng.random(n) < 0.5, rng.integers(0, 6, n), rng.random(n) * 4),
        "fav_bad": np.where(rng.random(n) < 0.5, rng.integers(0, 3, n), rng.random(n) * 0.3),
        "ref_vendor": np.where(rng.random(n) < 0.4, rng.integers(0, n_vendors, n), -1),
        "ref_good": rng.random(n) * 3, "ref_bad": rng.random(n),
        "tied": rng.random(n) < 0.3, "last": rng.integers(0, 3, n).astype(np.int8),
        "rating": rng.random(n_vendors), "price": 0.5 + rng.random(n_vendors),
        "platform_trust": rng.random(n), "active": rng.random(n_vendors) < 0.8,
    }


@pytest.mark.parametrize("seed", range(6))
def test_candidate_and_platform_utility_match_the_array_formulation(seed):
    rng, s = _state(seed)
    n = s["fav"].size
    beta = trust.beta_mean
    fav_trust = beta(s["fav_good"], s["fav_bad"])
    use_ref = (s["ref_vendor"] >= 0) & ((s["fav"] < 0) | (beta(s["ref_good"], s["ref_bad"])
                                                          > fav_trust)
                                        | (s["ref_vendor"] == s["fav"]))
    candidate = np.where(use_ref, s["ref_vendor"], s["fav"])
    got_use, got_candidate = np.empty(n, bool), np.empty(n, np.int64)
    weekly.pick_candidates(s["fav"], s["fav_good"], s["fav_bad"], s["ref_vendor"],
                           s["ref_good"], s["ref_bad"], got_use, got_candidate)
    np.testing.assert_array_equal(got_use, use_ref)
    np.testing.assert_array_equal(got_candidate, candidate)
    assert use_ref.any() and (candidate < 0).any()
    channels, weight, guarantee = bool(seed % 2), 2.0, 0.3
    good = np.where(candidate == s["fav"], s["fav_good"], 0.0) + use_ref * s["ref_good"]
    bad = np.where(candidate == s["fav"], s["fav_bad"], 0.0) + use_ref * s["ref_bad"]
    mediated = ~(s["tied"] & (candidate == s["fav"])) & (candidate >= 0) & channels
    m_good, m_bad = trust.mediated_evidence(at(s["rating"], candidate), s["platform_trust"],
                                            weight)
    tau = beta(good + mediated * m_good, bad + mediated * m_bad)
    utility = economics.purchase_utility(tau, at(s["price"], candidate, 1.0),
                                         (1.0 - tau) * (1.0 - guarantee), 3.0, 2.0, 1.5)
    utility += 0.7 * (s["last"] == economics.PLATFORM)
    got = np.empty(n)
    weekly.platform_utility(candidate, s["fav"], s["fav_good"], s["fav_bad"], use_ref,
                            s["ref_good"], s["ref_bad"], s["tied"], s["rating"], s["price"],
                            s["platform_trust"], weight, channels, guarantee, 3.0, 2.0, 1.5,
                            0.7, s["last"], economics.PLATFORM, 0.5, got)
    np.testing.assert_array_equal(got, utility)


@pytest.mark.parametrize("seed", range(6))
def test_logit_draw_matches_choice_probabilities_and_draw_choices(seed):
    rng = np.random.default_rng(seed)
    n = 5000
    u_factory = np.where(rng.random(n) < 0.1, -np.inf, rng.normal(0, 2, n))
    u_platform = rng.normal(0, 2, n)
    platform_open = rng.random(n) < 0.7
    factory_open = bool(seed % 3)
    uniforms = rng.random(n)
    expected = economics.draw_choices(economics.choice_probabilities(
        u_factory, u_platform, np.full(n, factory_open), platform_open), uniforms)
    weights = np.empty((n, 3))
    weekly.logit_exponents(u_factory, factory_open, u_platform, platform_open, weights)
    np.exp(weights, out=weights)
    got = np.empty(n, np.int64)
    weekly.draw_from_weights(weights, uniforms, got)
    np.testing.assert_array_equal(got, expected)
    assert set(np.unique(got)) <= {0, 1, 2} and (got == 2).sum() > 0


@pytest.mark.parametrize("seed", range(6))
def test_recommendations_and_referrals_taken_match_the_array_formulation(seed):
    from sim.model.rules import referrals

    rng, s = _state(seed)
    n = s["fav"].size
    owns = np.where(rng.random(n) < 0.05, rng.integers(0, 40, n), -1)
    helped, thanked, blamed = rng.random(n), rng.random(n), rng.random(n) * 3
    uniforms = rng.random(n)
    active = s["active"]

    def vendor_active(index):
        return (index >= 0) & active[np.maximum(index, 0)]

    satisfied = vendor_active(s["fav"]) & (s["fav_good"] > s["fav_bad"])
    own_shop = vendor_active(owns) & ~satisfied
    rec_vendor = np.where(satisfied, s["fav"], np.where(own_shop, owns, -1))
    rec_good = np.where(satisfied, s["fav_good"], np.where(own_shop, 2.0, 0.0))
    rec_bad = np.where(satisfied, s["fav_bad"], 0.0)
    chance = referrals.willingness(0.3, helped, thanked, blamed, 0.2, 0.1, 0.25)
    speaks = (rec_vendor >= 0) & (uniforms < chance)
    strength = np.where(speaks, trust.beta_mean(rec_good, rec_bad), 0.0)
    got = [np.empty(n, np.int64), np.empty(n), np.empty(n), np.empty(n)]
    count = weekly.recommendations(s["fav"], s["fav_good"], s["fav_bad"], owns, active, 2.0,
                                   0.3, helped, thanked, blamed, 0.2, 0.1, 0.25, uniforms,
                                   *got)
    assert count == speaks.sum() > 0
    for a, b in zip(got, (rec_vendor, rec_good, rec_bad, strength), strict=True):
        np.testing.assert_array_equal(a, b)

    weight = rng.random(n) * strength.max()
    source = np.where(rng.random(n) < 0.5, rng.integers(0, n, n), -1)
    via = np.where(source >= 0, rng.integers(0, n, n), -1)
    looking = rng.random(n) < 0.3
    found = (source >= 0) & looking
    src = np.where(found, source, 0)
    path = np.where(found, weight / np.maximum(strength[src], 1e-12), 0.0)
    good, bad = trust.discount(rec_good[src], rec_bad[src], path)
    expected = (np.where(found, rec_vendor[src], -1), good, bad, np.where(found, via, -1),
                np.where(found, source, -1))
    out = [np.empty(n, np.int64), np.empty(n), np.empty(n)]
    weekly.take_referrals(weight, source, via, strength, rec_vendor, rec_good, rec_bad,
                          looking, *out)
    for a, b in zip((*out, via, source), expected, strict=True):
        np.testing.assert_array_equal(a, b)
    assert found.sum() > 0


@pytest.mark.parametrize("seed", range(6))
def test_settling_and_learning_from_sales_match_the_array_formulation(seed):
    rng, s = _state(seed)
    n, n_vendors = s["fav"].size, s["rating"].size
    vendor = np.where(rng.random(n) < 0.7, rng.integers(0, n_vendors, n), -1)
    served = (vendor >= 0) & (rng.random(n) < 0.8)
    uniforms = rng.random(n)
    quality = rng.random(n_vendors)
    # settling: the array formulation
    v_old = np.where(served, vendor, -1)
    good = served & (uniforms < at(quality, v_old))
    sales = np.bincount(v_old[served], minlength=n_vendors)
    good_sales = np.bincount(v_old[good], minlength=n_vendors)
    spent = np.where(served, at(s["price"], v_old), 0.0)
    revenue = np.bincount(v_old[served], weights=spent[served], minlength=n_vendors)
    got_vendor = vendor.copy()
    got = [np.empty(n, bool), np.empty(n), np.zeros(n_vendors, np.int64),
           np.zeros(n_vendors, np.int64), np.zeros(n_vendors)]
    weekly.settle_sales(got_vendor, served, uniforms, quality, s["price"], *got)
    np.testing.assert_array_equal(got_vendor, v_old)
    for a, b in zip(got, (good, spent, sales, good_sales, revenue), strict=True):
        np.testing.assert_array_equal(a, b)

    # learning: the array formulation (update_trust before), on copies
    threshold, channels, rate = 3.0, bool(seed % 2), 0.05
    c = {k: s[k].copy() for k in ("fav", "fav_good", "fav_bad", "tied")}
    c["platform_good"], c["platform_bad"] = rng.random(n) * 4, rng.random(n) * 2
    c["last_bad"], c["ever_used"] = rng.random(n) < 0.1, rng.random(n) < 0.4
    k = {key: value.copy() for key, value in c.items()}
    trust.add_outcomes(c["platform_good"], c["platform_bad"], good, served)
    c["last_bad"] = served & ~good
    c["ever_used"] |= served
    switch = served & (v_old != c["fav"]) & ~c["tied"]
    c["fav"][switch] = v_old[switch]
    c["fav_good"][switch], c["fav_bad"][switch] = 0.0, 0.0
    same = served & (v_old == c["fav"])
    trust.add_outcomes(c["fav_good"], c["fav_bad"], good, same)
    c["tied"] |= same & (c["fav_good"] >= threshold) & channels
    lost = c["tied"] & (trust.beta_mean(c["fav_good"], c["fav_bad"]) < 0.5)
    c["tied"][lost], c["fav"][lost] = False, -1
    trust.decay(c["platform_good"], rate, unused=~served)
    trust.decay(c["platform_bad"], rate, unused=~served)
    trust.decay(c["fav_good"], rate, floor=np.where(c["tied"], threshold, 0.0), unused=~same)
    trust.decay(c["fav_bad"], rate, unused=~same)
    weekly.learn_from_sales(v_old, served, good, k["platform_good"], k["platform_bad"],
                            k["last_bad"], k["ever_used"], k["fav"], k["fav_good"],
                            k["fav_bad"], k["tied"], threshold, channels, rate)
    for name in c:
        np.testing.assert_array_equal(k[name], c[name], err_msg=name)
    assert switch.any() and same.any()
