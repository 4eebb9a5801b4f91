"""The several-sector market: one sector is the single-sector model to the last bit;
spillover 0 keeps sectors independent; spillover carries trust and habit across."""

import json

import numpy as np
import pandas as pd
import pytest

from sim.model.parameters import DEFAULTS, ParameterError
from sim.model.sectors.market import SectorMarket
from sim.model.sectors.measures import OUTCOME_TYPES_SECTORS
from sim.model.sectors.parameters import PER_SECTOR, SHARED, resolve, sector_params
from sim.model.sectors.presets import PRESETS, SECTORS
from sim.model.sectors.simulate import simulate as simulate_sectors
from sim.model.simulate import simulate

SMALL = {"n_consumers": 300, "strong_ties": 8, "weak_ties": 10}


@pytest.mark.parametrize("sector", ["news", "food"])
def test_one_sector_reproduces_the_single_sector_model_to_the_last_bit(sector):
    params = resolve({**SMALL, "sectors": sector, f"{sector}__committed_share": 0.15})
    single, single_outcomes = simulate(sector_params(params, sector), 120, 11)
    tidy, outcomes = simulate_sectors(params, 120, 11)
    assert (tidy["sector"] == sector).all()
    pd.testing.assert_frame_equal(tidy.drop(columns="sector"), single, check_exact=True)
    for name, value in single_outcomes.items():
        key = name if name.startswith("strong_") else f"{sector}__{name}"
        assert outcomes[key] == value, name
    assert set(outcomes) == set(OUTCOME_TYPES_SECTORS)


def _sector_a(b_reserve_weeks: float, spillover: float) -> tuple[pd.DataFrame, dict]:
    """Food (A) beside news (B) whose incumbent falls (no reserve, many committed) or not."""
    params = resolve({**SMALL, "sectors": "news,food", "spillover": spillover,
                      "news__committed_share": 0.6,
                      "news__factory_cash_reserve_weeks": b_reserve_weeks,
                      "news__factory_pricing": "fixed", "food__committed_share": 0.05})
    tidy, outcomes = simulate_sectors(params, 80, 5)
    return tidy[tidy["sector"] == "food"].reset_index(drop=True), outcomes


def test_spillover_zero_leaves_a_sector_identical_whether_the_other_incumbent_falls():
    a_falls, out_falls = _sector_a(0.0, 0.0)
    a_stands, out_stands = _sector_a(1000.0, 0.0)
    assert out_falls["news__incumbent_fell"] and not out_stands["news__incumbent_fell"]
    pd.testing.assert_frame_equal(a_falls, a_stands, check_exact=True)
    # and with spillover the other sector's fall does reach it
    a_falls, _ = _sector_a(0.0, 1.0)
    a_stands, _ = _sector_a(1000.0, 1.0)
    assert not a_falls["platform_trust"].equals(a_stands["platform_trust"])


def test_spillover_pools_evidence_and_carries_the_habit_of_a_share_of_consumers():
    model = SectorMarket(rng=3, sectors="news,food,health", spillover=0.5, **SMALL)
    model.run_for(10)
    model.spill_over()
    news, food, health = model.sectors.values()
    np.testing.assert_allclose(
        news.platform_evidence()[0],
        news.consumers.platform_good
        + 0.5 * (food.consumers.platform_good + health.consumers.platform_good))
    carried = (food.consumers.ever_used | health.consumers.ever_used) & (model.openness < 0.5)
    np.testing.assert_array_equal(news.platform_use(), news.consumers.ever_used | carried)
    assert 0.4 < (model.openness < 0.5).mean() < 0.6


def test_sector_parameters_are_flat_and_presets_are_their_defaults():
    params = resolve({})
    assert set(params) == {*SHARED, "spillover", "sectors", "fork_sector",
                           *(f"{s}__{n}" for s in SECTORS for n in PER_SECTOR)}
    for sector, preset in PRESETS.items():
        own = sector_params(params, sector)
        assert {n: own[n] for n in preset} == {n: v.value for n, v in preset.items()}
        assert all(own[n] == DEFAULTS[n] for n in PER_SECTOR if n not in preset)


