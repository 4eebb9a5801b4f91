"""The tipping estimator: synthetic dose-response data with a known midpoint, complete
separation, and the pure-accounting limit of the trust market."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import special

from sim.cli.main import main
from sim.experiments import scenarios
from sim.experiments.scenarios import ScenarioError
from sim.model.rules.economics import break_even_share
from sim.model.simulate import simulate
from sim.outputs import report
from sim.studies import tipping
from sim.studies.tipping import (
    Design,
    TippingPlan,
    Trial,
    adaptive_design,
    fit_dose_response,
)

SYNTHETIC = TippingPlan(low=0.0, high=0.6, budget=120, grid=7, replicates=4, batch=24)
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
    # the fitted curve's pointwise band covers the true chance about as often, wherever
    for x in (midpoint - scale, midpoint, midpoint + 2 * scale):
        truth = special.expit((x - midpoint) / scale)
        bands = np.array([f.band(x) for f in fits])
        assert 0.90 <= np.mean((bands[:, 0] <= truth) & (truth <= bands[:, 1])) <= 0.99


def test_covariance_is_the_inverse_information_on_the_x_scale():
    x = np.linspace(0.1, 0.5, 9)
    n = np.full(9, 4000)
    k = np.round(n * special.expit((x - 0.3) / 0.05)).astype(int)
    fit = fit_dose_response(x, n, k, low=0.0, high=0.6)

    def loglik(beta):
        eta = beta[0] + beta[1] * x
        return (k * special.log_expit(eta) + (n - k) * special.log_expit(-eta)).sum()

    beta, h = np.array([fit.intercept, fit.slope]), 1e-4
    hessian = np.array([[(loglik(beta + h * (e_i + e_j)) - loglik(beta + h * (e_i - e_j))
                          - loglik(beta - h * (e_i - e_j)) + loglik(beta - h * (e_i + e_j)))
                         / (4 * h * h) for e_j in np.eye(2)] for e_i in np.eye(2)])
    np.testing.assert_allclose(fit.covariance, np.linalg.inv(-hessian), rtol=0.01)
    low, high = fit.band(0.3)
    se = math.sqrt(fit.covariance[0][0] + 0.6 * fit.covariance[0][1]
                   + 0.09 * fit.covariance[1][1])
    eta = fit.intercept + fit.slope * 0.3
    assert (low, high) == pytest.approx((special.expit(eta - 1.959964 * se),
                                         special.expit(eta + 1.959964 * se)), rel=1e-5)


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
    plan = TippingPlan(low=0.0, high=0.6, budget=40, grid=7, replicates=2, batch=8)
    design = adaptive_design(plan, lambda trials: [float(t.x > 0.137) for t in trials])
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
    design = Design(TippingPlan(low=0.0, high=1.0, grid=3, replicates=1))
    trials = design.propose()
    design.record(trials, [0.0, math.nan, 1.0])
    x, n, k = design.table()
    assert list(x) == [0.0, 1.0] and list(n) == [1, 1] and list(k) == [0.0, 1.0]
    assert design.n_runs == 2


@pytest.mark.parametrize("fixed_cost_share", [0.8, 0.9])
def test_pure_accounting_limit_gives_the_break_even_share(fixed_cost_share):
    params = ACCOUNTING | {"factory_fixed_cost_share": fixed_cost_share}
    plan = TippingPlan(low=0.0, high=0.3, budget=24, grid=7, replicates=1, batch=4)

    def run(trials: list[Trial]) -> list[float]:
        return [float(simulate(params | {"committed_share": t.x}, 8, seed=t.point * 100
                               + t.replicate)[1]["incumbent_fell"]) for t in trials]

    fit = adaptive_design(plan, run).fit()
    assert fit.estimate == pytest.approx(break_even_share(fixed_cost_share), abs=0.02)
    assert fit.covers(break_even_share(fixed_cost_share))


def scenario_with(table: str, extra: str = "") -> scenarios.Scenario:
    return scenarios.parse(f"steps = 5\n{extra}\n[tipping]\n{table}", "t.toml")


@pytest.mark.parametrize(("table", "extra", "message"), [
    ("low = 0.0", "", "t.toml: tipping.high: missing"),
    ("low = 0.0\nhigh = 0.5\nbudjet = 10", "", "t.toml: tipping.budjet: unknown key (did you "
     "mean 'budget'?)"),
    ("low = 0.3\nhigh = 0.1", "", "t.toml: tipping.high: got 0.1, allowed: a number above low"),
    ("low = 0.0\nhigh = 1.5", "", "t.toml: tipping.high: parameter 'committed_share': got 1.5"),
    ("low = 0.0\nhigh = 0.5\nvariable = 'strong_tie'", "",
     "t.toml: tipping.variable: unknown parameter 'strong_tie' (did you mean 'strong_ties'?)"),
    ("low = 1.0\nhigh = 5.0\nvariable = 'referral_hops'", "",
     "t.toml: tipping.variable: 'referral_hops' is not a number parameter"),
    ("low = 0.0\nhigh = 0.5\noutcome = 'fall_step'", "",
     "t.toml: tipping.outcome: got 'fall_step', allowed: one of incumbent_fell"),
    ("low = 0.0\nhigh = 0.5\nbudget = 10", "",
     "t.toml: tipping.budget: got 10, allowed: a whole number of runs per point, at least "
     "grid x replicates (28)"),
    ("low = 0.0\nhigh = 0.5", "[params]\ncommitted_share = 0.1",
     "t.toml: tipping.variable: 'committed_share' is also set in [params]"),
])
def test_tipping_table_errors_name_the_file_and_key(table, extra, message):
    with pytest.raises(ScenarioError) as error:
        tipping.plan_from(scenario_with(table, extra))
    assert str(error.value).startswith(message)


def test_tipping_command_writes_json_and_report_and_resumes(tmp_path, capsys):
    path = tmp_path / "limit.toml"
    path.write_text("""
