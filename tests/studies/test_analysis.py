"""Point of no return, early-warning signals and hysteresis on series with known answers,
and the model hook that changes a control mid-run."""

import numpy as np
import pandas as pd
import pytest

from sim.model.market import TrustMarket
from sim.model.parameters import ParameterError
from sim.studies import analysis

SMALL = {"n_consumers": 300, "strong_ties": 6.0, "weak_ties": 6.0}


def test_point_of_no_return_is_the_share_in_the_last_week_without_a_loss():
    series = pd.DataFrame({"step": [1, 2, 3, 4, 5, 6],
                           "factory_profit": [5.0, 1.0, -1.0, 0.0, -2.0, 0.0],
                           "platform_share": [0.1, 0.2, 0.3, 0.35, 0.4, 1.0]})
    # week 6 is after the fall (a dead factory books 0): it does not count
    assert analysis.point_of_no_return(series, fall_step=5) == 0.35
    assert np.isnan(analysis.point_of_no_return(series.assign(factory_profit=-1.0), 5))


def test_points_of_no_return_only_for_runs_that_fell():
    runs = pd.DataFrame({"run_id": ["a", "b"], "incumbent_fell": [True, False],
                         "fall_step": pd.array([2, None], dtype="Int64")})
    series = pd.DataFrame({"run_id": ["a", "a", "b", "b"], "step": [1, 2, 1, 2],
                           "factory_profit": [1.0, -1.0, 1.0, 1.0],
                           "platform_share": [0.25, 0.5, 0.0, 0.0]})
    assert analysis.points_of_no_return(runs, series).to_dict() == {"a": 0.25}
    assert analysis.distribution([0.1, 0.3, np.nan])["median"] == pytest.approx(0.2)


def ar1(phi: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """An AR(1) series x_t = phi_t x_(t-1) + noise, around a level of 100."""
    x = np.zeros(phi.size)
    for t in range(1, phi.size):
        x[t] = phi[t] * x[t - 1] + rng.normal()
    return 100 + x


def test_rising_autocorrelation_gives_positive_kendall_trend():
    rng = np.random.default_rng(4)
    steps = np.arange(1, 401)
    slowing = pd.DataFrame({"step": steps, "factory_volume": ar1(np.linspace(0.0, 0.95, 400),
                                                                 rng)})
    steady = pd.DataFrame({"step": steps, "factory_volume": ar1(np.full(400, 0.2), rng)})
    rising = analysis.ews_trends(slowing, 400, "factory_volume")
    flat = analysis.ews_trends(steady, 400, "factory_volume")
    assert rising["ac1"] > 0.6 and rising["variance"] > 0.6
    assert abs(flat["ac1"]) < rising["ac1"] - 0.3


def test_roc_auc_of_perfect_random_and_reversed_scores():
    labels = np.array([True, True, False, False])
    assert analysis.roc_auc(np.array([0.9, 0.8, 0.1, 0.2]), labels) == 1.0
    assert analysis.roc_auc(np.array([0.1, 0.2, 0.9, 0.8]), labels) == 0.0
    assert analysis.roc_auc(np.array([0.5, 0.5, 0.5, 0.5]), labels) == 0.5
    assert np.isnan(analysis.roc_auc(np.array([0.5, 0.6]), np.array([True, True])))


def test_early_warning_separates_slowing_runs_from_steady_ones():
    rng = np.random.default_rng(5)
    runs, frames = [], []
    for i in range(12):
        fell = i < 6
        n = 300
        phi = np.linspace(0.0, 0.95, n) if fell else np.full(n, 0.1)
        volume = ar1(phi, rng)
        runs.append({"run_id": f"r{i}", "status": "ok", "incumbent_fell": fell,
                     "fall_step": n + 1 if fell else None})
        frames.append(pd.DataFrame({"run_id": f"r{i}", "step": np.arange(1, n + 1),
                                    "factory_volume": volume,
                                    "factory_profit": 0.5 * volume - 40}))
    runs = pd.DataFrame(runs).astype({"fall_step": "Int64"})
    table, summary = analysis.early_warning(runs, pd.concat(frames), burn_in=0)
    # 300 - 270 weeks after the burn-in is shorter than min_steps: no run is read
    assert analysis.early_warning(runs, pd.concat(frames), burn_in=270)[0].empty
    assert len(table) == 12 and summary["n_fell"] == 6 and summary["n_survived"] == 6
    assert summary["end_step_survivors"] == 300
    ac1 = summary["indicators"]["factory_volume_ac1"]
    assert ac1["auc"] == 1.0 and ac1["tau_fell"] > 0.5 > ac1["tau_survived"]
    assert set(summary["indicators"]) == {f"{c}_{i}" for c in analysis.EWS_COLUMNS
                                          for i in analysis.INDICATORS}


def test_set_param_moves_the_same_consumers_in_and_out_of_the_committed_set():
    model = TrustMarket(rng=1, committed_share=0.1, **SMALL)
    first = np.flatnonzero(model.consumers.committed)
    model.set_param("committed_share", 0.2)
    assert model.consumers.committed.sum() == 60 and model.p["committed_share"] == 0.2
    assert set(first) <= set(np.flatnonzero(model.consumers.committed))
    model.set_param("committed_share", 0.1)
    assert list(np.flatnonzero(model.consumers.committed)) == list(first)


def test_set_param_reprices_vendors_and_rejects_other_names_and_bad_values():
    model = TrustMarket(rng=1, **SMALL)
    model.set_param("platform_fee", 0.3)
    assert model.platform.fee == 0.3
    markup = model.p["vendor_markup"]
    np.testing.assert_allclose(model.vendors.price, model.vendors.unit_cost * (1 + markup) / 0.7)
    with pytest.raises(ParameterError, match="cannot change mid-run"):
        model.set_param("habit", 1.0)
    with pytest.raises(ParameterError, match="allowed: a number in"):
        model.set_param("committed_share", 1.5)


def test_hysteresis_ramp_goes_up_and_back_down_in_one_run():
    ramp = analysis.hysteresis(SMALL, "committed_share", [0.0, 0.1, 0.2], hold=4, seed=2)
    assert list(ramp["leg"]) == ["up", "up", "up", "down", "down"]
    assert list(ramp["level"]) == [0.0, 0.1, 0.2, 0.1, 0.0]
    assert list(ramp["week"]) == [4, 8, 12, 16, 20]
    # the committed fifth buys on the platform: a fifth of the gross, give or take the draws
    # of 300 consumers' needs over 4 weeks
    assert ramp["platform_share"].iloc[2] == pytest.approx(0.2, abs=0.02)


def test_hysteresis_summary_of_a_market_that_does_not_return():
    ramp = pd.DataFrame({"leg": ["up", "up", "up", "down", "down"],
                         "level": [0.0, 0.1, 0.2, 0.1, 0.0],
                         "platform_share": [0.0, 0.1, 1.0, 1.0, 1.0],
                         "factory_volume": [100.0, 90.0, 0.0, 0.0, 0.0],
                         "factory_alive": [True, True, True, False, False]})
    summary = analysis.hysteresis_summary(ramp)
    assert summary["max_gap"] == 1.0 and summary["level_at_max_gap"] == 0.0
    assert summary["market_lost_at"] == {"leg": "up", "level": 0.2}
    assert summary["factory_fell_at"] == {"leg": "down", "level": 0.1}
    assert summary["returned"] is False
    back = ramp.assign(platform_share=[0.0, 0.1, 0.2, 0.1, 0.01], factory_alive=True,
                       factory_volume=100.0)
    assert analysis.hysteresis_summary(back)["returned"] is True
