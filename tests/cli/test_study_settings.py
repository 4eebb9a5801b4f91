"""A wrong study setting on the command line: one line naming the file, the table's key and
what is allowed, exit status 2, nothing written. The verdict's, the fork experiment's and
the analyses' tables, checked by the one table checker (``scenario_tables.check_table``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli.main import main

VERDICT = ('name = "v"\nsteps = 100\n[tipping]\nlow = 0.0\nhigh = 0.5\n[arms]\nfull = {}\n'
           "[forks]\nevery = 4\n")
FORKS = ('name = "f"\nmodel = "granovetter_reversible"\nsteps = 300\n[params]\n'
         "n_agents = 300\n[forks]\n")
FREE = 'name = "a"\nsteps = 10\n'
CASES = [
    ("verdict", VERDICT + "[verdict]\nboot = 10\n", [],
     "verdict.boot: got 10, allowed: a whole number of bootstrap resamples, 50 to 100000"),
    ("verdict", VERDICT + "[verdict]\nbots = 100\n", [],
     "verdict.bots: unknown key (did you mean 'boot'?); allowed: horizons, boot, "
     "regime_runs, largest_push, windows"),
    ("verdict", VERDICT + "[verdict]\nhorizons = [52, 200]\n", [],
     "verdict.horizons: got [52, 200], allowed: a non-empty list of whole numbers of weeks, "
     "1 to steps (100)"),
    ("verdict", VERDICT + "[verdict]\nlargest_push = 0\n", [],
     "verdict.largest_push: got 0, allowed: a number in (0, 1]"),
    ("verdict", VERDICT.replace("high = 0.5", "high = 0.5\nmargin = 0"), [],
     "tipping.margin: got 0, allowed: a number in (0, 0.5]: how close to the claim an "
     "interval must lie"),
    ("verdict", VERDICT.replace("high = 0.5", "high = 0.5\ngird = 5"), [],
     "tipping.gird: unknown key (did you mean 'grid'?)"),
    ("forks", FORKS + "every = 400\n", [],
     "forks.every: got 400, allowed: a whole number of weeks between checkpoints, 1 to steps "
     "(300)"),
    ("forks", FORKS + "copys = 2\n", [], "forks.copys: unknown key (did you mean 'copies'?)"),
    ("forks", FORKS + 'interventions = ["hold", "release"]\n', [],
     "forks.interventions: got ['hold', 'release'], allowed: a list of release, hold, stall, "
     "none, without repeats, release first"),
    ("analyze", FREE + "[analysis]\nlevles = 3\n", [],
     "analysis.levles: unknown key (did you mean 'levels'?)"),
    ("analyze", FREE + '[analysis]\ncontrol = "platform_fee"\ntop = 0.8\n', [],
     "analysis.top: parameter 'platform_fee': got 0.8, allowed: a number in [0, 0.5]"),
    ("analyze", FREE + '[analysis]\ncontrol = "platform_fees"\n', [],
     "analysis.control: got 'platform_fees' (did you mean 'platform_fee'?), allowed: one of "
     '"committed_share", "platform_fee": what the hysteresis ramp moves'),
]


@pytest.mark.parametrize(("command", "text", "options", "message"), CASES)
def test_a_wrong_study_setting_is_one_line_with_status_2(command, text, options, message,
                                                         tmp_path: Path, capsys):
    scenario = tmp_path / "s.toml"
    scenario.write_text(text, encoding="utf-8")
    status = main([command, str(scenario), "--out", str(tmp_path / "out"), *options])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith(f"error: {scenario}: {message}") and err.count("\n") == 1, err
    assert not (tmp_path / "out").exists()


def test_an_analysis_option_out_of_range_names_the_command_line(tmp_path: Path, capsys):
    scenario = tmp_path / "s.toml"
    scenario.write_text(FREE + "[analysis]\nlevels = 8\n", encoding="utf-8")
    status = main(["analyze", str(scenario), "--out", str(tmp_path / "out"), "--levels", "1"])
    assert status == 2
    assert capsys.readouterr().err == ("error: run.py analyze: analysis.levels: got 1, "
                                       "allowed: a whole number of levels from 0 to top on "
                                       "the way up, 2 to 1000\n")
    assert not (tmp_path / "out").exists()
