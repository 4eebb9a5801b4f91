"""Whole-model tests: invariants, determinism, the accounting limit, the death spiral,
complex contagion, and the Mesa API."""

import mesa
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.model.agents import Consumer, Factory, Vendor
from sim.model.market import MODEL_REPORTERS, OUTCOMES, TrustMarket
from sim.model.rules.economics import break_even_share
from sim.model.simulate import simulate

SMALL = {"n_consumers": 300, "strong_ties": 8, "weak_ties": 10}


def test_model_takes_keyword_parameters_and_rng_like_mesa_models():
    model = TrustMarket(n_consumers=400, rng=1)
    assert model.p["n_consumers"] == 400
    assert len(model.agents_by_type[Consumer]) == 400
    assert len(model.agents_by_type[Factory]) == 1
    assert len(model.agents_by_type[Vendor]) == model.p["initial_vendors"]
    model.run_for(5)
    assert model.steps == 5
    frame = model.datacollector.get_model_vars_dataframe()
    assert list(frame.columns) == list(MODEL_REPORTERS)
    assert frame.shape == (5, len(MODEL_REPORTERS))
    assert set(model.outcomes()) == set(OUTCOMES)


def test_weekly_collector_gives_mesas_table_to_the_bit_and_drives_batch_run():
    ours = TrustMarket(rng=3, committed_share=0.2, **SMALL)
    theirs = TrustMarket(rng=3, committed_share=0.2, **SMALL)
    theirs.datacollector = mesa.DataCollector(model_reporters=MODEL_REPORTERS)
    ours.run_for(40)
    theirs.run_for(40)
    a = ours.datacollector.get_model_vars_dataframe()
    b = theirs.datacollector.get_model_vars_dataframe()
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert a.shape == (40, len(MODEL_REPORTERS))
    assert ours.datacollector._collection_steps == theirs.datacollector._collection_steps
    runs = mesa.batch_run(TrustMarket, parameters={**SMALL, "committed_share": [0.2]},
                          rng=[3], max_steps=40, number_processes=1,
                          data_collection_period=-1, display_progress=False)
    assert len(runs) == 1
    assert runs[0]["platform_share"] == a["platform_share"].iloc[-1]


