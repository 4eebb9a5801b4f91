"""The verdict: its decision rule, its intervals, the shape check, the horizons, the fork
experiment, and the pure-accounting limit where every answer is known in advance."""

import json
import math

import numpy as np
import pandas as pd
import pytest

from sim.experiments import scenarios, storage
from sim.model.registry import MODELS, resolve_params
from sim.model.rules import economics
from sim.studies.verdict import decision, horizons, shape
from sim.studies.verdict.study import run_study

ACCOUNTING = {"consumer_switching": False, "factory_pricing": "fixed",
              "factory_cash_reserve_weeks": 0.0, "factory_cost_cut_rate": 0.0,
              "n_consumers": 400, "vendor_capacity": 1000.0, "vendor_cost_spread": 0.0}


def test_decide_supports_only_an_interval_inside_the_margin():
    assert decision.decide(0.17, 0.23, 0.20, 0.05) == "supported"
    assert decision.decide(0.201, 0.204, 0.20, 0.05) == "supported"  # narrow, near 20%
    assert decision.decide(0.14, 0.23, 0.20, 0.05) == "inconclusive"  # wider than the margin
    # the margin is symmetric: excluded only when the whole interval lies outside the band
    assert decision.decide(0.21, 0.26, 0.20, 0.05) == "inconclusive"
    assert decision.decide(0.05, 0.19, 0.20, 0.05) == "inconclusive"
    assert decision.decide(0.208, 0.325, 0.20, 0.05) == "inconclusive"
    assert decision.decide(0.26, 0.31, 0.20, 0.05) == "excluded"
    assert decision.decide(0.05, 0.149, 0.20, 0.05) == "excluded"
    assert decision.decide(None, 0.24, 0.20, 0.05) == "inconclusive"  # open side holds 20%
    assert decision.decide(0.30, None, 0.20, 0.05) == "excluded"  # open, but 20% is below
    assert decision.decide(0.19, 0.21, 0.20, 0.05, flat=True) == "inconclusive"


def test_median_interval_uses_the_order_statistics_of_the_binomial():
    values = np.arange(1.0, 11.0)  # n = 10: (x_2, x_9) covers 1 - 2 (11 / 1024) = 97.9%
    assert decision.median_interval(values) == (5.5, 2.0, 9.0)
    values = np.arange(1.0, 21.0)  # n = 20: (x_6, x_15) covers 95.9%
    assert decision.median_interval(values) == (10.5, 6.0, 15.0)
    assert decision.median_interval([0.2, 0.3, math.inf, math.inf]) == (None, None, None)
    median, low, high = decision.median_interval([*np.arange(1.0, 15.0), *[math.inf] * 6])
    assert (median, low, high) == (10.5, 6.0, None)


def test_is_flat_on_a_trend_and_on_noise():
    x = np.linspace(0, 0.4, 9)
    assert not decision.is_flat(x, np.full(9, 8), np.array([0, 0, 0, 1, 4, 7, 8, 8, 8]))
    assert decision.is_flat(x, np.full(9, 8), np.array([4, 3, 5, 4, 4, 3, 5, 4, 4]))


def test_isotonic_pools_adjacent_violators_and_reads_the_crossing():
    fitted = shape.isotonic(np.array([0.0, 0.5, 0.25, 1.0]), np.array([1.0, 1.0, 1.0, 1.0]))
    assert np.allclose(fitted, [0.0, 0.375, 0.375, 1.0])
    assert shape.crossing(np.array([0.0, 0.1, 0.2]), np.array([0.0, 0.25, 0.75])) == \
        pytest.approx(0.15)
    iso = shape.isotonic_crossing([0.1, 0.2, 0.3, 0.4], [4, 4, 4, 4], [0, 0, 4, 4], boot=50)
    assert iso["estimate"] == pytest.approx(0.25)
    assert iso["ci_low"] <= 0.2 and iso["ci_high"] >= 0.3  # spans the bracketing points


def test_shapes_that_disagree_use_the_wider_interval():
    agree = shape.compare((0.18, 0.22), (0.19, 0.30))
    assert agree["agree"] and (agree["ci_low"], agree["ci_high"]) == (0.18, 0.22)
    apart = shape.compare((0.18, 0.22), (0.25, 0.40))
    assert not apart["agree"] and apart["used"] == "isotonic"
    assert (apart["ci_low"], apart["ci_high"]) == (0.25, 0.40)


def test_kaplan_meier_with_censoring_at_the_horizon():
    curve = horizons.kaplan_meier([10, 20, 20, np.nan], horizon=52)
    assert curve["week"] == [0.0, 10.0, 20.0]
    assert np.allclose(curve["survival"], [1.0, 0.75, 0.25])
    runs = pd.DataFrame({"committed_share": [0.1] * 4 + [0.3] * 4,
                         "fall_step": pd.array([None, None, None, 300, 40, 60, 90, 100],
                                               dtype="Int64")})
    rows = horizons.by_horizon(runs, "committed_share", [52, 520], 0.0, 0.4)
    assert [r["falls"] for r in rows] == [1, 5]


