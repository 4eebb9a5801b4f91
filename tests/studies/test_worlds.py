"""The worlds study against known truth: PRIM finds a planted box, and in the pure-accounting
limit the worlds where 20% is supported are those whose break-even share lies within the
margin of 20%."""

import json
import math

import numpy as np
import pandas as pd
import pytest

from sim.experiments import scenarios
from sim.experiments.scenarios import ScenarioError
from sim.studies.verdict.decision import decide, median_interval
from sim.studies.worlds import discovery, plan, study
from sim.studies.worlds.measure import Budget, measure_world, summarize

TRUTH = {"factory_fixed_cost_share": (0.65, 0.75), "habit": (2.0, 3.0)}
TOLERANCE = 0.05  # a discovered side may lie this share of the parameter's range off the truth


def _synthetic(n: int = 300, seed: int = 1) -> tuple[pd.DataFrame, plan.WorldsPlan]:
    """Worlds over four plausible ranges whose tipping share is 20% (+-2 points) inside the
    TRUTH box and 50% outside it."""
    names = ["factory_fixed_cost_share", "habit", "platform_fee", "clustering"]
    worlds_plan = plan.WorldsPlan(ranges={k: plan.plausible()[k] for k in names}, n=n,
                                  peel_alpha=0.05, mass_min=0.05, min_coverage=0.8)
    _, worlds = worlds_plan.draw(seed)
    table = pd.DataFrame(worlds)
    inside = np.ones(n, bool)
    for name, (low, high) in TRUTH.items():
        inside &= table[name].between(low, high).to_numpy()
    share = np.where(inside, 0.20, 0.50)
    table["tipping_share_gross"] = share
    table["ci_low"], table["ci_high"] = share - 0.02, share + 0.02
    table["verdict"] = [decide(lo, hi, 0.2, 0.05)
                        for lo, hi in zip(table.ci_low, table.ci_high, strict=True)]
    table["p_fall_at_claim"] = inside.astype(float)
    table["p_fall_ci_low"], table["p_fall_ci_high"] = inside * 0.8, 0.2 + inside * 0.8
    table.insert(0, "world", range(n))
    table["runs"], table["runs_reached"] = 6, 6
    return table, worlds_plan


def test_prim_finds_the_planted_box_within_the_tolerance():
    table, worlds_plan = _synthetic()
    answers = study.answer(table, worlds_plan, seed=0)
    assert answers["verdicts"]["supported"]["worlds"] == (table.verdict == "supported").sum()
    box = answers["boxes"]["supported"][0]
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


def test_sensitivity_ranks_the_parameters_that_move_the_tipping_share_first():
    table, worlds_plan = _synthetic()
    answers = study.answer(table, worlds_plan, seed=0)
    ranking = answers["sensitivity"]["ranking"]
    assert set(ranking[:2]) == set(TRUTH)
    assert answers["sensitivity"]["estimator"] == "rbd_fast"


def test_decision_rule_and_median_interval():
    assert decide(0.16, 0.24, 0.2, 0.05) == "supported"
    assert decide(0.21, 0.6, 0.2, 0.05) == "excluded"
    assert decide(0.1, 0.3, 0.2, 0.05) == "inconclusive"
    assert decide(0.16, None, 0.2, 0.05) == "inconclusive"
    assert decide(0.17, 0.18, 0.2, 0.05) == "supported"  # within the margin, though not 20%
    assert median_interval([0.3, 0.1, 0.2, 0.5, 0.4, 0.6]) == (0.35, 0.1, 0.6)
    assert median_interval([0.1, 0.2, 0.3, 0.4, 0.5]) == (0.3, None, None)  # too few for 95%
    assert median_interval([0.1, 0.2, 0.3, math.inf, math.inf, math.inf]) == (None, 0.1, None)
    answer = summarize([{"tipping_reached": True, "tipping_share_gross": s, "probe_falls": f,
                         "probe_copies_made": 4} for s, f in ((0.2, 4), (0.22, 2), (0.18, 0),
                                                             (0.19, 4))],
                       Budget(runs=4, level=0.8))
    assert answer["verdict"] == "supported" and (answer["ci_low"], answer["ci_high"]) == (0.18,
                                                                                          0.22)
    assert answer["p_fall_at_claim"] == 10 / 16


ACCOUNTING = """
name = "worlds_accounting"
steps = 60
seed = 5
[params]
n_consumers = 200
consumer_switching = false
factory_pricing = "fixed"
factory_cash_reserve_weeks = 0.0
vendor_unit_cost = 1.0      # vendors list at the factory's price: gross share = volume share
vendor_markup = 0.0
platform_fee = 0.0
vendor_cost_spread = 0.0
vendor_fixed_cost = 0.0
vendor_idle_weeks = 520
vendor_min_stars = 1.0
initial_vendors = 40
[worlds]
n = 8
vary = ["factory_fixed_cost_share"]
runs = 3
copies = 2
every = 2
ramp = 0.02
horizon = 60
level = 0.7
margin = 0.05
"""


@pytest.mark.slow
def test_pure_accounting_worlds_supported_where_break_even_is_within_the_margin(tmp_path):
    scenario = scenarios.parse(ACCOUNTING, tmp_path / "worlds_accounting.toml")
    result = study.run_study(scenario, tmp_path / "out", workers=1, progress=False)
    table = pd.read_parquet(tmp_path / "out" / result["table"])
    assert len(table) == 8 and result["n_failed"] == 0
    ramp, slack = 0.02, 0.01
    for _, world in table.iterrows():
        s = 1.0 - world["factory_fixed_cost_share"]  # the break-even share
        assert s - slack <= world["ci_low"] <= world["ci_high"] <= s + ramp + slack
        if 0.15 + slack <= s <= 0.25 - ramp - slack:
            assert world["verdict"] == "supported", s
        elif abs(s - 0.2) > 0.05 + slack:
            assert world["verdict"] != "supported", s
        if s > 0.2 + ramp + slack:
            assert world["verdict"] == "excluded" and world["p_fall_at_claim"] == 0.0, s
        if s < 0.2 - ramp - slack:
            assert world["p_fall_at_claim"] == 1.0, s
    verdicts = set(table["verdict"])
    assert {"supported", "excluded"} <= verdicts  # both sides of the truth were tried
    stored = json.loads((tmp_path / "out" / "worlds.json").read_text())
    assert stored["table"] == "worlds.parquet"
    assert sum(v["worlds"] for v in stored["verdicts"].values()) == 8
    assert set(stored["boxes"]) == {"supported", "not_excluded"}
    first = table.iloc[0]  # the batch runner's answer is the one measure_world gives
    alone = measure_world({**scenario.params, "factory_fixed_cost_share":
                           first["factory_fixed_cost_share"]}, scenario.seed,
                          plan.plan_from(scenario).budget)
    assert alone["tipping_share_gross"] == first["tipping_share_gross"]
    assert alone["verdict"] == first["verdict"]


@pytest.mark.parametrize("table, message", [
    ("[worlds]\nn = 1", "worlds.n: got 1, allowed: a whole number of worlds, 2 to 100000"),
    ("[worlds]\nvary = ['n_consumers']", "worlds.vary: 'n_consumers' has no plausible range"),
    ("[worlds]\nrun = 3", "worlds.run: unknown key (did you mean 'runs'?)"),
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
