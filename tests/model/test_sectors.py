"""The several-sector market: one sector is the single-sector model to the last bit;
spillover 0 keeps sectors independent; spillover carries trust and habit across."""

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
    assert set(params) == {*SHARED, "spillover", "sectors",
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
])
def test_bad_sector_parameters_are_refused_with_one_clear_line(overrides, message):
    with pytest.raises(ParameterError) as error:
        resolve(overrides)
    assert message in str(error.value) and "\n" not in str(error.value)
