"""The analyses as a study: free runs of a scenario's sweep through the batch runner, their
point of no return and early-warning signals, and a hysteresis ramp at its parameters
(:mod:`sim.studies.analysis`).

The scenario's ``[analysis]`` table (:data:`SETTINGS`; ``run.py analyze`` options override
it) says what the ramp moves and how. The free runs are stored like a sweep's, so a sweep of
the same scenario into the same folder shares them, and running again reuses them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.experiments import batch, results, storage
from sim.experiments.scenario_tables import (
    Setting,
    check_table,
    declare,
    fail,
    parameter_value,
)
from sim.studies import analysis

SETTINGS = declare(
    Setting("control", "committed_share", choices=("committed_share", "platform_fee"),
            description='one of "committed_share", "platform_fee": what the hysteresis ramp '
            "moves"),
    Setting("top", 0.3, 0.0, 1.0, description="a number in [0, 1], a value of the control: the "
            "ramp's highest level"),
    Setting("levels", 16, 2, 1000,
            description="a whole number of levels from 0 to top on the way up, 2 to 1000"),
    Setting("hold", 26, 1, 1040, description="a whole number of weeks at each level, 1 to 1040"),
    Setting("burn_in", 26, 0, 100_000, description="a whole number of weeks left out at the "
            "start of the early-warning series, 0 to 100000"),
)

TABLES = {"analysis": SETTINGS}  # the scenario tables the study reads


@dataclass(frozen=True)
class AnalysisPlan:
    """The ``[analysis]`` table, checked (declared in :data:`SETTINGS`)."""

    control: str = SETTINGS["control"].default
    top: float = SETTINGS["top"].default
    levels: int = SETTINGS["levels"].default
    hold: int = SETTINGS["hold"].default
    burn_in: int = SETTINGS["burn_in"].default


def plan_from(scenario: Any, overrides: dict[str, Any] | None = None,
              where: str = "command line") -> AnalysisPlan:
    """The scenario's ``[analysis]`` table checked, updated by ``overrides`` (the command's
    options, checked alike; ``where`` names them in an error). Errors read ``FILE:
    analysis.KEY: message`` and raise ScenarioError."""
    if scenario.model != "trust_market":
        raise fail(scenario.path, "model", 'analyze needs model = "trust_market", not '
                   f'"{scenario.model}"')
    values = check_table(scenario.path, "analysis", scenario.analysis or {}, SETTINGS)
    values.update(check_table(where, "analysis", overrides or {}, SETTINGS, values))
    parameter_value(where if "top" in (overrides or {}) else scenario.path, "analysis.top",
                    scenario.model, values["control"], values["top"])
    return AnalysisPlan(**values)


def run_study(scenario: Any, out: Path, workers: int | None = None, dask: str | None = None,
              progress: bool = True, plan: AnalysisPlan | None = None) -> dict[str, Any]:
    """Run the free runs into ``out``, read them, ramp the control, and write
    ``out/analysis.json``, ``ews.parquet`` and ``hysteresis.parquet``; return the result."""
    plan = plan or plan_from(scenario)
    specs = batch.specs_for(scenario)
    manifest = results.manifest(
        scenario, scenario.resolved(), {"root_seed": scenario.seed, "rule": batch.SEED_RULE},
        kind="analysis", model=scenario.model, steps=scenario.steps,
        replicates=scenario.replicates, n_points=scenario.n_points, n_runs=len(specs),
        every=scenario.every)
    done = batch.run_batch(specs, out, manifest, workers=workers, dask=dask, progress=progress)
    wanted = {s.run_id for s in specs}
    runs = storage.load_runs(out)
    runs = runs[runs["run_id"].isin(wanted)]
    series = storage.load_series(out, wanted)
    no_return = analysis.points_of_no_return(runs, series)
    ews, warning = analysis.early_warning(runs, series, burn_in=plan.burn_in)
    levels = np.linspace(0.0, plan.top, plan.levels).round(6).tolist()
    ramp = analysis.hysteresis(scenario.resolved(), plan.control, levels, plan.hold,
                               batch.seed_for(scenario.seed, 0, 0))
    result = {"scenario": scenario.name, "steps": scenario.steps, "n_runs": len(runs),
              "n_failed": int((runs["status"] != "ok").sum()),
              "n_fell": int(runs["incumbent_fell"].fillna(False).astype(bool).sum()),
              "varied": sorted(scenario.sweep), "seconds": done.seconds,
              "point_of_no_return": analysis.distribution(no_return),
              "early_warning": warning,
              "hysteresis": {"control": plan.control, "levels": levels, "hold": plan.hold,
                             **analysis.hysteresis_summary(ramp)}}
    results.write_json(out / "analysis.json", result)
    results.write_parquet(out / "ews.parquet", ews)
    results.write_parquet(out / "hysteresis.parquet", ramp)
    return result
