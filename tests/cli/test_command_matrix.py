"""Every command against every scenario in ``scenarios/``: each pair works or refuses in one
line naming the file, the table and what would work (status 2), never a traceback, and a
refusal leaves nothing behind.

The commands are read from the parser, so a new command joins the matrix by itself. ``run``
runs each scenario for real, 3 steps on a small population. The studies (a sweep, a
tipping, verdict, worlds, sensitivity or cascade study, analyze, validate) are checked up to
the moment they would start computing: the batch runner's folder (``storage.open_folder``),
the cascade study's runs and ``viz``'s server are replaced by a stop, so the matrix checks
every refusal and every acceptance in seconds. Full runs of each study on small scenarios
are in ``tests/studies``; docs/robustness.md lists the matrix's result.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from sim.cli.main import build_parser, main
from sim.experiments import scenarios, storage
from sim.model.registry import outcome_types, resolve_params

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").rglob("*.toml"))
# What a refusal says besides the file and the table: what would work.
ADVICE = re.compile(r"needs|allowed|give|remove|expected|choose|one of")


def _tables(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


# Which scenarios each study accepts, read from their tables.
ACCEPTS = {
    "sweep": lambda p: True,
    "tipping": lambda p: "tipping" in _tables(p),
    "verdict": lambda p: {"tipping", "arms"} <= set(_tables(p)) and "sweep" not in _tables(p),
    "worlds": lambda p: "worlds" in _tables(p),
    "cascade": lambda p: "cascade" in _tables(p),
    "analyze": lambda p: _tables(p).get("model", "trust_market") == "trust_market",
    "sensitivity": lambda p: "sensitivity" in _tables(p),
}
# Commands without a scenario argument, each checked below by name.
OTHERS = {"validate", "figures", "viz"}


class Reached(Exception):
    """The command accepted its input and was about to compute."""


def _stop(*args, **kwargs):
    raise Reached


def subcommands() -> dict:
    parser = build_parser()
    return next(a for a in parser._actions if a.dest == "command").choices


def with_scenario() -> list[str]:
    return sorted(name for name, p in subcommands().items()
                  if any(a.dest == "scenario" for a in p._actions if not a.option_strings))


def label(path: Path) -> str:
    return str(path.relative_to(ROOT / "scenarios"))


@pytest.fixture
def stopped(monkeypatch):
    """The batch runner, the cascade study and viz's server stop where they would start."""
    from sim.studies import cascade

    monkeypatch.setattr(storage, "open_folder", _stop)
    monkeypatch.setattr(cascade, "run_study", _stop)
    monkeypatch.setattr(os, "execve", _stop)


def outcome(argv: list[str], capsys) -> tuple[str, str]:
    """``"ok"``, ``"reached"`` or ``"refused"``, and the error line; fails on anything else."""
    try:
        status = main(argv)
    except Reached:
        return "reached", capsys.readouterr().err
    except SystemExit as stop:
        status = stop.code
    err = capsys.readouterr().err
    if status == 0:
        return "ok", err
    assert status == 2, (argv, status, err)
    assert err.count("\n") == 1 and err.startswith("error: "), err
    return "refused", err.strip()


def leftovers(out: Path) -> list[str]:
    """What a stopped or refused command left in ``out`` (a manifest alone is no result)."""
    if not out.exists():
        return []
    return sorted(str(p.relative_to(out)) for p in out.rglob("*")
                  if p.name not in ("manifest.json", ".lock"))


def test_the_matrix_covers_every_command_of_the_parser():
    assert set(subcommands()) == set(with_scenario()) | OTHERS
    assert {"run", "sweep", "tipping", "verdict", "worlds", "cascade", "analyze",
            "sensitivity"} <= set(with_scenario())
    assert len(SCENARIOS) >= 27


@pytest.mark.parametrize("scenario", SCENARIOS, ids=label)
def test_run_runs_every_scenario_for_three_steps(scenario, tmp_path, capsys):
    model = scenarios.load(scenario).model
    size = "n_consumers=60" if "n_consumers" in resolve_params(model, {}) else "n_agents=50"
    out = tmp_path / "o"
    result, err = outcome(["run", str(scenario), "--steps", "3", "--set", size, "--out",
                           str(out)], capsys)
    assert result == "ok", err
    summary = json.loads((out / "summary.json").read_text())
    assert sorted(summary) == sorted(outcome_types(model))
    assert json.loads((out / "manifest.json").read_text())["steps"] == 3


@pytest.mark.parametrize("command", [c for c in with_scenario() if c != "run"])
def test_every_study_accepts_or_refuses_every_scenario_in_one_line(command, tmp_path, capsys,
                                                                   stopped):
    seen = {"reached": [], "refused": []}
    for scenario in SCENARIOS:
        out = tmp_path / label(scenario)
        result, err = outcome([command, str(scenario), "--out", str(out)], capsys)
        assert result in seen, (scenario, result)
        seen[result].append(label(scenario))
        if result == "refused":
            assert err.startswith(f"error: {scenario}: "), err
            assert re.match(rf"error: {re.escape(str(scenario))}: [a-z_]+[a-z_.]*: ", err), err
            assert ADVICE.search(err), err
            assert not out.exists() or not any(out.iterdir()), err
        assert leftovers(out) == [], (scenario, leftovers(out))
    if command in ACCEPTS:
        assert seen["reached"] == [label(s) for s in SCENARIOS if ACCEPTS[command](s)]


def test_validate_accepts_each_check_and_refuses_an_unknown_one(tmp_path, capsys, stopped):
    from sim.studies.validation.checks import CHECKS

    for check in CHECKS:
        result, _ = outcome(["validate", "--quick", "--check", check.name, "--out",
                             str(tmp_path / check.name)], capsys)
        assert result == "reached", check.name
    result, err = outcome(["validate", "--check", "centola", "--out", str(tmp_path / "x")],
                          capsys)
    assert result == "refused"
    assert err.startswith("error: --check centola: unknown check; allowed: ")
    assert not (tmp_path / "x").exists()


def test_figures_refuses_every_scenario_file_and_a_single_run_and_draws_a_sweep(tmp_path,
                                                                               capsys):
    for scenario in SCENARIOS:
        result, err = outcome(["figures", str(scenario)], capsys)
        assert (result, err) == ("refused", f"error: {scenario}: no such results folder")
    out = tmp_path / "run"
    assert main(["run", str(ROOT / "scenarios" / "baseline.toml"), "--steps", "4", "--set",
                 "n_consumers=60", "--out", str(out)]) == 0
    result, err = outcome(["figures", str(out)], capsys)
    assert result == "refused" and err.startswith(f"error: {out}: no stored results to draw")
    sweep = tmp_path / "sweep"
    shutil.copytree(ROOT / "tests" / "data" / "results_before_move" / "sweep", sweep)
    result, _ = outcome(["figures", str(sweep), "--only", "share_over_time"], capsys)
    assert result == "ok"
    assert sorted(p.name for p in (sweep / "figures").iterdir()) == [
        f"share_over_time.{ext}" for ext in ("pdf", "png", "svg", "txt")]


@pytest.mark.parametrize(("argv", "expected"), [
    (["viz"], "reached"), (["viz", "--port", "1"], "reached"),
    (["viz", "--port", "65535", "--sectors"], "reached"),
    (["viz", "--port", "65536"], "refused"), (["viz", "--port", "0"], "refused"),
    (["viz", "--port", "x"], "refused"), (["viz", "--bogus"], "refused"),
])
def test_viz_checks_its_arguments_before_serving(argv, expected, capsys, stopped):
    assert outcome(argv, capsys)[0] == expected
