"""Behaviour tests: each mechanism of the ODD (docs/ODD.md) shown by what it predicts in whole runs.

Each test builds a market where the mechanism should (or should not) act and measures the
result; none re-derives the formula that implements it.
"""

import numpy as np
import pytest

from sim.model.market import TrustMarket
from sim.model.simulate import simulate

SMALL = {"n_consumers": 500, "strong_ties": 8, "weak_ties": 10}


def weekly_sum(series, column):
    return int(series[column].sum())


# ---------------------------------------------------------------- M2, M12: referrals
def test_withholding_every_referral_stops_all_referrals():
    closed = TrustMarket(rng=2, referral_withhold=1.0, committed_share=0.2, **SMALL)
    open_ = TrustMarket(rng=2, referral_withhold=0.0, committed_share=0.2, **SMALL)
    closed.run_for(30)
    open_.run_for(30)
    assert weekly_sum(closed.datacollector.get_model_vars_dataframe(), "referrals_made") == 0
    assert (closed.ask_network().vendor == -1).all()
    assert weekly_sum(open_.datacollector.get_model_vars_dataframe(), "referrals_made") > 500


def test_a_satisfied_buyer_who_is_not_tied_refers_its_vendor_to_a_looking_friend():
    model = TrustMarket(rng=4, search_rate=1.0, referral_withhold=0.0, early_adopter_share=0.0,
                        **SMALL)
    c = model.consumers
    c.owns[:] = -1  # no founders' vouching: one recommender only
    buyer = 0
    friends = model.ties.strong.adjacency[buyer].indices
    vendor = int(np.flatnonzero(model.vendors.active)[0])
    c.fav[buyer], c.fav_good[buyer], c.fav_bad[buyer] = vendor, 1.0, 0.0
    assert not c.tied[buyer]
    referral = model.ask_network()
    assert friends.size > 0
    assert (referral.vendor[friends] == vendor).all()
    assert (referral.source[friends] == buyer).all()
    c.fav_good[buyer], c.fav_bad[buyer] = 0.0, 1.0  # now dissatisfied: no referral
    assert (model.ask_network().vendor[friends] != vendor).all()


def test_a_strong_tie_passes_on_more_evidence_than_a_weak_tie():
    model = TrustMarket(rng=6, search_rate=1.0, referral_withhold=0.0, early_adopter_share=0.0,
                        referral_hops=1, **SMALL)
    c, vendor = model.consumers, int(np.flatnonzero(model.vendors.active)[0])
    c.owns[:] = -1  # no founders' vouching: one recommender only
    buyer = 0
    c.fav[buyer], c.fav_good[buyer] = vendor, 4.0
    strong = model.ties.strong.adjacency[buyer].indices
    weak = model.ties.weak.adjacency[buyer].indices
    referral = model.ask_network()
    assert strong.size and weak.size
    assert referral.good[strong].min() > 3 * referral.good[weak].max() > 0


def test_help_received_raises_the_will_to_refer_and_a_bad_referral_lowers_it():
    params = SMALL | {"committed_share": 0.3, "search_rate": 0.5, "referral_withhold": 0.5}
    model = TrustMarket(rng=8, **params)
    model.run_for(40)
    c = model.consumers
    helped, blamed = c.helped > 0.5, c.blamed > 0.5
    assert helped.sum() > 20 and blamed.sum() > 5
    good = TrustMarket(rng=8, **params | {"vendor_quality_mean": 0.97,
                                          "vendor_quality_spread": 0.01})
    bad = TrustMarket(rng=8, **params | {"vendor_quality_mean": 0.3,
                                         "vendor_quality_spread": 0.01})
    good.run_for(40)
    bad.run_for(40)
    made = {name: m.datacollector.get_model_vars_dataframe()["referrals_made"].iloc[-10:].mean()
            / max(1, ((m.consumers.fav >= 0) & (m.consumers.fav_good > m.consumers.fav_bad)).sum())
            for name, m in (("good", good), ("bad", bad))}
    assert made["good"] > 0.6  # above the base 0.5: reciprocity and status
    assert made["bad"] < 0.45  # below it: blame


