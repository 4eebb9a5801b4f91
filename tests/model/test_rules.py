"""Unit tests of the pure rules: trust arithmetic, choice, pricing, accounting."""

import numpy as np
import pytest
import scipy.sparse as sp

from sim.model.rules import economics, platform, referral_paths, referrals, trust, weekly
from sim.model.rules.records import ConsumerArrays, Talk, TieLayer


def test_beta_mean_with_no_evidence_is_one_half_and_moves_with_evidence():
    s, f = np.array([0.0, 3.0, 1.0]), np.array([0.0, 0.0, 3.0])
    np.testing.assert_allclose(trust.beta_mean(s, f), [0.5, 4 / 5, 2 / 6])


def test_an_outcome_adds_to_good_or_to_bad_evidence():
    assert trust.observe(2.0, 1.0, True) == (3.0, 1.0)
    assert trust.observe(2.0, 1.0, False) == (2.0, 2.0)


def test_discount_scales_evidence_by_trust_in_the_source():
    assert trust.discount(4.0, 2.0, 0.25) == (1.0, 0.5)


def test_decay_keeps_the_floor_and_leaves_values_below_it():
    assert [trust.decayed(1.0, 0.9, floor) for floor in (0.0, 0.95)] == [0.9, 0.95]
    assert trust.decayed(0.3, 0.9, 0.5) == 0.3


def test_decay_reaches_the_floor_geometrically():
    values = [1.0, 1.0]
    for _ in range(100):
        values = [trust.decayed(v, 0.95, floor) for v, floor in zip(values, (0.0, 0.8),
                                                                     strict=True)]
    np.testing.assert_allclose(values, [0.95**100, 0.8])


def test_mediated_evidence_weighs_the_rating_by_trust_in_the_platform():
    assert trust.mediated_evidence(0.75, 0.5, 4.0) == (1.5, 0.5)


def test_shown_ratings_vendor_by_vendor_equal_the_ratings_over_arrays(same_bits):
    rng = np.random.default_rng(3)
    good, bad = rng.integers(0, 40, 500).astype(float), rng.random(500) * 9
    shown = same_bits(lambda: platform.shown_ratings(good, bad, 0.35))
    assert shown.tobytes() == platform.shown_rating(good, bad, 0.35).tobytes()
    assert platform.shown_ratings(np.zeros(0), np.zeros(0), 0.35).shape == (0,)


def test_shown_rating_is_inflated_towards_one():
    rating = platform.shown_rating(np.array([8.0]), np.array([2.0]), inflation=0.6)
    assert rating[0] == pytest.approx(1 - (1 - 9 / 12) * 0.4)


def test_platform_trust_starts_at_institutional_trust_and_follows_own_evidence():
    t = trust.platform_trust(np.array([0.0, 10.0]), np.array([0.0, 0.0]), 0.3, 5.0)
    np.testing.assert_allclose(t, [0.3, (10 + 1.5) / 15])


def test_institutional_trust_follows_the_recent_record_and_can_fall():
    good = bad = 0.0
    path = []
    for week in range(300):
        n_good, n_bad = (0.09, 0.01) if week < 150 else (0.02, 0.08)
        good = platform.remember(good, n_good, 0.02)
        bad = platform.remember(bad, n_bad, 0.02)
        path.append(platform.institutional_trust(good, bad, 0.3))
    assert path[0] == pytest.approx((0.3 + 0.09) / (1 + 0.1))
    assert path[149] > 0.78  # a good record: towards (0.3 + 4.5) / 6 = 0.8
    assert path[-1] < 0.35  # a bad one brings it down, towards (0.3 + 1) / 6
    assert max(path) < 0.9


def test_stars_put_ratings_on_the_five_star_scale():
    np.testing.assert_allclose(platform.stars(np.array([0.0, 0.875, 1.0])), [1.0, 4.5, 5.0])


def test_willingness_to_refer_rises_with_help_and_falls_with_blame():
    c = ConsumerArrays.empty(5)
    c.helped[1], c.blamed[2], c.thanked[3], c.blamed[4] = 2.0, 1.0, 9.0, 9.0
    talk = Talk(founder_vouch=2.0, referral_withhold=0.2, referral_reciprocity=0.05,
                referral_status=0.05, referral_reputation_cost=0.3)
    w = [referrals.willingness(i, c, talk) for i in range(5)]
    np.testing.assert_allclose(w, [0.8, 0.9, 0.5, 1.0, 0.0])


def test_responsive_prices_meet_the_platform_where_contested_and_charge_full_cost_elsewhere():
    full = economics.full_cost_price(0.5, 800.0, 2000.0, 0.1)
    contested, captive = economics.responsive_prices(0.5, 800.0, 2000.0, 0.1, 0.8)
    assert contested == pytest.approx(0.8) and captive == pytest.approx(full) == 0.99
    assert economics.responsive_prices(0.5, 800.0, 2000.0, 0.1, 0.3) == (0.5, full)
    assert economics.responsive_prices(0.5, 800.0, 2000.0, 0.1, 1.2) == (full, full)
    assert economics.responsive_prices(0.5, 800.0, 2000.0, 0.1, float("inf")) == (full, full)


