"""The worlds study against known truth: PRIM finds a planted box, the answers across worlds
count what the table holds, sensitivity ranks what moves them, and bad tables are refused
(the end-to-end cases on tiny worlds are in ``test_worlds_cases.py``)."""

import numpy as np
import pandas as pd
import pytest

from sim.experiments import scenarios
from sim.experiments.scenario_tables import defaults_of
from sim.experiments.scenarios import ScenarioError
from sim.studies.fork_study import SETTINGS as FORK_SETTINGS
from sim.studies.verdict.decision import decide, median_interval
from sim.studies.worlds import discovery, plan, study

TRUTH = {"factory_fixed_cost_share": (0.65, 0.75), "habit": (2.0, 3.0)}
TOLERANCE = 0.05  # a discovered side may lie this share of the parameter's range off the truth


def _synthetic(n: int = 300, seed: int = 1) -> tuple[pd.DataFrame, plan.WorldsPlan]:
    """Worlds over four plausible ranges: platform-dominant where fixed costs exceed 0.8 of
    contribution, else threshold worlds whose tipping share is 20% (+-2 points) inside the
    TRUTH box and 50% outside it."""
    names = ["factory_fixed_cost_share", "habit", "platform_fee", "clustering"]
    worlds_plan = plan.WorldsPlan(ranges={k: plan.plausible()[k] for k in names}, n=n,
                                  peel_alpha=0.05, mass_min=0.05, min_coverage=0.8,
                                  forks={**defaults_of(FORK_SETTINGS), "runs": 6, "ramp": 0.006,
                                         "committed_share": 0.0})
    _, worlds = worlds_plan.draw(seed)
    table = pd.DataFrame(worlds)
    inside = np.ones(n, bool)
    for name, (low, high) in TRUTH.items():
        inside &= table[name].between(low, high).to_numpy()
    dominant = (table["factory_fixed_cost_share"] > 0.8).to_numpy()
    table["regime"] = np.where(dominant, "platform-dominant", "threshold")
    share = np.where(inside, 0.20, 0.50)
    table["tipping_share_gross"] = np.where(dominant, np.nan, share)
    table["ci_low"] = table["tipping_share_gross"] - 0.02
    table["ci_high"] = table["tipping_share_gross"] + 0.02
    table["verdict"] = [decide(lo, hi, 0.2, 0.05) if r == "threshold" else r
                        for lo, hi, r in zip(table.ci_low, table.ci_high, table.regime,
                                             strict=True)]
    table["p_fall_at_claim"] = np.where(dominant | inside, 1.0, 0.25)
    table["p_fall_ci_low"], table["p_fall_ci_high"] = table["p_fall_at_claim"] * 0.5, 1.0
    for years, value in ((2, 0.05), (5, 0.1), (10, 0.2)):
        table[f"natural_share_{years}y"] = value + 0.5 * dominant + 0.1 * table["clustering"]
    table["natural_fall_week"] = np.where(dominant, 200.0, np.nan)
    table.insert(0, "world", range(n))
    return table, worlds_plan


def test_prim_finds_the_planted_box_within_the_tolerance():
    table, worlds_plan = _synthetic()
    answers = study.answer(table, worlds_plan, seed=0)
    box = answers["boxes"]["supported"]["boxes"][0]
    limits = {r["parameter"]: (r["low"], r["high"]) for r in box["restrictions"]}
    assert set(limits) == set(TRUTH)  # the noise parameters are left free
    for name, (t_low, t_high) in TRUTH.items():
        low0, high0 = worlds_plan.ranges[name]
        low, high = limits[name]
        width = high0 - low0
        assert abs((low if low is not None else low0) - t_low) <= TOLERANCE * width, name
        assert abs((high if high is not None else high0) - t_high) <= TOLERANCE * width, name
    assert box["density"] >= 0.9 and box["coverage"] >= 0.8
    assert box["sentence"].startswith(f"20% is supported in {box['density']:.0%} of the worlds")
    assert "habit is at most" in box["sentence"]
    threshold = answers["boxes"]["threshold"]["boxes"][0]
    assert [r["parameter"] for r in threshold["restrictions"]] == ["factory_fixed_cost_share"]
    assert abs(threshold["restrictions"][0]["high"] - 0.8) <= TOLERANCE * 0.3
    assert threshold["restrictions"][0]["low"] is None