name = "limit"
steps = 4
seed = 5
[params]
consumer_switching = false
factory_pricing = "fixed"
factory_cash_reserve_weeks = 0.0
factory_fixed_cost_share = 0.75
n_consumers = 2000
strong_ties = 4.0
weak_ties = 4.0
[tipping]
low = 0.0
high = 0.5
grid = 6
replicates = 1
batch = 4
budget = 14
[snapshots]
at = [2, 4]
params = { n_consumers = 120, committed_share = 0.3 }
""")
    out = tmp_path / "out"
    assert main(["tipping", str(path), "--out", str(out), "--workers", "2",
                 "--no-progress"]) == 0
    first = json.loads((out / "tipping.json").read_text())
    assert first["n_runs"] == 14 and first["n_failed"] == 0
    assert first["estimate"] == pytest.approx(0.25, abs=0.02)
    assert first["break_even_share"] == pytest.approx(0.25)
    assert first["claim_inside_ci"] is False and first["variable"] == "committed_share"
    report = (out / "report.md").read_text()
    # 25% is the band's edge: an interval around it lies across the edge, so the symmetric
    # margin rule cannot exclude 20%
    assert first["verdict"] == "inconclusive" and first["margin"] == 0.05
    assert "## Verdict" in report and \
        "Verdict on the claimed 20% (margin +-5 points): inconclusive." in report
    printed = capsys.readouterr().out  # the study's log lines too, bare, on stdout
    assert "Verdict on the claimed 20% (margin +-5 points): inconclusive." in printed
    assert "\nRound 1: 6 runs at committed_share = 0 to 0.5 (0 done so far)\n" in printed
    assert "\nNetwork snapshots: one run of 120 consumers, weeks 2, 4 ...\n" in printed
    assert main(["tipping", str(path), "--out", str(out), "--no-progress"]) == 0
    again = json.loads((out / "tipping.json").read_text())
    assert again["estimate"] == first["estimate"] and again["n_runs"] == 14
    # the [snapshots] run: its network once, with each consumer's choice at weeks 2 and 4
    nodes = pd.read_parquet(out / "network" / "nodes.parquet")
    assert nodes.shape[0] == 2 * 120 and sorted(nodes["step"].unique()) == [2, 4]
    assert nodes.groupby("step")["committed"].sum().tolist() == [36, 36]
    meta = json.loads((out / "network" / "snapshot.json").read_text())
    assert meta["seed"] == 5 and meta["params"]["factory_fixed_cost_share"] == 0.75
    assert "Network snapshots" not in capsys.readouterr().out  # the rerun kept them


def test_tipping_command_rejects_a_bad_table_with_exit_status_2(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text("[tipping]\nlow = 0.0\n")
    assert main(["tipping", str(path)]) == 2
    assert capsys.readouterr().err.strip() == f"error: {path}: tipping.high: missing; allowed: " \
        "a number above low: the highest value of the variable"


def test_a_perfectly_flat_fit_has_no_midpoint_and_an_unbounded_interval():
    fit = fit_dose_response([0.0, 0.5, 1.0], [4, 4, 4], [2, 2, 2], 0.0, 1.0)
    assert fit.slope == 0.0 and math.isnan(fit.estimate) and math.isinf(fit.width)
    assert fit.ci_low is None and fit.ci_high is None


ESTIMATE = {"variable": "committed_share", "outcome": "incumbent_fell", "low": 0.0,
            "high": 0.4, "claim": 0.2, "level": 0.95, "n_runs": 120, "estimate": 0.123,
            "ci_low": 0.115, "ci_high": 0.134, "width": 0.076, "claim_inside_ci": False,
            "margin": 0.05, "verdict": "excluded",
            "break_even_share": 0.2, "transition": "inside"}


def test_verdict_states_estimate_interval_claim_and_break_even_in_words():
    text = report.verdict(ESTIMATE, 520)
    assert "s* = 12.3% (95% interval 11.5% to 13.4%, 120 runs)" in text
    assert "Verdict on the claimed 20% (margin +-5 points): excluded." in text
    assert "break-even share for the same cost structure is 20.0%; s* is 7.7 points below" \
        in text
    never = ESTIMATE | {"estimate": None, "transition": "above", "ci_low": 0.4,
                        "ci_high": None}
    assert "in none of them: s* is above the range studied" in report.verdict(never, 520)


def test_phase_answer_lists_where_the_claim_holds_and_the_trust_gap():
    result = {"claim": 0.2, "varied": ["factory_fixed_cost_share", "strong_ties"],
              "estimates": [
                  ESTIMATE | {"params": {"factory_fixed_cost_share": 0.8, "strong_ties": 4.0}},
                  ESTIMATE | {"params": {"factory_fixed_cost_share": 0.7, "strong_ties": 4.0},
                              "estimate": 0.2, "claim_inside_ci": True,
                              "verdict": "supported",
                              "break_even_share": 0.3}]}
    lines = report.phase_answer(result)
    assert lines[0] == ("20% is supported at 1 of 2 points: "
                        "factory_fixed_cost_share = 0.7, strong_ties = 4.")
    assert lines[1].startswith("At strong_ties = 4, s* lies -8.8 points from the break-even "
                               "share on average (from -10.0 to -7.7, 2 points)")
