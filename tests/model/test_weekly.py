"""Every compiled rule of the week against its own Python source (numba's ``py_func``, run
one consumer at a time by ``sim.model.rules.python_source``): the same results on the same
random states, to the bit, with the edge cases a run meets (no favourite, closed vendors,
no vendor at all, equal evidence, willingness clipped, closed options, consumers not
served)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from sim.model.rules import economics, weekly
from sim.model.rules.python_source import python_source
from sim.model.rules.records import (
    Adjacency,
    Adoption,
    ConsumerArrays,
    Learning,
    Listing,
    Offer,
    Recommendation,
    Referral,
    Sales,
    Talk,
    Tastes,
    VendorBooks,
)


def test_python_source_swaps_every_compiled_rule_and_puts_it_back():
    compiled, utility = weekly.learn_from_sales, economics.purchase_utility
    with python_source():
        assert weekly.learn_from_sales is compiled.py_func
        assert economics.purchase_utility is utility.py_func
    assert (weekly.learn_from_sales, economics.purchase_utility) == (compiled, utility)


@pytest.mark.parametrize("seed", range(20))
def test_serving_in_priority_compiled_equals_its_python_source(seed, same_bits):
    """Each vendor serves min(asked, capacity) buyers, those of lowest priority."""
    rng = np.random.default_rng(seed)
    n, n_vendors = int(rng.integers(1, 3000)), int(rng.integers(1, 300))
    asks = np.where(rng.random(n) < 0.8, rng.integers(0, n_vendors, n), -1)
    capacity = rng.integers(0, 12, n_vendors)
    capacity[0] = 100  # a vendor asked by some 160 buyers, with room for 100 of them
    asks[:200] = np.where(asks[:200] >= 0, 0, -1)
    priority = rng.random(n)
    served = same_bits(lambda: economics.allocate_capacity(asks, capacity, priority))
    per_vendor = np.bincount(asks[served], minlength=n_vendors)
    asked = np.bincount(asks[asks >= 0], minlength=n_vendors)
    np.testing.assert_array_equal(per_vendor, np.minimum(asked, capacity))
    for v in np.flatnonzero(asked > capacity)[:20]:
        mine = asks == v
        assert priority[mine & served].max(initial=0) <= priority[mine & ~served].min()
    stable = np.zeros(n, bool)  # each vendor's first buyers in a stable sort by priority
    for v in range(n_vendors):
        mine = np.flatnonzero(asks == v)
        stable[mine[np.argsort(priority[mine], kind="stable")[:capacity[v]]]] = True
    np.testing.assert_array_equal(served, stable)


def test_serving_in_priority_keeps_the_earlier_of_equal_priorities(same_bits):
    asks = np.array([0, 1, 0, 0, 1, 0, 0, -1, 1])
    priority = np.array([0.5, 0.1, 0.2, 0.5, 0.1, 0.2, 0.9, 0.0, 0.1])
    served = same_bits(lambda: economics.allocate_capacity(asks, np.array([3, 2]), priority))
    np.testing.assert_array_equal(np.flatnonzero(served), [0, 1, 2, 4, 5])


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



@pytest.mark.parametrize("seed", range(12))
def test_uniform_choice_draws_what_numpy_draws(seed):
    """The same draws as Generator.choice without p, from the same state, and the generator
    left in the same state; no draw at all at seed 0."""
    rng = np.random.default_rng(seed)
    options = np.flatnonzero(rng.random(int(rng.integers(1, 3000))) < 0.7)
    size = 0 if seed == 0 else int(rng.integers(1, 5000))
    ours, theirs = np.random.default_rng(seed + 100), np.random.default_rng(seed + 100)
    ours.random(seed), theirs.random(seed)
    drawn = weekly.uniform_choice(ours, options, size)
    np.testing.assert_array_equal(drawn, theirs.choice(options, size=size))
    assert drawn.shape == (size,) and drawn.dtype == np.int64
    assert ours.bit_generator.state == theirs.bit_generator.state


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


def _consumers(rng, n=3000, n_vendors=40):
    """A random consumer state with the edge cases a run meets: no favourite (-1), equal
    good and bad evidence, willingness clipped at 0 and at 1, founders."""
    c = ConsumerArrays.empty(n)
    c.fav[:] = np.where(rng.random(n) < 0.6, rng.integers(0, n_vendors, n), -1)
    c.fav_good[:] = np.where(rng.random(n) < 0.5, rng.integers(0, 6, n), rng.random(n) * 4)
    c.fav_bad[:] = np.where(rng.random(n) < 0.5, rng.integers(0, 3, n), rng.random(n) * 0.3)
    c.owns[:] = np.where(rng.random(n) < 0.05, rng.integers(0, n_vendors, n), -1)
    c.helped[:], c.thanked[:] = rng.random(n) * 3, rng.random(n)
    c.blamed[:] = np.where(rng.random(n) < 0.1, 9.0, rng.random(n))
    c.tied[:] = rng.random(n) < 0.3
    c.last[:] = rng.integers(0, 3, n)
    c.platform_good[:], c.platform_bad[:] = rng.random(n) * 4, rng.random(n) * 2
    c.ever_used[:], c.last_bad[:] = rng.random(n) < 0.4, rng.random(n) < 0.1
    return c


TALK = Talk(founder_vouch=2.0, referral_withhold=0.3, referral_reciprocity=0.2,
            referral_status=0.1, referral_reputation_cost=0.25)


@pytest.mark.parametrize("seed", range(6))
def test_recommending_and_taking_referrals_compiled_equal_their_python_source(seed, same_bits):
    n, n_vendors = 3000, (40 if seed else 0)  # seed 0: no vendor has opened yet

    def run():
        rng = np.random.default_rng(seed)
        c = _consumers(rng, n, 40)
        active = rng.random(n_vendors) < 0.8
        said = Recommendation(np.empty(n, np.int64), np.empty(n), np.empty(n), np.empty(n))
        count = weekly.recommend(c, active, TALK, rng.random(n), said)
        weight = rng.random(n) * said.strength.max(initial=1.0)
        source = np.where(rng.random(n) < 0.5, rng.integers(0, n, n), -1)
        taken = Referral(np.empty(n, np.int64), np.empty(n), np.empty(n),
                         np.where(source >= 0, rng.integers(0, n, n), -1), source)
        weekly.take_referrals(weight, said, rng.random(n) < 0.3, taken)
        uniforms, looking = rng.random(n), np.empty(n, bool)
        weekly.looking_around(c, uniforms, 0.05, looking)
        by_numpy = (uniforms < 0.05) | (c.last_bad & (c.last == 2))
        return count, said, taken, looking, by_numpy

    count, said, taken, looking, by_numpy = same_bits(run)
    np.testing.assert_array_equal(looking, by_numpy)
    assert 0.05 * n < looking.sum() < 0.2 * n
    if seed:
        assert 0 < count < (said.vendor >= 0).sum()  # some recommend, not all of them speak
        assert (said.good == TALK.founder_vouch).any()  # a founder vouches for its shop
        assert ((taken.vendor >= 0) & (said.strength[taken.source] == 0)).any()
    else:
        assert count == 0 and (said.vendor == -1).all() and (taken.vendor == -1).all()
    assert (taken.vendor[taken.source < 0] == -1).all() and (taken.source >= 0).any()


def _listing(rng, n_vendors):
    return Listing(active=rng.random(n_vendors) < 0.8, price=0.5 + rng.random(n_vendors),
                   quality=rng.random(n_vendors), rating=rng.random(n_vendors),
                   prior_mean=float(rng.choice([0.5, rng.random()])))


@pytest.mark.parametrize("seed", range(6))
def test_choosing_compiled_equals_its_python_source(seed, same_bits):
    """Favourites that closed forgotten, candidates, platform utilities and the logit draw,
    with no vendor listed at seed 0,
    trust channels off at odd seeds, and the factory closed at every third seed."""
    n, n_vendors = 3000, (40 if seed else 0)
    tastes = Tastes(beta_quality=3.0, beta_price=2.0, beta_risk=1.5, habit=0.7,
                    rating_weight=2.0, payment_guarantee=0.3, trust_channels=bool(seed % 2))

    def run():
        rng = np.random.default_rng(seed)
        c = _consumers(rng, n, max(n_vendors, 1))
        referral = Referral(np.where(rng.random(n) < 0.4, rng.integers(0, 40, n), -1),
                            rng.random(n) * 3, rng.random(n), np.full(n, -1), np.full(n, -1))
        listing = _listing(rng, n_vendors)
        weekly.forget_closed(c, listing.active)
        use_ref, vendor = np.empty(n, bool), np.empty(n, np.int64)
        weekly.pick_candidates(c, referral, use_ref, vendor)
        utility = np.empty(n)
        weekly.platform_utilities(c, referral, use_ref, vendor, listing, rng.random(n), tastes,
                                  utility)
        u_factory = np.where(rng.random(n) < 0.1, -np.inf, rng.normal(0, 2, n))
        weights = np.empty((n, 3))
        weekly.logit_exponents(u_factory, bool(seed % 3), utility, rng.random(n) < 0.7,
                               weights)
        np.exp(weights, out=weights)
        choice = np.empty(n, np.int64)
        weekly.draw_from_weights(weights, rng.random(n), choice)
        return c.fav, c.tied, use_ref, vendor, utility, weights, choice

    fav, tied, use_ref, vendor, utility, _, choice = same_bits(run)
    assert (fav == -1).sum() > (0.4 * n if seed else n - 1) and not tied[fav < 0].any()
    assert use_ref.any() and (vendor < 0).any() and np.isfinite(utility).all()
    assert set(np.unique(choice)) == ({0, 2} if seed % 3 == 0 else {0, 1, 2})


@pytest.mark.parametrize("seed", range(6))
def test_settling_and_learning_compiled_equal_their_python_source(seed, same_bits):
    """Trust channels off at odd seeds; some buyers not served; ties formed and lost."""
    n, n_vendors = 3000, 40
    learning = Learning(tie_threshold=3.0, trust_channels=bool(seed % 2), evidence_decay=0.05)

    def run():
        rng = np.random.default_rng(seed)
        c = _consumers(rng, n, n_vendors)
        vendor = np.where(rng.random(n) < 0.7, rng.integers(0, n_vendors, n), -1)
        vendor[:50] = np.where(c.fav[:50] >= 0, c.fav[:50], vendor[:50])  # buy again
        sales = Sales(vendor=vendor, served=(vendor >= 0) & (rng.random(n) < 0.8),
                      good=np.empty(n, bool), spent=np.empty(n))
        books = VendorBooks(np.zeros(n_vendors, np.int64), np.zeros(n_vendors, np.int64),
                            np.zeros(n_vendors))
        weekly.settle_sales(sales, _listing(rng, n_vendors), rng.random(n), books)
        weekly.learn_from_sales(c, sales, learning)
        return sales, books, c

    sales, books, c = same_bits(run)
    assert books.sales.sum() == sales.served.sum() > books.good_sales.sum() > 0
    assert (sales.vendor[~sales.served] == -1).all() and (c.fav == -1).any()
    assert c.tied.any() and (c.fav[c.tied] >= 0).any()


@pytest.mark.parametrize("seed", range(6))
def test_gates_and_taking_choices_compiled_equal_their_python_source(seed, same_bits):
    """Endorsements counted over a random graph as scipy's mat-vec counts them, the gates
    and the logit with trust channels off at odd seeds, switching off at seed 4, newcomers
    shut out at seed 2, the factory closed at every third seed; then the choices taken."""
    n = 2000
    tastes = Tastes(beta_quality=3.0, beta_price=2.0, beta_risk=1.5, habit=0.7,
                    rating_weight=2.0, payment_guarantee=0.3, trust_channels=bool(seed % 2))
    offer = Offer(factory_open=bool(seed % 3), quality=0.8, price=1.1, price_contested=0.9,
                  advertising=0.4, endorsements_needed=float(1 + seed % 2),
                  switching=seed != 4, open_to_new=seed != 2)

    def run():
        rng = np.random.default_rng(seed)
        c = _consumers(rng, n, 40)
        c.committed[:] = rng.random(n) < 0.1
        graph = sp.random(n, n, density=0.006, format="csr", random_state=seed)
        graph.data[:] = 1.0
        adoption = Adoption(rng.random(n) < 0.3, rng.random(n) * 3, rng.random(n) * 3)
        adjacency = Adjacency(graph.indptr, graph.indices, graph.data)
        endorsed_by = np.array([weekly.endorsements(i, adjacency, adoption) for i in range(n)])
        vendor = np.where(rng.random(n) < 0.8, rng.integers(0, 40, n), -1)
        contested, weights = np.empty(n, bool), np.empty((n, 3))
        weekly.gate_and_weigh(c, adoption, adjacency, vendor, rng.normal(0, 2, n), offer,
                              tastes, contested, weights)
        referral = Referral(np.where(rng.random(n) < 0.5, vendor, 3), rng.random(n),
                            rng.random(n), rng.integers(0, n, n), rng.integers(0, n, n))
        asks = np.empty(n, np.int64)
        acted = Referral(np.empty(n, np.int64), referral.good, referral.bad,
                         np.empty(n, np.int64), np.empty(n, np.int64))
        weekly.take_choices(rng.integers(0, 3, n), rng.random(n) < 0.7, c, vendor,
                            rng.random(n) < 0.5, referral, asks, acted)
        endorsers = (adoption.used & (adoption.good > adoption.bad)).astype(float)
        return (endorsed_by, graph @ endorsers, adoption.used, contested, weights, c.choice,
                asks, acted)

    endorsed_by, by_scipy, used, contested, weights, choice, asks, acted = same_bits(run)
    np.testing.assert_array_equal(endorsed_by, by_scipy)
    assert endorsed_by.max() >= 2
    assert contested.any() == (seed != 4)
    assert contested.all() == (seed % 2 == 0 and seed != 4)  # channels off: all endorsed
    if seed % 2 and seed != 4:  # channels on: contested where used or endorsed by enough
        endorsed = endorsed_by >= offer.endorsements_needed
        np.testing.assert_array_equal(contested, used | endorsed)
        assert (endorsed & ~used).any() and (~endorsed & ~used).any()
    assert np.isinf(weights[:, 1]).all() == (seed % 3 == 0)
    assert (asks[choice != 2] == -1).all() and (asks[choice == 2] >= 0).any()
    followed = acted.vendor >= 0
    assert followed.any() and (acted.via[~followed] == -1).all()
    np.testing.assert_array_equal(acted.vendor[followed], asks[followed])
