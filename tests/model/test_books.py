"""The trade's books (``sim.model.rules.books``) compiled against their own Python source,
to the bit, and against what the same numpy operations give."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.rules import books, economics, platform, referrals
from sim.model.rules.economics import FACTORY, NOTHING, PLATFORM
from sim.model.rules.records import (
    Accounts,
    ConsumerArrays,
    Offer,
    Referral,
    Sales,
    VendorBooks,
)

OFFER = Offer(factory_open=True, quality=0.8, price=1.1, price_contested=0.9, advertising=0.4,
              endorsements_needed=1.0, switching=True, open_to_new=True)


@pytest.mark.parametrize("seed", range(6))
def test_room_left_compiled_equals_its_python_source_and_numpy(seed, same_bits):
    """The room a round of serving leaves (serve_in_priority) closed to closed vendors, as
    numpy counts it from who was served; and the buyers left over."""
    n, n_vendors = 3000, (0 if seed == 0 else 60)

    def run():
        rng = np.random.default_rng(seed)
        vendor = np.where(rng.random(n) < 0.6, rng.integers(0, max(n_vendors, 1), n), -1)
        vendor = vendor if n_vendors else np.full(n, -1)
        wants = (vendor >= 0) | (rng.random(n) < 0.01)
        capacity = rng.integers(-2, 40, n_vendors)
        active = rng.random(n_vendors) < 0.8
        served, room = np.zeros(n, bool), np.empty(n_vendors, np.int64)
        economics.serve_in_priority(vendor, capacity, rng.random(n), served, room)
        left, total = books.room_left(served, wants, active, room)
        expected = np.maximum(capacity - np.bincount(vendor[served], minlength=n_vendors),
                              0) * active
        return left, total, room, expected, (wants & ~served).sum()

    left, total, room, expected, unserved = same_bits(run)
    np.testing.assert_array_equal(room, expected)
    assert left == unserved and total == expected.sum()
    assert (total > 0) == (seed > 0) and left > 0


@pytest.mark.parametrize("seed", range(6))
def test_booking_buyers_and_vendors_compiled_equals_python_source_and_numpy(seed, same_bits):
    """Against the numpy operations the market used before these rules: -0.0 cash on a
    closed vendor, vendors that sold nothing, factory buyers contested or captive."""
    n, n_vendors = 3000, 50

    def run():
        rng = np.random.default_rng(seed)
        c = ConsumerArrays.empty(n)
        c.choice[:] = rng.integers(0, 3, n)
        c.last[:] = rng.integers(0, 3, n)
        platform = c.choice == PLATFORM
        vendor = np.where(platform & (rng.random(n) < 0.8), rng.integers(0, n_vendors, n), -1)
        sales = Sales(vendor=vendor, served=vendor >= 0, good=rng.random(n) < 0.8,
                      spent=np.where(vendor >= 0, rng.random(n), 0.0))
        contested = rng.random(n) < 0.4
        bought = VendorBooks(rng.integers(0, 5, n_vendors), np.zeros(n_vendors, np.int64),
                             rng.random(n_vendors) * 7)
        bought.good_sales[:] = np.minimum(bought.sales, rng.integers(0, 5, n_vendors))
        accounts = Accounts(rng.random(n_vendors) < 0.8, rng.random(n_vendors),
                            rng.normal(0, 3, n_vendors), rng.integers(0, 9, n_vendors),
                            rng.random(n_vendors) * 20, rng.random(n_vendors) * 5)
        accounts.cash[0], accounts.active[0] = -0.0, False
        before = Accounts(*(a.copy() for a in accounts))
        counts = books.book_buyers(c, sales, OFFER, contested)
        revenue, fees = np.empty(n_vendors), np.empty(n_vendors)
        books.book_vendors(bought, accounts, 0.1, 0.3, revenue, fees)
        return counts, c.choice, c.last, sales.spent, accounts, revenue, fees, before, bought

    counts, choice, last, spent, accounts, revenue, fees, before, bought = same_bits(run)
    unserved, factory, factory_contested, good, bad = counts
    assert unserved > 0 and (choice == NOTHING).sum() > unserved
    assert factory == (choice == FACTORY).sum() > factory_contested > 0
    assert good > bad > 0 and (last[choice != NOTHING] == choice[choice != NOTHING]).all()
    assert set(np.unique(spent[choice == FACTORY])) == {0.9, 1.1}
    numpy_fees = bought.revenue * 0.1
    np.testing.assert_array_equal(fees, numpy_fees)
    np.testing.assert_array_equal(revenue, bought.revenue - numpy_fees)
    profit = revenue - bought.sales * before.unit_cost - 0.3
    cash = before.cash + np.where(before.active, profit, 0.0)
    assert cash.tobytes() == accounts.cash.tobytes()  # -0.0 + 0.0 is 0.0 in both
    np.testing.assert_array_equal(accounts.idle, np.where(bought.sales > 0, 0, before.idle + 1))
    np.testing.assert_array_equal(accounts.bad, before.bad + (bought.sales - bought.good_sales))


@pytest.mark.parametrize("seed", range(6))
def test_exits_compiled_equal_their_python_source_and_the_rules_over_arrays(seed, same_bits):
    """Each rule counted where it is the first one a vendor meets, closed vendors never
    leaving again, against the same rules over numpy arrays."""
    n_vendors, inflation, min_stars, idle_weeks = 400, 0.3, 3.5, 8

    def run():
        rng = np.random.default_rng(seed)
        accounts = Accounts(rng.random(n_vendors) < 0.8, rng.random(n_vendors),
                            rng.normal(1, 2, n_vendors), rng.integers(0, 12, n_vendors),
                            rng.integers(0, 30, n_vendors).astype(float),
                            rng.integers(0, 12, n_vendors).astype(float))
        left = np.empty(n_vendors, bool)
        return books.exits(accounts, inflation, min_stars, idle_weeks, left), left, accounts

    counts, left, v = same_bits(run)
    shown = platform.stars(platform.shown_rating(v.good, v.bad, inflation))
    rules = [(v.good + v.bad >= platform.MIN_RATED) & (shown < min_stars), v.cash < 0,
             v.idle >= idle_weeks]
    expected, gone = [], np.zeros(n_vendors, bool)
    for rule in rules:
        now = v.active & rule & ~gone
        expected.append(int(now.sum()))
        gone |= now
    assert counts == tuple(expected) and min(expected) > 0
    np.testing.assert_array_equal(left, gone)


@pytest.mark.parametrize("seed", range(4))
def test_crediting_referrals_compiled_equals_its_python_source_and_numpy(seed, same_bits):
    """Against the masked decays and ``np.add.at`` the market used before: sources that
    referred several buyers, buyers not served, referrals that went well and wrong."""
    n, keep = 3000, 0.95

    def run():
        rng = np.random.default_rng(seed)
        c = ConsumerArrays.empty(n)
        c.helped[:], c.thanked[:], c.blamed[:] = rng.random(n), rng.random(n), rng.random(n)
        before = (c.helped.copy(), c.thanked.copy(), c.blamed.copy())
        sales = Sales(vendor=np.zeros(n, np.int64), served=rng.random(n) < 0.7,
                      good=rng.random(n) < 0.7, spent=np.zeros(n))
        via = np.where(rng.random(n) < 0.3, rng.integers(0, n, n), -1)
        acted = Referral(via, np.zeros(n), np.zeros(n), via,
                         np.where(via >= 0, rng.integers(0, 200, n), -1))
        well, wrong = np.empty(n, np.int64), np.empty(n, np.int64)
        k, m = referrals.credit_referrals(c, sales, acted, keep, well, wrong)
        return (k, m), well[:k], wrong[:m], c.helped, c.thanked, c.blamed, before, sales, acted

    (k, m), well, wrong, helped, thanked, blamed, before, sales, acted = same_bits(run)
    followed = sales.served & (acted.via >= 0)
    np.testing.assert_array_equal(well, np.flatnonzero(followed & sales.good))
    np.testing.assert_array_equal(wrong, np.flatnonzero(followed & ~sales.good))
    expected = [counts * keep for counts in before]
    np.add.at(expected[0], well, 1.0)
    np.add.at(expected[1], acted.source[well], 1.0)
    np.add.at(expected[2], acted.source[wrong], 1.0)
    for ours, theirs in zip((helped, thanked, blamed), expected, strict=True):
        assert ours.tobytes() == theirs.tobytes()
    assert k > m > 0 and np.bincount(acted.source[well]).max() > 1


@pytest.mark.parametrize("seed", range(3))
def test_second_try_compiled_equals_its_python_source_and_numpy(seed, same_bits):
    n = 3000

    def run():
        rng = np.random.default_rng(seed)
        vendor = np.where(rng.random(n) < 0.7, rng.integers(0, 50, n), -1)
        wants = vendor >= 0
        served = wants & (rng.random(n) < 0.6)
        left = wants & ~served
        drawn = rng.integers(0, 50, int(left.sum()))
        expected = vendor.copy()
        expected[left] = drawn
        who = np.empty(int(left.sum()), np.int64)
        books.second_try(wants, served, drawn, vendor, who)
        return vendor, who, expected, np.flatnonzero(left)

    vendor, who, expected, expected_who = same_bits(run)
    np.testing.assert_array_equal(vendor, expected)
    np.testing.assert_array_equal(who, expected_who)
    assert who.size > 0.2 * n


@pytest.mark.parametrize("seed", range(8))
def test_a_second_round_over_the_buyers_left_serves_what_a_round_over_everyone_would(seed):
    """serve_listed over the few buyers of a second round gives the same buyers served, and
    the same room left, as serving the whole market with everyone else asking no one."""
    rng = np.random.default_rng(seed)
    n, n_vendors = 4000, 80
    vendor = np.where(rng.random(n) < 0.1, rng.integers(0, n_vendors, n), -1)
    room = rng.integers(0, 3, n_vendors)
    priority = rng.random(n)
    served, left = np.zeros(n, bool), room.copy()
    economics.serve_listed(np.flatnonzero(vendor >= 0), vendor, priority, left, served)
    whole, room_whole = np.zeros(n, bool), np.empty(n_vendors, np.int64)
    economics.serve_in_priority(vendor, room, priority, whole, room_whole)
    np.testing.assert_array_equal(served, whole)
    np.testing.assert_array_equal(left, room_whole)
    np.testing.assert_array_equal(left, room - np.bincount(vendor[served], minlength=n_vendors))
    assert 0 < served.sum() < (vendor >= 0).sum()
