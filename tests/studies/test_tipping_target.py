"""The estimator read at another target probability, and on a falling curve (a window's
far edge): synthetic data with known quantiles."""

import dataclasses

import numpy as np
import pytest
from scipy import special

from sim.experiments import scenarios
from sim.experiments.scenarios import ScenarioError
from sim.studies import tipping
from sim.studies.tipping import TippingPlan, Trial, adaptive_design, fit_dose_response

SPEC = TippingPlan(low=0.0, high=1.0, budget=160, grid=9, replicates=4, batch=24)


def runner(midpoint: float, scale: float, rng: np.random.Generator):
    """0/1 outcomes from ``expit((x - midpoint) / scale)``; a negative scale falls."""
    def run(trials: list[Trial]) -> np.ndarray:
        x = np.array([t.x for t in trials])
        return (rng.random(x.size) < special.expit((x - midpoint) / scale)).astype(float)
    return run


def quantile(midpoint: float, scale: float, p: float) -> float:
    return midpoint + scale * float(special.logit(p))


def test_fit_on_exact_proportions_reads_the_target_quantile():
    x = np.linspace(0.0, 1.0, 11)
    n = np.full(11, 100_000)
    k = np.round(n * special.expit((x - 0.5) / 0.1))
    fit = fit_dose_response(x, n, k, 0.0, 1.0, target=0.1)
    assert fit.estimate == pytest.approx(quantile(0.5, 0.1, 0.1), abs=2e-3)
    assert fit.ci_low < fit.estimate < fit.ci_high and fit.ci_high - fit.ci_low < 0.01
    assert fit.probability(fit.estimate) == pytest.approx(0.1)


@pytest.mark.parametrize("scale", [0.06, -0.06])  # rising and falling
def test_target_tenth_is_found_on_rising_and_falling_curves(scale):
    spec = dataclasses.replace(SPEC, target=0.1)
    truth = quantile(0.5, scale, 0.1)
    fits = [adaptive_design(spec, runner(0.5, scale, np.random.default_rng(seed))).fit()
            for seed in range(40)]
    assert all(np.sign(f.slope) == np.sign(scale) for f in fits)
    assert np.median([f.estimate for f in fits]) == pytest.approx(truth, abs=0.02)
    coverage = np.mean([f.covers(truth) for f in fits])
    assert coverage >= 0.85  # 40 data sets: 95% nominal, a wide margin for chance
    # the design's adaptive rounds move from the midpoint towards the target's quantile
    def later_mean(target: float) -> float:
        designs = [adaptive_design(dataclasses.replace(SPEC, target=target),
                                   runner(0.5, scale, np.random.default_rng(seed)))
                   for seed in range(10)]
        return float(np.mean([t.x for d in designs for t in d.trials[36:]]))
    assert later_mean(0.5) == pytest.approx(0.5, abs=0.03)
    assert later_mean(0.1) == pytest.approx(truth, abs=0.04)


def test_target_is_checked_in_the_tipping_table():
    scenario = scenarios.parse("steps = 5\n[tipping]\nlow = 0.0\nhigh = 0.5\ntarget = 1.5",
                               "t.toml")
    with pytest.raises(ScenarioError, match="t.toml: tipping.target: got 1.5, allowed: the "
                       "probability"):
        tipping.plan_from(scenario)
    ok = scenarios.parse("steps = 5\n[tipping]\nlow = 0.0\nhigh = 0.5\ntarget = 0.1", "t.toml")
    assert tipping.plan_from(ok).target == 0.1