@pytest.mark.parametrize("overrides, message", [
    ({"sectors": "news,shoes"}, "unknown sector 'shoes'"),
    ({"sectors": "news,news"}, "each sector once"),
    ({"spillover": 1.5}, "allowed: a number in [0, 1]"),
    ({"spillover": -0.1}, "allowed: a number in [0, 1]"),
    ({"need_rate": 0.5}, "is set per sector"),
    ({"news__n_consumers": 500}, "shared by all sectors"),
    ({"shoes__need_rate": 0.5}, "unknown sector 'shoes'"),
    ({"food__factory_marginal_cost": 1.0}, "sector 'food': parameters factory_marginal_cost = "
     "1.0, factory_price = 1.0: allowed: factory_marginal_cost < factory_price"),
    ({"sectors": "health", "health__strong_tie_floor": 0.5}, "'strong_tie_floor' is shared"),
    ({"fork_sector": "shoes"}, "parameter 'fork_sector': got 'shoes', allowed: \"\" (the first "
     "sector present) or one of"),
    ({"sectors": "news", "fork_sector": "food"}, "'food' is not among the sectors present "
     "(news)"),
])
def test_bad_sector_parameters_are_refused_with_one_clear_line(overrides, message):
    with pytest.raises(ParameterError) as error:
        resolve(overrides)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_the_fork_hooks_push_release_and_read_the_fork_sector_alone():
    model = SectorMarket(rng=2, sectors="news,food", fork_sector="food", **SMALL)
    news, food = model.sectors.values()
    assert model.tracked is food and model.pushed == 0.0
    model.push(0.25)
    assert food.consumers.committed.mean() == 0.25 and not news.consumers.committed.any()
    model.run_for(3)
    assert model.tracked_share == food.week["platform_share"] != news.week["platform_share"]
    assert model.datacollector is food.datacollector and model.fallen is False
    twin = model.fork(9)
    twin.release()
    assert twin.pushed == 0.0 and not twin.tracked.consumers.committed.any()
    assert model.pushed == 0.25  # the copy shares nothing with the original
    twin.stall()
    assert not twin.tracked.p["platform_open_to_new"] and twin.sectors["news"].p[
        "platform_open_to_new"]
    assert model.state()["share_gross"] == model.tracked_share
    assert model.state()["sectors_fallen"] == 0.0
    first = SectorMarket(rng=2, sectors="news,food", **SMALL)
    assert first.tracked is first.sectors["news"]  # default: the first sector present


def test_a_fork_run_of_one_sector_ignores_the_other_sector_fall_at_spillover_zero():
    from sim.experiments import forks  # noqa: F401 (registers MODEL_forks)
    from sim.model.registry import MODELS, resolve_params

    def food(news_reserve: float, spillover: float) -> dict:
        params = resolve_params("sector_market_forks", {
            **SMALL, "sectors": "news,food", "spillover": spillover, "fork_sector": "food",
            "news__committed_share": 0.6, "news__factory_cash_reserve_weeks": news_reserve,
            "news__factory_pricing": "fixed", "food__committed_share": 0.1,
            "fork_every": 8, "fork_copies": 2, "fork_ramp": 0.05})
        return MODELS["sector_market_forks"](params, 80, 5, 8)[1]

    falls, stands = food(0.0, 0.0), food(1000.0, 0.0)
    assert falls["news__incumbent_fell"] and not stands["news__incumbent_fell"]
    assert falls["sectors_fallen"] == 1 + bool(falls["food__incumbent_fell"])
    for key in ("tipping_reached", "tipping_share_gross", "share_before", "checkpoints",
                "food__fall_step"):
        assert falls[key] == stands[key], key
    assert json.loads(falls["checkpoints"])  # copies were made and tried