def derived_gross_share(x: float, params: dict) -> float:
    """The platform's share of the gross with committed share ``x`` and every committed
    buyer served: x p_v / (x p_v + (1 - x) q p_f), q the chance of buying at all."""
    p_v = economics.vendor_price(params["vendor_unit_cost"], params["vendor_markup"],
                                 params["platform_fee"])
    q = economics.factory_choice_probability(
        params["factory_price"], params["factory_quality"], params["factory_advertising"],
        params["beta_quality"], params["beta_price"])
    return x * p_v / (x * p_v + (1 - x) * q * params["factory_price"])


@pytest.mark.parametrize(("reserve", "intervention", "found_by"),
                         [(0.0, "release", "fall"), (0.05, "hold", "forks")])
def test_fork_tipping_share_is_the_break_even_gross_share_in_the_accounting_limit(
        reserve, intervention, found_by):
    # committed consumers rise by a quarter point a week from 19%; with no reserve the first
    # week past break-even is the fall itself. With a small reserve and the push held at its
    # level, the copies made just past break-even fall later, while the run falls only weeks
    # afterwards; released, the copies would all recover (their consumers go back)
    step = 0.0025
    params = resolve_params("trust_market_forks", {
        **ACCOUNTING, "committed_share": 0.19, "factory_fixed_cost_share": 0.8,
        "factory_cash_reserve_weeks": reserve, "fork_every": 1, "fork_copies": 2,
        "fork_ramp": step, "fork_intervention": intervention})
    _, out = MODELS["trust_market_forks"](params, 60, 4)
    break_even = economics.break_even_share(params["factory_fixed_cost_share"])
    expected = derived_gross_share(break_even, params)
    # copies stop once half of the 2 have fallen: the first copy decides
    assert out["tipping_by"] == found_by
    assert (out["fork_falls"], out["fork_runs"]) == ((1, 1) if found_by == "forks" else (2, 2))
    assert out["tipping_step"] < out["fall_step"] if found_by == "forks" else \
        out["tipping_step"] == out["fall_step"]
    gap = derived_gross_share(break_even + step, params) - expected
    assert expected - 1e-3 <= out["tipping_share_gross"] <= expected + gap + 1e-3
    assert out["share_before"] < out["tipping_share_gross"]


def test_released_copies_recover_in_the_accounting_limit_with_a_reserve():
    # no switching: released, the committed consumers go back to the factory, whose profit
    # turns positive again before its reserve runs out, so only the fall itself is a point
    params = resolve_params("trust_market_forks", {
        **ACCOUNTING, "committed_share": 0.19, "factory_fixed_cost_share": 0.8,
        "factory_cash_reserve_weeks": 0.05, "fork_every": 1, "fork_copies": 2,
        "fork_ramp": 0.0025})
    _, out = MODELS["trust_market_forks"](params, 60, 4)
    assert out["tipping_by"] == "fall" and out["tipping_step"] == out["fall_step"]
    checked = [c for c in json.loads(out["checkpoints"]) if c[2] is not None]
    assert checked and all(c[2] == 0 for c in checked)  # no released copy fell


def test_fork_runs_are_reproducible_from_the_seed():
    params = resolve_params("trust_market_forks", {"n_consumers": 300, "committed_share": 0.3,
                                                   "fork_every": 13, "fork_copies": 2,
                                                   "factory_cash_reserve_weeks": 4.0})
    series_a, a = MODELS["trust_market_forks"](params, 104, 11)
    series_b, b = MODELS["trust_market_forks"](params, 104, 11)
    assert a == b and series_a.equals(series_b)
    assert json.loads(a["checkpoints"])[0][0] == 13


def _verdict(tmp_path, name: str, params: dict, tipping: str, steps: int = 4) -> dict:
    text = "\n".join([f'name = "{name}"', f"steps = {steps}", "seed = 3", "[params]",
                      *[f"{k} = {json.dumps(v)}" for k, v in params.items()],
                      "[tipping]", tipping, "[forks]", "every = 1", "copies = 2", "runs = 2",
                      "[verdict]", "boot = 100"])
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    return run_study(scenarios.load(path), tmp_path / name, workers=1, progress=False)


DOSE = "low = 0.0\nhigh = 0.5\ngrid = 6\nreplicates = 2\nbatch = 8\nbudget = 44"


@pytest.mark.parametrize(("fixed_cost_share", "verdict"), [(0.8, "supported"),
                                                           (0.62, "excluded")])