def _layer(matrix: sp.csr_matrix, scale: float = 1.0, floor: float = 0.0) -> TieLayer:
    matrix = sp.csr_matrix(matrix)
    return TieLayer(matrix.indptr, matrix.indices, matrix.data, scale, floor,
                    float(matrix.data.max(initial=0.0)))


def test_best_ties_match_brute_force():
    rng = np.random.default_rng(3)
    dense = (rng.random((30, 30)) < 0.2) * rng.random((30, 30))
    values = np.where(rng.random(30) < 0.5, rng.random(30), 0.0)
    best, arg = np.zeros(30), np.full(30, -1)
    referral_paths.best_ties(_layer(dense), values, np.ones(30, bool), best, arg)
    scores = dense * values[None, :]
    np.testing.assert_allclose(best, scores.max(axis=1))
    has = scores.max(axis=1) > 0
    np.testing.assert_array_equal(arg[has], scores.argmax(axis=1)[has])
    assert (arg[~has] == -1).all()


def _path(n: int) -> sp.csr_matrix:
    rows = np.arange(n - 1)
    m = sp.coo_matrix((np.ones(n - 1), (rows, rows + 1)), shape=(n, n))
    return (m + m.T).tocsr()


def test_referrals_travel_hops_with_a_discount_at_each_hop():
    strong = _path(5)  # 0-1-2-3-4, only consumer 0 recommends
    weak = sp.csr_matrix((5, 5))
    strength = np.array([0.8, 0, 0, 0, 0])
    weight, source, via = trust.propagate_referrals(_layer(strong), _layer(weak), strength,
                                                    hops=3,
                                                    hop_discount=0.5)
    np.testing.assert_allclose(weight, [0.0, 0.8, 0.4, 0.2, 0.0])
    np.testing.assert_array_equal(source[1:4], [0, 0, 0])
    np.testing.assert_array_equal(via[1:4], [0, 1, 2])
    assert source[4] == -1 and via[4] == -1


def test_weak_ties_refer_only_first_hand_and_with_their_lower_trust():
    strong = sp.csr_matrix((3, 3))
    weak = _path(3) * 0.15
    weight, source, _ = trust.propagate_referrals(_layer(strong), _layer(weak),
                                                  np.array([1.0, 0, 0]),
                                                  hops=3, hop_discount=0.9)
    np.testing.assert_allclose(weight, [0.0, 0.15, 0.0])
    assert source[2] == -1


def _logit_weights(u_factory, factory_open, u_platform, platform_open):
    weights = np.empty((u_platform.size, 3))
    weekly.logit_exponents(u_factory, factory_open, u_platform, platform_open, weights)
    return np.exp(weights)


def test_choice_weights_are_logit_and_respect_closed_options():
    uf, up = np.array([1.0, 1.0, -np.inf]), np.array([0.0, 3.0, 5.0])
    weights = _logit_weights(uf, True, up, np.array([True, False, True]))
    probs = weights / weights.sum(axis=1, keepdims=True)
    e = np.exp([0.0, 1.0, 0.0])
    np.testing.assert_allclose(probs[0], e / e.sum())
    assert probs[1, 2] == 0.0 and probs[2, 1] == 0.0
    assert probs[2, 2] / probs[2, 0] == pytest.approx(np.exp(5.0))
    assert (_logit_weights(uf, False, up, np.ones(3, bool))[:, 1] == 0).all()


def test_choices_follow_their_logit_probabilities():
    n = 100_000
    u = np.log([0.5 / 0.2, 0.3 / 0.2])  # nothing 0.2, factory 0.5, platform 0.3
    weights = _logit_weights(np.full(n, u[0]), True, np.full(n, u[1]), np.ones(n, bool))
    choice = np.empty(n, np.int64)
    weekly.draw_from_weights(weights, np.random.default_rng(0).random(n), choice)
    np.testing.assert_allclose(np.bincount(choice, minlength=3) / n, [0.2, 0.5, 0.3],
                               atol=0.01)


def test_purchase_utility_weighs_trust_price_and_risk():
    u = economics.purchase_utility(0.9, 1.2, 0.05, beta_quality=30, beta_price=15, beta_risk=10)
    assert u == pytest.approx(27 - 18 - 0.5)


def test_fixed_cost_share_gives_the_break_even_share():
    price, mc, v0 = 1.0, 0.5, 1000
    c0 = economics.baseline_contribution(price, mc, v0)
    fixed = 0.8 * c0
    s = economics.break_even_share(0.8)
    assert s == pytest.approx(0.2)
    assert economics.operating_profit(price, mc, v0 * (1 - s), fixed) == pytest.approx(0.0)
    assert economics.operating_profit(price, mc, v0 * (1 - s - 0.01), fixed) < 0


