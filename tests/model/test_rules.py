"""Unit tests of the pure rules: trust arithmetic, choice, pricing, accounting."""

import numpy as np
import pytest
import scipy.sparse as sp

from sim.model.rules import economics, platform, referrals, trust


def test_beta_mean_with_no_evidence_is_one_half_and_moves_with_evidence():
    s, f = np.array([0.0, 3.0, 1.0]), np.array([0.0, 0.0, 3.0])
    np.testing.assert_allclose(trust.beta_mean(s, f), [0.5, 4 / 5, 2 / 6])


def test_add_outcomes_counts_only_masked_consumers():
    s, f = np.zeros(4), np.zeros(4)
    good = np.array([True, False, True, False])
    mask = np.array([True, True, False, False])
    trust.add_outcomes(s, f, good, mask)
    np.testing.assert_array_equal(s, [1, 0, 0, 0])
    np.testing.assert_array_equal(f, [0, 1, 0, 0])


def test_discount_scales_evidence_by_trust_in_the_source():
    s, f = trust.discount(np.array([4.0]), np.array([2.0]), np.array([0.25]))
    assert (s[0], f[0]) == (1.0, 0.5)


def test_decay_keeps_the_floor_and_spares_used_values():
    values = np.array([1.0, 1.0, 0.3, 1.0])
    floor = np.array([0.0, 0.95, 0.5, 0.0])
    unused = np.array([True, True, True, False])
    trust.decay(values, 0.1, floor=floor, unused=unused)
    np.testing.assert_allclose(values, [0.9, 0.95, 0.3, 1.0])


def test_decay_without_mask_reaches_the_floor_geometrically():
    values = np.array([1.0, 1.0])
    for _ in range(100):
        trust.decay(values, 0.05, floor=np.array([0.0, 0.8]))
    np.testing.assert_allclose(values, [0.95**100, 0.8])


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
    w = referrals.willingness(0.2, np.array([0.0, 2.0, 0.0, 0.0]), np.array([0.0, 0.0, 0.0, 9.0]),
                              np.array([0.0, 0.0, 1.0, 0.0]), 0.05, 0.05, 0.3)
    np.testing.assert_allclose(w, [0.8, 0.9, 0.5, 1.0])


def test_responsive_prices_meet_the_platform_where_contested_and_charge_full_cost_elsewhere():
    full = economics.full_cost_price(0.5, 800.0, 2000.0, 0.1)
    contested, captive = economics.responsive_prices(0.5, 800.0, 2000.0, 0.1, 0.8)
    assert contested == pytest.approx(0.8) and captive == pytest.approx(full) == 0.99
    assert economics.responsive_prices(0.5, 800.0, 2000.0, 0.1, 0.3) == (0.5, full)
    assert economics.responsive_prices(0.5, 800.0, 2000.0, 0.1, 1.2) == (full, full)
    assert economics.responsive_prices(0.5, 800.0, 2000.0, 0.1, float("inf")) == (full, full)


def test_row_argmax_matches_brute_force():
    rng = np.random.default_rng(3)
    dense = (rng.random((30, 30)) < 0.2) * rng.random((30, 30))
    matrix = sp.csr_matrix(dense)
    values = np.where(rng.random(30) < 0.5, rng.random(30), 0.0)
    best, arg = trust.row_argmax(matrix, values)
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
    weight, source, via = trust.propagate_referrals(strong, weak, strength, hops=3,
                                                    hop_discount=0.5)
    np.testing.assert_allclose(weight, [0.0, 0.8, 0.4, 0.2, 0.0])
    np.testing.assert_array_equal(source[1:4], [0, 0, 0])
    np.testing.assert_array_equal(via[1:4], [0, 1, 2])
    assert source[4] == -1 and via[4] == -1


def test_weak_ties_refer_only_first_hand_and_with_their_lower_trust():
    strong = sp.csr_matrix((3, 3))
    weak = _path(3) * 0.15
    weight, source, _ = trust.propagate_referrals(strong, weak, np.array([1.0, 0, 0]),
                                                  hops=3, hop_discount=0.9)
    np.testing.assert_allclose(weight, [0.0, 0.15, 0.0])
    assert source[2] == -1


def test_choice_probabilities_are_logit_and_respect_closed_options():
    uf, up = np.array([1.0, 1.0, 2.0]), np.array([0.0, 3.0, 5.0])
    probs = economics.choice_probabilities(uf, up, np.array([True, True, False]),
                                           np.array([True, False, True]))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    e = np.exp([0.0, 1.0, 0.0])
    np.testing.assert_allclose(probs[0], e / e.sum())
    assert probs[1, 2] == 0.0 and probs[2, 1] == 0.0
    assert probs[2, 2] / probs[2, 0] == pytest.approx(np.exp(5.0))


def test_draw_choices_follow_their_probabilities():
    rng = np.random.default_rng(0)
    probs = np.tile([0.2, 0.5, 0.3], (100_000, 1))
    counts = np.bincount(economics.draw_choices(probs, rng.random(100_000)), minlength=3)
    np.testing.assert_allclose(counts / 100_000, [0.2, 0.5, 0.3], atol=0.01)


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
    strong.reactivate(np.array([0]), np.array([1]))
    weak.reactivate(np.array([1, 0]), np.array([2, 2]))  # (0, 2) is not a tie: ignored
    np.testing.assert_allclose(strong.current(), [1.0, 0.8, 0.8, 0.8])
    np.testing.assert_allclose(weak.matrix().toarray()[1, 2], 0.15)
    weak.decay(0.5)
    np.testing.assert_allclose(weak.matrix().toarray()[1, 2], 0.075)