def test_agentset_queries_read_the_model_arrays():
    model = TrustMarket(rng=2, committed_share=0.25, **SMALL)
    model.run_for(3)
    committed = model.agents_by_type[Consumer].select(lambda a: a.committed)
    assert len(committed) == 75
    assert all(a.choice in (0, 2) for a in committed)
    choices = model.agents_by_type[Consumer].get("choice")
    np.testing.assert_array_equal(choices, model.consumers.choice)
    np.testing.assert_allclose(committed.get("platform_trust"),
                               model.platform_trust[model.consumers.committed])
    collector = mesa.DataCollector(agenttype_reporters={Consumer: {"choice": "choice"}})
    collector.collect(model)
    table = collector.get_agenttype_vars_dataframe(Consumer)
    assert len(table) == 300
    assert sorted(table["choice"].unique()) == sorted(np.unique(model.consumers.choice))
    active = model.agents_by_type[Vendor]
    assert len(active) == int(model.vendors.active.sum())
    assert all(v.sales <= v.capacity for v in active)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    committed=st.floats(0, 0.6),
    fee=st.floats(0, 0.5),
    fcs=st.floats(0.3, 0.99),
    pricing=st.sampled_from(["fixed", "full_cost"]),
    hops=st.integers(0, 4),
    endorsements=st.integers(1, 3),
    need=st.floats(0.2, 1.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_invariants_hold_every_week(committed, fee, fcs, pricing, hops, endorsements, need,
                                    seed):
    model = TrustMarket(rng=seed, committed_share=committed, platform_fee=fee,
                        factory_fixed_cost_share=fcs, factory_pricing=pricing,
                        referral_hops=hops, endorsements_needed=endorsements, need_rate=need,
                        factory_cash_reserve_weeks=4, **SMALL)
    for _ in range(40):
        trading = model.vendors.active.copy()
        model.step()
        week, v, c = model.week, model.vendors, model.consumers
        # money: what consumers spent = factory revenue + vendors' revenue + platform fees
        assert week["consumer_spending"] == pytest.approx(
            model.factory.revenue + week["vendor_revenue"] + week["fees"], rel=1e-9, abs=1e-9)
        assert week["fees"] == pytest.approx(fee * week["platform_sales"], abs=1e-9)
        assert 0.0 <= week["platform_share"] <= 1.0
        assert (v.sales <= v.capacity).all()
        assert (v.sales[:trading.size][~trading] == 0).all()  # closed before the week
        t = model.platform_trust
        assert ((t >= 0) & (t <= 1)).all()
        for layer in (model.ties.strong, model.ties.weak):
            data = layer.current()
            assert ((data >= layer.floor - 1e-12) & (data <= layer.initial + 1e-12)).all()
        assert (c.fav_good >= 0).all() and (c.fav_bad >= 0).all()
        assert 0.0 <= model.platform.institutional_trust <= 1.0


def test_same_seed_gives_identical_series_and_different_seeds_differ():
    a, out_a = simulate(SMALL | {"committed_share": 0.1}, 60, seed=7)
    b, out_b = simulate(SMALL | {"committed_share": 0.1}, 60, seed=7)
    c, _ = simulate(SMALL | {"committed_share": 0.1}, 60, seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert out_a == out_b
    assert not a.equals(c)
    assert a.shape == (60, len(MODEL_REPORTERS) + 1)


ACCOUNTING = {"n_consumers": 1000, "consumer_switching": False, "factory_pricing": "fixed",
              "factory_cash_reserve_weeks": 0, "strong_ties": 6, "weak_ties": 4}


@pytest.mark.parametrize("fixed_cost_share", [0.6, 0.8, 0.9])
def test_pure_accounting_limit_falls_above_and_survives_below_break_even(fixed_cost_share):
    s = break_even_share(fixed_cost_share)
    params = ACCOUNTING | {"factory_fixed_cost_share": fixed_cost_share}
    _, above = simulate(params | {"committed_share": s + 0.03}, 52, seed=1)
    _, below = simulate(params | {"committed_share": s - 0.03}, 52, seed=1)
    assert above["incumbent_fell"] is True and above["fall_step"] == 1
    assert below["incumbent_fell"] is False and below["fall_step"] is None


def test_full_cost_pricing_raises_price_and_lowers_volume_under_a_committed_share():
    params = SMALL | {"n_consumers": 1000, "factory_pricing": "full_cost",
                      "consumer_switching": False, "factory_reprice_every": 13}
    base, _ = simulate(params | {"committed_share": 0.0}, 52, seed=3)
    hit, _ = simulate(params | {"committed_share": 0.15}, 52, seed=3)
    assert base["factory_price"].iloc[-1] == pytest.approx(1.0, abs=0.01)
    assert hit["factory_price"].iloc[-1] > 1.05
    assert hit["factory_price"].is_monotonic_increasing
    assert hit["factory_volume"].iloc[-1] < 0.9 * base["factory_volume"].iloc[-1]


def test_complex_contagion_spreads_first_platform_use_more_slowly():
    # habit 0 makes openness, not switching cost, the bottleneck of first use; a year, because
    # on clustered inner circles first use spreads locally
    params = {"n_consumers": 1500, "committed_share": 0.03, "early_adopter_share": 0.0,
              "habit": 0.0}
    used = {}
    for k in (1, 2):
        runs = [simulate(params | {"endorsements_needed": k}, 52, seed=s)[0]
                for s in (11, 12, 13)]
        used[k] = np.mean([r["share_ever_used_platform"].mean() for r in runs])
    assert used[1] > 0.15
    assert used[2] < 0.75 * used[1]
