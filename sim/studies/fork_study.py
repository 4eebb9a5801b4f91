"""The fork experiment as a study: runs of a scenario's ``[forks]`` table through the batch
runner, and their tipping share (``run.py forks``; the verdict and validation use the same
runs).

``[forks]`` keys: ``every`` (weeks between checkpoints), ``copies`` (at most, per
checkpoint), ``runs``, ``ramp`` (committed share added at each checkpoint),
``committed_share`` (where the runs start; the scenario's own by default) and
``interventions`` (a list starting with ``release``, the headline). Run ``r`` has seed
:func:`sim.experiments.batch.seed_for` ``(seed, FORK_POINT, r)`` under every intervention
and in every arm, so that they compare run for run. The tipping share over runs is the
median of the runs' censoring midpoints with an order-statistic interval from their lower
ends to their upper ends (:func:`sim.studies.verdict.arms.tipping_summary`).
"""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd

from sim.experiments import forks, results, storage
from sim.experiments.batch import SEED_RULE, RunSpec, run_batch, seed_for
from sim.experiments.scenario_tables import Setting, check_table, declare, fail
from sim.model.registry import forkable, reporters, resolve_params

FORK_POINT = 1_000_000  # the point id of fork runs in the seed rule (dose runs use lattice ids)
SETTINGS = declare(  # the fork experiment's own defaults (sim.experiments.forks.SETTINGS)
    Setting("every", forks.SETTINGS["fork_every"].default, 1, 100_000,
            description="a whole number of weeks between checkpoints, 1 to steps"),
    Setting("copies", forks.SETTINGS["fork_copies"].default, 1,
            forks.SETTINGS["fork_copies"].high,
            description="a whole number of copies per checkpoint, 1 to 1000"),
    Setting("runs", 8, 1, 100_000, description="a whole number of runs, 1 to 100000"),
    Setting("ramp", forks.SETTINGS["fork_ramp"].default, 0, 1,
            description="a number in [0, 1]: committed share added at each checkpoint"),
    Setting("committed_share", None, 0, 1, form=float, description="a number in [0, 1]: the "
            "committed share the fork runs start from"),
    Setting("interventions", ("release", "hold", "stall"), form=list,
            description="a list of release, hold, stall, none, without repeats, release first",
            test=lambda v: bool(v) and v[0] == "release" and len(set(v)) == len(v)
            and all(i in forks.INTERVENTIONS for i in v)),
)

TABLES = {"forks": SETTINGS}  # the scenario tables the study reads


def fork_table(scenario: Any) -> dict[str, Any]:
    """The scenario's ``[forks]`` table checked against :data:`SETTINGS`, with the defaults
    filled in. Errors read ``FILE: forks.KEY: got VALUE, allowed: ...`` and raise
    ScenarioError."""
    values = check_table(scenario.path, "forks", scenario.forks or {}, SETTINGS)
    if values["every"] > scenario.steps:
        raise fail(scenario.path, "forks.every", f"got {values['every']}, allowed: "
                   f"{SETTINGS['every'].allowed()} ({scenario.steps})")
    return {**values, "interventions": tuple(values["interventions"])}


def fork_specs(scenario: Any, model: str, overrides: dict[str, Any], plan: Any,
               intervention: str, point: int = FORK_POINT) -> list[RunSpec]:
    """``plan.runs`` fork runs of ``model`` (the scenario's ``[params]`` updated by
    ``overrides``) under ``intervention``; run ``r`` has seed ``seed_for(seed, point, r)``."""
    sector = {**scenario.params, **overrides}.get("fork_sector")  # a sector market's
    key = f"{sector}__committed_share" if sector else "committed_share"
    start = {} if plan.committed_share is None else {key: plan.committed_share}
    name = forks.model_name(model)
    params = resolve_params(name, {**scenario.params, **overrides, **start,
                                   "fork_every": plan.every, "fork_copies": plan.copies,
                                   "fork_ramp": plan.ramp, "fork_intervention": intervention})
    return [RunSpec(name, point, r, params, seed_for(scenario.seed, point, r), scenario.steps,
                    scenario.every) for r in range(plan.runs)]


