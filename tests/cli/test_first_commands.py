"""Commands a new user tries first end in results or in one line, never a traceback: ``run``
on a reference model's scenario, ``worlds`` varying one parameter, ``viz`` on a port that
does not exist."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from sim.cli.main import main
from sim.model.registry import outcome_types

ROOT = Path(__file__).resolve().parents[2]


def test_run_on_the_bass_scenario_runs_the_bass_model(tmp_path, capsys):
    out = tmp_path / "bass"
    status = main(["run", str(ROOT / "scenarios" / "validation" / "bass1969.toml"),
                   "--steps", "10", "--set", "n_agents=500", "--out", str(out)])
    printed = capsys.readouterr()
    assert status == 0, printed.err
    summary = json.loads((out / "summary.json").read_text())
    assert sorted(summary) == sorted(outcome_types("bass")) == ["adopted_final", "peak_time"]
    assert 0 < summary["adopted_final"] < 1
    assert f"Outcomes: adopted_final = {summary['adopted_final']:.4g}" in printed.out
    assert "Running bass1969: model bass, 10 steps, seed" in printed.out
    series = pd.read_parquet(out / "series.parquet")
    assert series.shape == (10, 3) and list(series.columns) == ["step", "time",
                                                                "adopted_share"]
    assert json.loads((out / "manifest.json").read_text())["params"]["n_agents"] == 500


def test_run_refuses_a_reference_models_unknown_parameter_in_one_line(tmp_path, capsys):
    status = main(["run", str(ROOT / "scenarios" / "validation" / "bass1969.toml"),
                   "--set", "n_consumers=500", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert status == 2
    assert err == "error: unknown parameter 'n_consumers' of model bass\n"
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_worlds_varying_one_parameter_skips_the_two_parameter_figure_and_says_why(
        tmp_path, capsys):
    scenario = tmp_path / "one.toml"
    scenario.write_text('name = "one_vary"\nsteps = 20\nseed = 3\n[params]\n'
                        'n_consumers = 60\n[worlds]\nn = 4\nvary = ["habit"]\n'
                        "regime_runs = 1\nwindow = 10\n[forks]\nevery = 5\ncopies = 1\n"
                        "runs = 2\n")
    out = tmp_path / "o"
    status = main(["worlds", str(scenario), "--out", str(out), "--workers", "1",
                   "--no-progress"])
    printed = capsys.readouterr()
    assert status == 0, printed.err
    assert "Traceback" not in printed.err
    assert ("worlds_boxes: not drawn (Where the claim holds): one varying parameter: there "
            "is no plane to draw the worlds on") in printed.out
    drawn = sorted(p.name for p in (out / "figures").glob("*.png"))
    assert "worlds_boxes.png" not in drawn and "worlds_regimes.png" in drawn
    report = (out / "report.md").read_text()
    assert "worlds_boxes.png" not in report
    assert ("Figure `worlds_boxes` not drawn: one varying parameter: there is no plane to "
            "draw the worlds on.") in report


@pytest.mark.parametrize("port", ["99999", "0", "65536", "-1", "abc", "8765.5", ""])
def test_viz_refuses_a_port_outside_1_to_65535_in_one_line(port, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["viz", "--port", port])
    assert stop.value.code == 2
    assert capsys.readouterr().err == (
        f"error: run.py viz: argument --port: {port!r}: a port is a whole number from 1 to "
        "65535 (see run.py viz --help)\n")
