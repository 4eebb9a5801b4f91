"""The tipping estimator: synthetic dose-response data with a known midpoint, complete
separation, and the pure-accounting limit of the trust market."""

import math

import numpy as np
import pytest
from scipy import special

from sim.economics import break_even_share
from sim.simulate import simulate
from sim.tipping import (
    Design,
    TippingSpec,
    Trial,
    adaptive_design,
    fit_dose_response,
)

SYNTHETIC = TippingSpec(low=0.0, high=0.6, budget=120, grid=7, replicates=4, batch=24)
ACCOUNTING = {"consumer_switching": False, "factory_pricing": "fixed",
              "factory_cash_reserve_weeks": 0.0, "n_consumers": 2000, "strong_ties": 4.0,
              "weak_ties": 4.0}


def logistic_runner(midpoint: float, scale: float, rng: np.random.Generator):
    """A callback drawing 0/1 outcomes from a logistic curve with a known midpoint."""
    def run(trials: list[Trial]) -> np.ndarray:
        x = np.array([t.x for t in trials])
        return (rng.random(x.size) < special.expit((x - midpoint) / scale)).astype(float)
    return run


def test_interval_covers_the_true_midpoint_at_about_the_nominal_rate():
    midpoint, scale = 0.23, 0.03
    fits = [adaptive_design(SYNTHETIC, logistic_runner(midpoint, scale,
                                                       np.random.default_rng(seed))).fit()
            for seed in range(200)]
    coverage = np.mean([f.covers(midpoint) for f in fits])
    # 200 data sets: a 95% interval covers 190 +- 3 standard errors (9) of them
    assert 0.90 <= coverage <= 0.99
    assert np.median([f.estimate for f in fits]) == pytest.approx(midpoint, abs=0.005)
    assert np.median([f.width for f in fits]) == pytest.approx(math.log(81) * scale, rel=0.15)


def test_design_spends_exactly_the_budget_starting_with_the_coarse_grid():
    design = adaptive_design(SYNTHETIC, logistic_runner(0.3, 0.05, np.random.default_rng(1)))
    assert len(design.trials) == SYNTHETIC.budget == design.n_runs
    first = design.trials[:SYNTHETIC.grid * SYNTHETIC.replicates]
    assert sorted({t.x for t in first}) == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    later = [t.x for t in design.trials[len(first):]]
    assert min(later) > 0.1 and max(later) < 0.5  # refinement stays inside the transition
    replicates = {}
    for t in design.trials:  # replicate numbers count up from 0 at each point
        assert t.replicate == replicates.get(t.point, 0)
        replicates[t.point] = t.replicate + 1


def test_complete_separation_gives_a_finite_estimate_between_the_outcomes():
    spec = TippingSpec(low=0.0, high=0.6, budget=40, grid=7, replicates=2, batch=8)
    design = adaptive_design(spec, lambda trials: [float(t.x > 0.137) for t in trials])
    fit = design.fit()
    assert fit.separated
    assert fit.estimate == pytest.approx(0.137, abs=0.002)
    assert fit.ci_low < 0.137 < fit.ci_high and fit.ci_high - fit.ci_low < 0.01


def test_decreasing_outcome_gives_negative_slope_and_same_midpoint():
    x, n = [0.0, 0.1, 0.2, 0.3], [5, 5, 5, 5]
    up = fit_dose_response(x, n, [0, 1, 4, 5], 0.0, 0.3)
    down = fit_dose_response(x, n, [5, 4, 1, 0], 0.0, 0.3)
    assert up.estimate == pytest.approx(0.15, abs=1e-6) == down.estimate
    assert up.slope > 0 > down.slope and up.width == pytest.approx(down.width)
    assert up.ci_low == pytest.approx(down.ci_low, abs=1e-4)


def test_flat_data_leaves_the_interval_unbounded():
    fit = fit_dose_response([0.0, 0.5, 1.0], [10, 10, 10], [5, 4, 5], 0.0, 1.0)
    assert fit.ci_low is None or fit.ci_high is None
    assert fit.covers(-100.0) or fit.covers(100.0)


def test_design_stops_when_no_run_shows_the_outcome():
    design = adaptive_design(SYNTHETIC, lambda trials: [0.0] * len(trials))
    assert len(design.trials) == SYNTHETIC.grid * SYNTHETIC.replicates
    assert not design.transition_seen()
    with pytest.raises(ValueError, match="events and non-events"):
        design.fit()


def test_failed_runs_are_left_out_of_the_fit():
    design = Design(TippingSpec(low=0.0, high=1.0, grid=3, replicates=1))
    trials = design.propose()
    design.record(trials, [0.0, math.nan, 1.0])
    x, n, k = design.table()
    assert list(x) == [0.0, 1.0] and list(n) == [1, 1] and list(k) == [0.0, 1.0]
    assert design.n_runs == 2


@pytest.mark.parametrize("fixed_cost_share", [0.8, 0.9])
def test_pure_accounting_limit_gives_the_break_even_share(fixed_cost_share):
    params = ACCOUNTING | {"factory_fixed_cost_share": fixed_cost_share}
    spec = TippingSpec(low=0.0, high=0.3, budget=24, grid=7, replicates=1, batch=4)

    def run(trials: list[Trial]) -> list[float]:
        return [float(simulate(params | {"committed_share": t.x}, 8, seed=t.point * 100
                               + t.replicate)[1]["incumbent_fell"]) for t in trials]

    fit = adaptive_design(spec, run).fit()
    assert fit.estimate == pytest.approx(break_even_share(fixed_cost_share), abs=0.02)
    assert fit.covers(break_even_share(fixed_cost_share))
