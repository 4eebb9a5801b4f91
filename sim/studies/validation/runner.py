"""Run the validation checks through the ordinary machinery and write their table.

Each scenario of a check runs as a tipping study (:func:`sim.studies.tipping.run_study`) if
it has a ``[tipping]`` table, otherwise as a plain batch of its sweep's points and
replicates; its results stay under ``OUT/runs/NAME`` (``NAME-quick`` with ``--quick``), so
a second run reuses them. The table goes to ``OUT/validation.json`` (rows and the data of
each check's figure) and ``OUT/validation.md``.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiments import batch, results, scenarios, storage
from sim.experiments.destination import check_out
from sim.experiments.provenance import code_version
from sim.studies import fork_study, tipping
from sim.studies.validation.checks import CHECKS, SCENARIOS, Check, Measured

LOG = logging.getLogger(__name__)
VERDICTS = {True: "pass", False: "FAIL", None: "info"}
COLUMNS = ("check", "source", "expected", "measured", "result")


def quick_scenario(scenario: scenarios.Scenario, overrides: dict[str, Any]
                   ) -> scenarios.Scenario:
    """``scenario`` made smaller by ``overrides`` (keys ``params``, ``sweep`` and ``tipping``
    update those tables; ``replicates`` and ``steps`` replace), renamed ``NAME-quick``, the
    overrides appended to its text as a comment so that the manifest records them."""
    changes: dict[str, Any] = {"name": f"{scenario.name}-quick",
                               "text": f"{scenario.text}\n# --quick: {json.dumps(overrides)}\n"}
    for key in ("params", "sweep", "tipping"):
        if key in overrides:
            changes[key] = {**(getattr(scenario, key) or {}), **overrides[key]}
    for key in ("replicates", "steps"):
        if key in overrides:
            changes[key] = overrides[key]
    return dataclasses.replace(scenario, **changes)


def run_scenario(scenario: scenarios.Scenario, out: Path, workers: int | None,
                 progress: bool) -> Measured:
    """Run one scenario (tipping study or plain batch) into ``out``; return what it gave."""
    if scenario.tipping is not None:
        return Measured(scenario, tipping.run_study(scenario, out, workers=workers,
                                                    progress=progress))
    if scenario.forks is not None:
        return Measured(scenario, forks=fork_study.run_study(scenario, out, workers=workers,
                                                             progress=progress), folder=out)
    specs = batch.specs_for(scenario)
    manifest = results.manifest(
        scenario, scenario.resolved(), {"root_seed": scenario.seed, "rule": batch.SEED_RULE},
        kind="sweep", model=scenario.model, steps=scenario.steps,
        replicates=scenario.replicates, n_points=scenario.n_points, n_runs=len(specs),
        every=scenario.every, reporters=list(scenario.reporters or ()))
    LOG.info("%s: %d runs", scenario.name, len(specs))
    batch.run_batch(specs, out, manifest, workers=workers, progress=progress,
                    reporters=scenario.reporters)
    return Measured(scenario, runs=storage.load_runs(out), folder=out)


def run_check(check: Check, out: Path, quick: bool, workers: int | None, progress: bool
              ) -> dict[str, Any]:
    """Run ``check``'s scenarios and judge them: its rows and its figure's data."""
    start = time.perf_counter()
    measured = {}
    for name in check.scenarios:
        scenario = scenarios.load(SCENARIOS / f"{name}.toml")
        if quick:
            scenario = quick_scenario(scenario, check.quick.get(name, {}))
        measured[name] = run_scenario(scenario, out / "runs" / scenario.name, workers,
                                      progress)
    rows, figure = check.judge(measured)
    return {"name": check.name, "title": check.title, "source": check.source,
            "rows": [{**row, "result": VERDICTS[row["passed"]]} for row in rows],
            "figure": figure, "seconds": time.perf_counter() - start,
            "n_runs": sum(m.n_runs for m in measured.values()),
            "scenarios": {m.scenario.name: str(m.scenario.path) for m in measured.values()}}


def validate(out: Path, quick: bool = False, workers: int | None = None,
             progress: bool = True, only: list[str] | None = None) -> dict[str, Any]:
    """Run every check (or those named in ``only``); write and return the table. Each
    check and round is logged (INFO)."""
    start = time.perf_counter()
    out = Path(check_out(out, "validation"))
    chosen = [c for c in CHECKS if only is None or c.name in only]
    results.write_json(out / "manifest.json", results.stamp(
        "validation", quick=quick, checks=[c.name for c in chosen]))
    done = []
    for check in chosen:
        LOG.info("== %s (%s)", check.title, check.source)
        done.append(run_check(check, out, quick, workers, progress))
    rows = [row for check in done for row in check["rows"]]
    table = {"quick": quick, "code_version": code_version(),
             "passed": all(r["passed"] is not False for r in rows),
             "seconds": time.perf_counter() - start, "rows": rows, "checks": done}
    results.write_json(out / "validation.json", table)
    results.write_report(out, markdown(table), "validation.md")
    return table


def markdown(table: dict[str, Any]) -> str:
    """The table as a Markdown page."""
    lines = ["# Validation against published tipping results", "",
             f"{'Quick' if table['quick'] else 'Full'} run, {table['seconds']:.0f} s: "
             f"{'every check passed' if table['passed'] else 'SOME CHECKS FAILED'}.", "",
             "| check | source | expected | measured | result |", "|---|---|---|---|---|"]
    lines += ["| " + " | ".join(str(r[c]).replace("|", "\\|") for c in COLUMNS) + " |"
              for r in table["rows"]]
    return "\n".join(lines) + "\n"


def text_table(rows: list[dict[str, Any]]) -> str:
    """The rows as a plain-text table for the terminal."""
    frame = pd.DataFrame([{c: r[c] for c in COLUMNS} for r in rows], columns=COLUMNS)
    return frame.to_string(index=False, justify="left")