def test_answers_count_regimes_verdicts_and_the_predictive_reading_from_the_table():
    table, worlds_plan = _synthetic()
    answers = study.answer(table, worlds_plan, seed=0)
    dominant = int((table["regime"] == "platform-dominant").sum())
    threshold = table[table["regime"] == "threshold"]
    assert answers["regimes"]["platform-dominant"]["worlds"] == dominant
    assert answers["regimes"]["threshold"]["worlds"] == len(threshold) == 300 - dominant
    assert answers["regimes"]["incumbent-stable"] == {"worlds": 0, "share": 0.0, "ci_low": 0.0,
                                                      "ci_high": pytest.approx(
                                                          answers["regimes"]["incumbent-stable"]
                                                          ["ci_high"])}
    assert answers["regimes"]["incumbent-stable"]["ci_high"] < 0.02
    supported = int((threshold["verdict"] == "supported").sum())
    assert answers["verdicts"]["supported"]["worlds"] == supported
    assert answers["verdicts"]["excluded"]["worlds"] == len(threshold) - supported
    assert answers["verdicts"]["supported"]["share"] == supported / len(threshold)
    assert answers["tipping_share_gross"]["worlds"] == len(threshold)
    assert answers["tipping_share_gross"]["at_most_claim"] == supported / len(threshold)
    p = answers["predictive"]
    assert p["at_least_half"] == dominant + supported and p["worlds"] == 300
    assert p["by_regime"]["platform-dominant"]["share"] == 1.0
    assert p["by_regime"]["threshold"]["at_least_half"] == supported


def test_sensitivity_ranks_the_parameters_that_move_each_answer_first_with_intervals():
    table, worlds_plan = _synthetic()
    answers = study.answer(table, worlds_plan, seed=0)
    tipping = answers["sensitivity"]["tipping_share_gross"]
    assert set(tipping["ranking"][:2]) == set(TRUTH)
    assert tipping["estimator"] == "rbd_fast" and tipping["worlds"] == (
        table["regime"] == "threshold").sum()
    assert all(v["S1_conf"] is not None and v["S1_conf"] > 0
               for v in tipping["indices"].values())
    natural = answers["sensitivity"]["natural_share_5y"]
    assert natural["worlds"] == 300
    assert natural["ranking"][0] == "factory_fixed_cost_share"
    every = answers["sensitivity"]["tipping_share_every_world"]  # 0 in dominant worlds
    assert every["worlds"] == 300 and every["ranking"][0] == "factory_fixed_cost_share"
    dominant = answers["sensitivity"]["platform_dominant"]  # fixed costs above 0.8 decide it
    assert dominant["worlds"] == 300 and dominant["ranking"][0] == "factory_fixed_cost_share"
    first = dominant["indices"]["factory_fixed_cost_share"]["S1"]
    assert first > 0.5 and all(v["S1"] < 0.1 for k, v in dominant["indices"].items()
                               if k != "factory_fixed_cost_share")


def test_decision_rule_and_median_interval():
    assert decide(0.16, 0.24, 0.2, 0.05) == "supported"
    assert decide(0.21, 0.6, 0.2, 0.05) == "inconclusive"  # the margin is symmetric
    assert decide(0.26, 0.6, 0.2, 0.05) == "excluded"
    assert decide(0.1, 0.3, 0.2, 0.05) == "inconclusive"
    assert decide(0.16, None, 0.2, 0.05) == "inconclusive"
    assert decide(0.17, 0.18, 0.2, 0.05) == "supported"  # within the margin, though not 20%
    assert median_interval([0.3, 0.1, 0.2, 0.5, 0.4, 0.6]) == (0.35, 0.1, 0.6)
    assert median_interval([0.1, 0.2, 0.3, 0.4, 0.5]) == (0.3, None, None)  # too few for 95%