# ---------------------------------------------------------------- M4, M5: ties
def test_a_tie_forms_after_tie_threshold_good_purchases_and_its_referral_reaches_friends():
    params = SMALL | {"committed_share": 0.3, "vendor_quality_mean": 0.99,
                      "vendor_quality_spread": 0.0, "vendor_capacity": 1000.0,
                      "initial_vendors": 1, "entry_rate": 0.0, "tie_threshold": 3}
    model = TrustMarket(rng=3, **params)
    committed = model.consumers.committed
    tied_at = []
    for _ in range(5):
        model.step()
        tied_at.append(model.consumers.tied[committed].mean())
    assert tied_at[1] == 0.0  # two good purchases are not enough
    assert tied_at[2] > 0.9  # three are (a few had a bad one at quality 0.99)
    model.p.update(search_rate=1.0, referral_withhold=0.0)
    referral = model.ask_network()
    friends = np.unique(model.ties.strong.adjacency[np.flatnonzero(model.consumers.tied)].indices)
    friends = friends[~model.consumers.committed[friends]]
    assert (referral.vendor[friends] == 0).mean() > 0.95


def test_a_dormant_strong_tie_used_again_recovers_its_trust():
    model = TrustMarket(rng=5, tie_decay=0.05, committed_share=0.2, search_rate=0.3, **SMALL)
    model.run_for(30)
    layer = model.ties.strong
    assert np.median(layer.current()) == pytest.approx(0.8)  # dormant ties sit on the floor
    before = layer.current().copy()
    model.step()
    after = layer.current()
    restored = np.isclose(after, 1.0) & (before < 0.99)
    assert restored.sum() > 0
    untouched = ~restored & (before < 0.99)
    assert (after[untouched] <= before[untouched] + 1e-12).all()


# ---------------------------------------------------------------- M7: vendors
def run_counts(params, weeks=40, seed=1):
    series, _ = simulate(SMALL | params, weeks, seed=seed)
    return {k: weekly_sum(series, f"vendor_exits_{k}") for k in ("idle", "loss", "rating")}


def test_the_idle_exit_fires_when_nobody_buys_and_not_when_vendors_may_wait():
    nobody = {"consumer_switching": False, "early_adopter_share": 0.0}
    assert run_counts(nobody | {"vendor_idle_weeks": 4})["idle"] == 20
    assert run_counts(nobody | {"vendor_idle_weeks": 520})["idle"] == 0


def test_the_loss_exit_fires_on_heavy_fixed_costs_and_never_without_them():
    assert run_counts({"committed_share": 0.1, "vendor_fixed_cost": 5.0})["loss"] > 5
    assert run_counts({"committed_share": 0.1, "vendor_fixed_cost": 0.0})["loss"] == 0


def test_the_rating_exit_fires_on_bad_vendors_and_never_with_a_floor_of_one_star():
    bad = {"committed_share": 0.3, "vendor_quality_mean": 0.3, "vendor_quality_spread": 0.05,
           "rating_inflation": 0.3}
    assert run_counts(bad | {"vendor_min_stars": 4.0})["rating"] > 3
    assert run_counts(bad | {"vendor_min_stars": 1.0})["rating"] == 0


def test_campaigns_asking_the_inner_circle_succeed_more_often_than_general_asks():
    share = {}
    for audience in ("inner_circle", "weak_ties"):
        series = [simulate({"n_consumers": 1000, "committed_share": 0.3,
                            "campaign_audience": audience}, 52, seed=s)[0] for s in (1, 2)]
        campaigns = sum(weekly_sum(s, "campaigns") for s in series)
        entries = sum(weekly_sum(s, "vendor_entries") for s in series)
        assert campaigns > 50
        share[audience] = entries / campaigns
    assert share["inner_circle"] > 0.25
    assert share["inner_circle"] > 2 * share["weak_ties"]


