"""Validation: the quick table through the command line, and the published reference
values the checks are judged against."""

import json
import math

import pytest

from sim.cli.main import main
from sim.experiments import scenarios
from sim.studies.validation.checks import (
    CHECKS,
    SCENARIOS,
    critical_spread,
    mean_field_participation,
    watts_window,
)
from sim.studies.validation.runner import markdown, quick_scenario

ROWS = 19  # centola 1, xie 2 (quick: two populations), watts 4, bass 2, granovetter 3,
# reversible thresholds 1, accounting 3, seamans-zhu 3


@pytest.mark.slow
def test_quick_validation_passes_and_writes_its_table_and_figures(tmp_path, capsys):
    assert main(["validate", "--quick", "--out", str(tmp_path), "--no-progress"]) == 0
    table = json.loads((tmp_path / "validation.json").read_text())
    assert table["quick"] is True and table["passed"] is True
    assert len(table["rows"]) == ROWS
    assert [r["result"] for r in table["rows"]].count("info") == 1  # Xie's smaller N
    assert all(r["result"] in ("pass", "info") for r in table["rows"])
    assert [c["name"] for c in table["checks"]] == [c.name for c in CHECKS]
    for check in CHECKS:
        assert (tmp_path / "figures" / f"{check.name}.png").stat().st_size > 10_000
    centola = table["rows"][0]
    assert centola["source"].startswith("Centola et al. 2018")
    assert abs(float(centola["measured"].split()[0]) - 0.25) <= 0.03
    md = (tmp_path / "validation.md").read_text()
    assert md.count("| pass |") == ROWS - 1 and md.count("| info |") == 1
    printed = capsys.readouterr().out
    assert f"{ROWS} of {ROWS} rows pass or inform; 0 failed" in printed


def test_unknown_check_is_a_usage_error(tmp_path, capsys):
    assert main(["validate", "--check", "centola", "--out", str(tmp_path)]) == 2
    assert "--check centola: unknown check; allowed: centola2018" in capsys.readouterr().err
    assert not (tmp_path / "validation.json").exists()


def test_every_validation_scenario_loads_and_quick_overrides_apply():
    for check in CHECKS:
        for name in check.scenarios:
            scenario = scenarios.load(SCENARIOS / f"{name}.toml")
            quick = quick_scenario(scenario, check.quick.get(name, {}))
            assert quick.name == f"{scenario.name}-quick"
            assert quick.text.startswith(scenario.text) and "# --quick:" in quick.text
    xie = scenarios.load(SCENARIOS / "xie2011.toml")
    quick = quick_scenario(xie, CHECKS[1].quick["xie2011"])
    assert quick.sweep == {"n_agents": [100, 1000]} and quick.tipping["budget"] == 42
    assert quick.tipping["variable"] == "committed_share"  # the rest of the table is kept


def test_watts_cascade_window_from_the_cascade_condition():
    low, high = watts_window(0.18)  # vulnerable degrees k <= 5
    assert low == pytest.approx(1.0207, abs=1e-3) and high == pytest.approx(5.7647, abs=1e-3)
    for z in (low, high):
        assert z * sum(math.exp(-z) * z**k / math.factorial(k) for k in range(4)) == \
            pytest.approx(1.0)


def test_granovetter_mean_field_jumps_at_his_spread_of_about_0_122():
    assert critical_spread(0.25) == pytest.approx(0.1222, abs=2e-4)
    assert mean_field_participation(0.25, 0.11) < 0.02
    assert mean_field_participation(0.25, 0.13) > 0.999


def test_markdown_table_has_one_line_per_row():
    table = {"quick": False, "seconds": 12.0, "passed": False, "rows": [
        {"check": "a", "source": "s", "expected": "1", "measured": "2", "result": "FAIL"}]}
    assert markdown(table).splitlines()[-1] == "| a | s | 1 | 2 | FAIL |"
    assert "SOME CHECKS FAILED" in markdown(table)


def test_markdown_escapes_a_pipe_inside_a_cell():
    table = {"quick": True, "seconds": 1.0, "passed": True, "rows": [
        {"check": "a|b", "source": "s", "expected": "1", "measured": "2", "result": "pass"}]}
    assert markdown(table).splitlines()[-1] == "| a\\|b | s | 1 | 2 | pass |"