def test_accounting_limit_verdict_on_the_break_even_share(tmp_path, fixed_cost_share, verdict):
    result = _verdict(tmp_path, "accounting", {**ACCOUNTING,
                                               "factory_fixed_cost_share": fixed_cost_share},
                      DOSE)
    s_star = result["arms"]["full"]["s_star"]
    assert abs(s_star["estimate"] - (1 - fixed_cost_share)) < 0.02
    assert s_star["verdict"] == verdict


def test_a_variable_that_does_not_move_the_outcome_is_inconclusive(tmp_path):
    params = {**ACCOUNTING, "factory_fixed_cost_share": 0.8, "committed_share": 0.2,
              "need_rate": 0.5}  # at break-even, so the fall is a coin toss
    result = _verdict(tmp_path, "flat", params, 'variable = "hop_discount"\nlow = 0.0\n'
                      "high = 1.0\nclaim = 0.2\ngrid = 5\nreplicates = 6\nbatch = 10\n"
                      "budget = 30", steps=1)
    s_star = result["arms"]["full"]["s_star"]
    assert s_star["flat"] and s_star["verdict"] == "inconclusive"


def test_the_verdict_report_and_figures_come_from_the_stored_results(tmp_path):
    from sim.outputs.figures import Result
    from sim.outputs.figures.fork_fall import fork_fall
    from sim.outputs.figures.survival import survival
    from sim.outputs.verdict_report import verdict_lines, verdict_report

    result = _verdict(tmp_path, "accounting", {**ACCOUNTING, "factory_fixed_cost_share": 0.8},
                      DOSE)
    lines = verdict_lines(result)
    assert lines[0].startswith("REGIME: THRESHOLD: ")
    assert lines[1].startswith("VERDICT on the claim that the incumbent falls once the platform "
                               "holds 20% of the gross (band 15% to 25%): ")
    assert any(line.startswith("- The horizon: ") for line in lines)
    assert "a fixed price; a cash reserve of 0 weeks" in lines[-1]
    assert "## The arms" in verdict_report(result)
    stored = Result(tmp_path / "accounting")
    plot = survival(stored)
    steps = [line for line in plot.figure.axes[0].get_lines()
             if line.get_drawstyle().startswith("steps")]
    assert len(steps) == len(result["survival"]) == len(result["design"])
    forks = storage.load_runs(tmp_path / "accounting" / "forks" / "full")
    probed = sum(c[2] is not None for text in forks["checkpoints"] for c in json.loads(text))
    drawn = fork_fall(stored)
    shown = sum(len(c.lines[0].get_xdata()) for c in drawn.figure.axes[0].containers)
    assert shown == probed > 0 and drawn.n_runs == 2


HEADLINE = "\n".join(["low = 0.0", "high = 0.6", "grid = 4", "replicates = 1", "batch = 4",
                      "budget = 4"])


@pytest.mark.parametrize(("fixed_cost_share", "verdict"), [(0.8, "supported"),
                                                           (0.6, "excluded")])
def test_the_headline_path_finds_the_break_even_in_the_accounting_limit(
        tmp_path, fixed_cost_share, verdict):
    # fixed price, no reserve, no switching: the factory falls the week it has lost its
    # break-even share 1 - F/C0 of its volume; released copies recover, so each run's point
    # of no return is its fall, and the verdict follows from the break-even's gross share
    params = {**ACCOUNTING, "factory_fixed_cost_share": fixed_cost_share}
    text = "\n".join(['name = "headline"', "steps = 90", "seed = 5", "[params]",
                      *[f"{k} = {json.dumps(v)}" for k, v in params.items()],
                      "[tipping]", HEADLINE, "[forks]", "every = 1", "copies = 2", "runs = 8",
                      "ramp = 0.005", "committed_share = 0.1", 'interventions = ["release"]',
                      "[verdict]", "boot = 100", "regime_runs = 2"])
    path = tmp_path / "headline.toml"
    path.write_text(text)
    result = run_study(scenarios.load(path), tmp_path / "out", workers=1, progress=False)
    assert result["regime"]["regime"] == "threshold"
    assert result["regime"]["natural"]["falls"] == 0
    assert result["regime"]["pushed"]["falls"] == 2
    tip = result["tipping_share_gross"]
    assert tip["runs"] == 8 and tip["reached"] == 8 and tip["by"] == ["fall"] * 8
    resolved = resolve_params("trust_market", params)
    expected = derived_gross_share(1 - fixed_cost_share, resolved)
    assert tip["ci_low"] <= expected + 0.01 and expected - 0.01 <= tip["ci_high"]
    assert abs(tip["estimate"] - expected) < 0.02
    assert result["verdict"] == verdict