def test_vendor_costs_spread_around_their_mean_and_pledges_finance_entry():
    cost = TrustMarket(rng=2, n_consumers=1000, initial_vendors=400).vendors.unit_cost
    assert cost.mean() == pytest.approx(0.75, rel=0.05)
    assert cost.std() / cost.mean() == pytest.approx(0.15, rel=0.2)
    model = TrustMarket(rng=2, n_consumers=1000, committed_share=0.3, initial_vendors=5)
    pledged_weeks = 0
    for _ in range(30):
        before = len(model.vendors)
        model.step()
        v, week = model.vendors, model.week
        new = np.arange(before, len(v))
        assert week["consumer_spending"] == pytest.approx(
            model.factory.revenue + week["vendor_revenue"] + week["fees"])
        if new.size:
            pledged_weeks += 1
            # each new shop starts with its backers' money, net of fee and pre-sold units
            assert (v.cash[new] > 0).all()
            bought = model.consumers.bought_from[model.consumers.bought_from >= 0]
            pledged = week["platform_sales"] - v.price[bought].sum()  # backers' money
            backers = pledged / model.p["pledge_amount"]
            assert backers == pytest.approx(round(backers))
            assert backers >= new.size * model.p["campaign_target"]
    assert pledged_weeks > 3


# ---------------------------------------------------------------- M8: the platform
def test_about_95_percent_of_rated_vendors_show_4_5_stars_or_more_at_the_defaults():
    shares = [simulate({"committed_share": 0.1}, 104, seed=s)[0]["rated_share_4_5_stars"]
              .iloc[-26:].mean() for s in (1, 2, 3)]
    assert 0.90 <= np.mean(shares) <= 0.99


def test_institutional_trust_rises_as_the_platform_grows_and_falls_on_a_bad_record():
    grows = simulate(SMALL | {"committed_share": 0.3}, 60, seed=1)[0]["institutional_trust"]
    assert grows.iloc[0] < 0.5 < grows.iloc[-1]
    falls = simulate(SMALL | {"committed_share": 0.3, "institutional_trust_initial": 0.9,
                              "vendor_quality_mean": 0.3}, 60, seed=1)[0]
    assert falls["institutional_trust"].iloc[-1] < 0.5


def test_the_platform_keeps_accounts_of_fees_less_costs():
    model = TrustMarket(rng=1, committed_share=0.2, **SMALL)
    cash = 0.0
    for _ in range(10):
        model.step()
        w = model.week
        cash += w["fees"] - 0.03 * w["platform_sales"] - 0.001 * 500
    assert model.platform.cash == pytest.approx(cash)


# ---------------------------------------------------------------- M9: pricing
def test_responsive_pricing_cuts_the_contested_price_and_raises_the_other():
    cheap = {"n_consumers": 1000, "factory_pricing": "responsive", "vendor_unit_cost": 0.3,
             "committed_share": 0.1, "factory_cash_reserve_weeks": 200.0}
    series, _ = simulate(cheap, 52, seed=2)
    start = series.iloc[0]
    end = series.iloc[-1]
    assert end["factory_price_contested"] < 0.8 * start["factory_price_contested"]
    assert end["factory_price"] > start["factory_price"]
    assert end["factory_volume"] < start["factory_volume"]


# ---------------------------------------------------------------- the premise, trust
def test_at_the_defaults_the_platform_grows_on_its_own_and_a_dearer_platform_does_not():
    own = [simulate({}, 260, seed=s)[0]["platform_share"].iloc[-1] for s in (1, 2)]
    dearer = [simulate({"vendor_unit_cost": 1.0, "vendor_quality_mean": 0.8}, 260,
                       seed=s)[0]["platform_share"].iloc[-1] for s in (1, 2)]
    # on the clustered inner circles (dunbar_layers) it takes off in some runs (seed 2: all
    # of the gross by week 260) and grows more slowly in others (seed 1: a quarter)
    assert max(own) > 0.9
    assert min(own) > 0.2
    assert max(dearer) < 0.05


def test_removing_every_trust_channel_stops_organic_switching():
    seeded = {"n_consumers": 1000, "committed_share": 0.05}
    used = {}
    for channels in (True, False):
        model = TrustMarket(rng=3, trust_channels=channels, **seeded)
        model.run_for(156)
        free = ~model.consumers.committed
        used[channels] = model.consumers.ever_used[free].mean()
    assert used[True] > 0.5
    assert used[False] < 0.02  # the early adopters (1%) and hardly anyone else