def test_full_cost_pricing_reproduces_the_start_price_and_rises_as_volume_falls():
    markup = economics.full_cost_markup(1.0, 0.5, 400.0, 1000.0)
    assert economics.full_cost_price(0.5, 400.0, 1000.0, markup) == pytest.approx(1.0)
    assert economics.full_cost_price(0.5, 400.0, 800.0, markup) == pytest.approx(1.0 / 0.9)
    assert economics.full_cost_price(0.5, 400.0, 0.0, markup) == float("inf")


def test_vendor_price_leaves_the_markup_after_the_fee():
    price = economics.vendor_price(np.array([1.0]), markup=0.05, fee=0.1)
    revenue, fee = economics.split_payment(price, 0.1)
    assert price[0] == pytest.approx(1.05 / 0.9)
    assert revenue[0] == pytest.approx(1.05) and fee[0] == pytest.approx(1.05 / 9)


def test_allocate_capacity_serves_at_most_capacity_in_priority_order():
    asks = np.array([0, 0, 0, 1, -1, 1, 0])
    priority = np.array([0.9, 0.1, 0.5, 0.3, 0.0, 0.2, 0.7])
    served = economics.allocate_capacity(asks, np.array([2, 5]), priority)
    np.testing.assert_array_equal(served, [False, True, True, True, False, True, False])


def test_tie_layer_decays_to_its_floor_and_used_ties_return_to_full_trust_at_once():
    from sim.model.rules.network import Layer

    adjacency = _path(3)
    strong, weak = Layer(adjacency, 1.0, 0.8), Layer(adjacency, 0.15, 0.0)
    for _ in range(10):
        strong.decay(0.05)
        weak.decay(0.05)
    np.testing.assert_allclose(strong.current(), 0.8)  # 0.95**10 = 0.60 < floor
    np.testing.assert_allclose(weak.current(), 0.15 * 0.95**10)
    strong.reactivate(np.array([0]), np.array([1]), np.zeros(1, bool))
    found = np.array([False, False, True])  # (2, 1) found already, in the other layer
    weak.reactivate(np.array([1, 0, 2]), np.array([2, 2, 1]), found)  # (0, 2): no tie
    np.testing.assert_array_equal(found, [True, False, True])
    np.testing.assert_allclose(strong.current(), [1.0, 0.8, 0.8, 0.8])
    np.testing.assert_allclose(weak.matrix().toarray()[1, 2], 0.15)
    assert weak.matrix().toarray()[2, 1] < 0.15 and weak.peak == 0.15 / weak.scale
    weak.decay(0.5)
    np.testing.assert_allclose(weak.matrix().toarray()[1, 2], 0.075)


def test_weakened_ties_lose_their_share_once_and_the_peak_follows():
    from sim.model.rules.network import Layer, Ties

    ties = Ties(Layer(_path(4), 1.0, 0.0), Layer(_path(4), 0.5, 0.0))  # found in strong first
    ties.weaken(np.array([0, 1, 3]), np.array([1, 0, 2]), 0.25)  # (0, 1) and (1, 0): two ties
    np.testing.assert_allclose(ties.strong.matrix().toarray()[[0, 1, 3], [1, 0, 2]],
                               [0.75, 0.75, 0.75])
    assert ties.strong.peak == 1.0  # (1, 2) still holds 1
    ties.weaken(np.array([1, 2, 2]), np.array([2, 1, 3]), 0.5)
    assert ties.strong.peak == 0.75 and ties.strong.matrix().toarray()[2, 3] == 0.5
    ties.reactivate(np.array([2]), np.array([3]))
    assert ties.strong.matrix().toarray()[2, 3] == 1.0 and ties.strong.peak == 1.0
    np.testing.assert_array_equal(ties.weak.current(), 0.5)  # never reached


def test_share_at_top_counts_the_shown_stars_of_rated_active_vendors_to_the_bit():
    rng = np.random.default_rng(8)
    good = rng.integers(0, 40, 300).astype(float)
    bad = rng.integers(0, 6, 300).astype(float)
    active = rng.random(300) < 0.8
    rated = active & (good + bad >= platform.MIN_RATED)
    shown = platform.stars(platform.shown_rating(good[rated], bad[rated], 0.3))
    expected = float((shown >= platform.TOP_STARS).mean())
    assert 0.0 < expected < 1.0
    assert platform.share_at_top(good, bad, 0.3, active) == expected
    assert platform.share_at_top.py_func(good, bad, 0.3, active) == expected
    assert np.isnan(platform.share_at_top(good, bad, 0.3, np.zeros(300, bool)))
