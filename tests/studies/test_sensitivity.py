"""Global sensitivity: Morris and Sobol indices of a function with known indices, the
[sensitivity] table's checks, and a tiny study of the trust market through the batch runner."""

import json

import numpy as np
import pytest

from sim.experiments import scenarios
from sim.experiments.scenarios import ScenarioError
from sim.outputs import report
from sim.studies import sensitivity
from sim.studies.sensitivity import SensitivityPlan, analyse

LINEAR = SensitivityPlan(ranges={"a": (0.0, 1.0), "b": (0.0, 1.0), "c": (0.0, 1.0)},
                         trajectories=20, n=512)


def linear(method: str, x: np.ndarray) -> np.ndarray:
    """y = 4a + b: Sobol S_a = 16/17, S_b = 1/17, S_c = 0; Morris mu* = 4, 1, 0."""
    return 4 * x[:, 0] + x[:, 1]


def test_sobol_indices_match_the_analytic_values_of_a_linear_function():
    sobol = analyse(LINEAR, linear, seed=1)["sobol"]["indices"]
    assert sobol["a"]["S1"] == pytest.approx(16 / 17, abs=0.05)
    assert sobol["b"]["S1"] == pytest.approx(1 / 17, abs=0.03)
    assert sobol["c"]["ST"] == pytest.approx(0.0, abs=1e-9)
    assert sobol["a"]["ST"] == pytest.approx(16 / 17, abs=0.05)
    assert all(sobol[k]["S1_conf"] > 0 for k in "ab")


def test_morris_ranks_parameters_by_their_elementary_effects():
    morris = analyse(LINEAR, linear, seed=1)["morris"]
    assert morris["n_points"] == 20 * 4
    mu_star = {k: v["mu_star"] for k, v in morris["indices"].items()}
    assert mu_star["a"] == pytest.approx(4.0) and mu_star["b"] == pytest.approx(1.0)
    assert mu_star["c"] == 0.0 and morris["indices"]["a"]["sigma"] == pytest.approx(0.0)


def parse(table: str) -> scenarios.Scenario:
    return scenarios.parse(f"steps = 5\n[sensitivity]\n{table}", "s.toml")


@pytest.mark.parametrize(("table", "message"), [
    ('ranges = {strong_ties = [4, 30], habit = [1, 9]}\nmethod = ["sobol"]',
     "s.toml: sensitivity.method: unknown key (did you mean 'methods'?)"),
    ('ranges = {strong_ties = [4, 30], habit = [9, 1]}',
     "s.toml: sensitivity.ranges.habit: got [9, 1], allowed: [low, high] with low < high"),
    ('ranges = {strong_ties = [4, 30], habbit = [1, 9]}',
     "s.toml: sensitivity.ranges.habbit: unknown parameter 'habbit' (did you mean 'habit'?)"),
    ('ranges = {strong_ties = [4, 30], habit = [1, 9]}\nn = 100',
     "s.toml: sensitivity.n: got 100, allowed: a power of 2"),
    ('ranges = {strong_ties = [4, 30], habit = [1, 9]}\noutput = "fell"',
     "s.toml: sensitivity.output: got 'fell'"),
    ('ranges = {strong_ties = [4, 300], habit = [1, 9]}',
     "s.toml: sensitivity.ranges.strong_ties: parameter 'strong_ties': got 300"),
])
def test_sensitivity_table_errors_name_the_file_and_key(table, message):
    with pytest.raises(ScenarioError) as error:
        sensitivity.plan_from(parse(table))
    assert str(error.value).startswith(message)


def test_tiny_study_stores_runs_and_writes_indices(tmp_path):
    scenario = scenarios.parse("""
name = "tiny-sensitivity"
steps = 4
seed = 3
[params]
n_consumers = 200
strong_ties = 4.0
weak_ties = 4.0
[sensitivity]
methods = ["morris"]
output = "platform_share_max"
ranges = {committed_share = [0.0, 0.3], endorsements_needed = [1, 3]}
trajectories = 3
replicates = 1
""", "tiny.toml")
    result = sensitivity.run_study(scenario, tmp_path, workers=1, progress=False)
    stored = json.loads((tmp_path / "sensitivity.json").read_text())
    assert stored["n_runs"] == result["n_runs"] == 3 * 3 and stored["n_failed"] == 0
    indices = stored["morris"]["indices"]
    assert set(indices) == {"committed_share", "endorsements_needed"}
    # in 4 weeks the committed share drives the platform's share, endorsements barely
    assert indices["committed_share"]["mu_star"] > 0.15
    assert indices["committed_share"]["mu_star"] > 5 * indices["endorsements_needed"]["mu_star"]
    text = report.sensitivity_report(result)
    assert "Morris (9 points):" in text and "## Verdict" in text
    assert "the largest mu* is committed_share's" in text


def test_the_study_and_a_morris_sample_draw_the_same_points_with_whole_numbers_alike():
    ranges = {"committed_share": (0.0, 0.3), "endorsements_needed": (1, 3)}
    plan = SensitivityPlan(ranges=ranges, methods=("morris",), trajectories=6, levels=4)
    drawn = scenarios.scale(ranges, sensitivity.designs(plan, seed=3)["morris"])
    assert drawn == scenarios.Sample("morris", 6, ranges, levels=4).points(seed=3)
    assert {type(p["endorsements_needed"]) for p in drawn} == {int}
    # the Morris levels 0, 1/3, 2/3, 1 of [1, 3]: each whole number holds a third of [0, 1]
    assert [p["endorsements_needed"] for p in scenarios.scale(
        {"endorsements_needed": (1, 3)}, np.array([[0.0], [1 / 3], [2 / 3], [1.0]]))] == \
        [1, 2, 3, 3]