def run_fork_specs(scenario: Any, specs: list[RunSpec], plan: Any, intervention: str,
                   out: Path, **batch: Any) -> pd.DataFrame:
    """Run fork ``specs`` (one model, one intervention) through the batch runner into
    ``out``; the runs table of those that finished."""
    manifest = results.manifest(scenario, specs[0].params, {"root_seed": scenario.seed,
                                                            "rule": SEED_RULE}, kind="forks",
                                model=specs[0].model, steps=scenario.steps,
                                intervention=intervention,
                                forks={k: getattr(plan, k) for k in SETTINGS})
    model = specs[0].model.removesuffix("_forks")
    run_batch(specs, out, manifest, reporters=reporters(model)[:1], **batch)
    stored = storage.load_runs(out)
    stored = stored[(stored["status"] == "ok") & stored["run_id"].isin(
        {s.run_id for s in specs})]
    return stored.reset_index(drop=True)


def run_fork_runs(scenario: Any, model: str, overrides: dict[str, Any], plan: Any,
                  intervention: str, out: Path, **batch: Any) -> pd.DataFrame:
    """``plan.runs`` fork runs of ``model`` (the scenario's ``[params]`` updated by
    ``overrides``) under ``intervention``, stored in ``out``; their runs table."""
    specs = fork_specs(scenario, model, overrides, plan, intervention)
    return run_fork_specs(scenario, specs, plan, intervention, out, **batch)


def plan_from(scenario: Any) -> SimpleNamespace:
    """The fork experiment alone on ``scenario``: its ``[forks]`` settings, or a one-line
    refusal naming the file and the table (a model that cannot be forked, no ``[forks]``
    table, a bad one, a sector market with no sector to fork)."""
    path = scenario.path
    if scenario.model not in forkable():
        raise fail(path, "model", f'"{scenario.model}" cannot be forked; allowed: '
                   + ", ".join(sorted(forkable())))
    if scenario.forks is None:
        raise fail(path, "forks", "missing; the fork experiment needs a [forks] table "
                   "(allowed keys: " + ", ".join(SETTINGS) + ")")
    plan = SimpleNamespace(**fork_table(scenario))
    if scenario.model == "sector_market" and not scenario.params.get("fork_sector"):
        raise fail(path, "params.fork_sector", "missing; the fork experiment on several "
                   "sectors forks one of them: give fork_sector = the name of one of the "
                   "scenario's sectors")
    return plan


def run_study(scenario: Any, out: Path, workers: int | None = None,
              dask: str | None = None, progress: bool = True) -> dict[str, Any]:
    """Every intervention of the scenario's ``[forks]`` on its own model; writes
    ``out/forks.json`` (the tipping share per intervention, in the model's declared share)."""
    from sim.studies.verdict.arms import state_at_point, tipping_summary

    begin = time.perf_counter()
    plan = plan_from(scenario)
    out = results.study_folder(out, scenario, "fork_study", model=forks.model_name(scenario.model))
    batch = {"workers": workers, "dask": dask, "progress": progress}
    by = {}
    for intervention in plan.interventions:
        folder = out / "runs" / intervention
        runs = run_fork_runs(scenario, scenario.model, {}, plan, intervention, folder, **batch)
        tip = tipping_summary(runs)
        by[intervention] = {"tipping_share": {k: tip[k] for k in ("estimate", "ci_low",
                                                                   "ci_high")},
                            "summary": tip, "state_at_point": state_at_point(runs)}
    head = by["release"]
    result = {"scenario": scenario.name, "model": scenario.model,
              "share": forkable()[scenario.model], "intervention": "release",
              "tipping_share": head["tipping_share"], "interventions": by,
              "forks": {k: getattr(plan, k) for k in SETTINGS},
              "seconds": time.perf_counter() - begin}
    results.write_json(out / "forks.json", result)
    return result