@pytest.mark.parametrize("table, message", [
    ("[worlds]\nn = 1", "worlds.n: got 1, allowed: a whole number of worlds, 2 to 100000"),
    ("[worlds]\nvary = ['n_consumers']", "worlds.vary: 'n_consumers' has no plausible range"),
    ("[worlds]\nregime_run = 3", "worlds.regime_run: unknown key (did you mean "
     "'regime_runs'?)"),
    ("steps = 100\n[worlds]\nwindow = 200", "worlds.window: got 200, allowed: a whole number "
     "of weeks (the predictive window), 1 to steps (100)"),
    ("[worlds]\nmethod = 'grid'", "worlds.method: got 'grid', allowed: one of \"lhs\""),
    ("[params]\nhabit = 3.0\n[worlds]\nvary = ['habit']", "worlds.vary: 'habit' is also set"),
    ("", "worlds: missing; a worlds study needs a [worlds] table"),
])
def test_bad_worlds_tables_name_the_key_and_what_is_allowed(table, message):
    scenario = scenarios.parse(table, "w.toml")
    with pytest.raises(ScenarioError) as error:
        plan.plan_from(scenario)
    assert str(error.value).startswith(f"w.toml: {message}")


def test_worlds_are_drawn_from_the_declared_ranges_and_the_root_seed():
    scenario = scenarios.parse("[worlds]\nn = 16\nmethod = 'sobol'", "w.toml")
    worlds_plan = plan.plan_from(scenario)
    assert worlds_plan.ranges == plan.plausible()
    units, worlds = worlds_plan.draw(7)
    assert units.shape == (16, len(plan.plausible()))
    for name, (low, high) in worlds_plan.ranges.items():
        values = [w[name] for w in worlds]
        assert min(values) >= low and max(values) <= high
        assert type(values[0]) is type(low)
    assert worlds_plan.draw(7)[1] == worlds and worlds_plan.draw(8)[1] != worlds


def test_sentences_name_each_restriction_in_words():
    box = {"n": 16, "k": 13, "total": 20, "coverage": 0.65, "density": 13 / 16,
           "restrictions": [{"parameter": "factory_fixed_cost_share", "low": 0.74, "high": None},
                            {"parameter": "habit", "low": None, "high": 4.0}]}
    assert discovery.sentence(box, "20% holds") == (
        "20% holds in 81% of the worlds (13 of 16) where fixed costs are at least 0.74 of "
        "contribution and habit is at most 4; these hold 65% of the 20 worlds where it is so.")


def test_prim_boxes_restrict_few_parameters_and_carry_quasi_p_values():
    # 128 worlds over 40 parameters where the worlds of interest are a box in 2 of them:
    # the box found restricts at most MAX_RESTRICTIONS parameters, the two true ones among
    # them with quasi-p values far below SIGNIFICANT
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.random((128, 40)), columns=[f"p{i}" for i in range(40)])
    y = ((x["p0"] < 0.5) & (x["p1"] > 0.3)).to_numpy()
    (box, *_) = discovery.boxes(x, y, "Of interest", 0.1, 0.05, 0.8)
    restricted = {r["parameter"]: r for r in box["restrictions"]}
    assert len(restricted) <= discovery.MAX_RESTRICTIONS
    assert {"p0", "p1"} <= set(restricted)
    assert restricted["p0"]["qp"] < 1e-6 and restricted["p1"]["qp"] < 1e-3
    assert box["density"] >= 0.9 and box["coverage"] >= 0.8
    weak = {"parameter": "p7", "low": 0.2, "high": None, "qp": 0.31}
    assert discovery._restriction(weak) == "`p7` is at least 0.2 (quasi-p 0.31: weak)"


def test_the_rank_screen_clears_the_parameter_that_decides_and_no_noise():
    table, worlds_plan = _synthetic()
    screen = study.answer(table, worlds_plan, seed=0)["screen"]
    dominant = screen["platform_dominant"]  # planted: fixed costs above 0.8, nothing else
    assert dominant["worlds"] == 300 and dominant["clear"] == ["factory_fixed_cost_share"]
    top = dominant["parameters"][0]
    assert top["parameter"] == "factory_fixed_cost_share" and top["rho"] > 0.5
    assert top["q"] < 1e-10 and all(r["q"] > 0.05 for r in dominant["parameters"][1:])
    every = screen["tipping_share_every_world"]  # 0 where dominant: fixed costs lead
    assert every["worlds"] == 300 and every["clear"][0] == "factory_fixed_cost_share"
    assert set(every["clear"]) <= {"factory_fixed_cost_share", *TRUTH}
    tipping = screen["tipping_share_gross"]  # 20% inside the box of two, 50% outside
    assert set(tipping["clear"]) == set(TRUTH)
    assert tipping["worlds"] == int((table["regime"] == "threshold").sum())
