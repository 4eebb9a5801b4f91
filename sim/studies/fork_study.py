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
from sim.experiments.scenarios import ScenarioError
from sim.model.parameters import suggest
from sim.model.registry import forkable, reporters, resolve_params

FORK_POINT = 1_000_000  # the point id of fork runs in the seed rule (dose runs use lattice ids)
FORK_KEYS = {
    "every": "a whole number of weeks between checkpoints, 1 to steps",
    "copies": "a whole number of copies per checkpoint, 1 to 1000",
    "runs": "a whole number of runs, 1 to 100000",
    "ramp": "a number in [0, 1]: committed share added at each checkpoint",
    "committed_share": "a number in [0, 1]: the committed share the fork runs start from",
    "interventions": "a list of release, hold, stall, none, without repeats, release first",
}
DEFAULTS = {"every": 4, "copies": 8, "runs": 8, "ramp": 0.0, "committed_share": None,
            "interventions": ("release", "hold", "stall")}


def fork_table(scenario: Any) -> dict[str, Any]:
    """The scenario's ``[forks]`` table checked, with the defaults filled in. Errors read
    ``FILE: forks.KEY: got VALUE, allowed: ...`` and raise ScenarioError."""
    values = dict(DEFAULTS)
    for key, value in (scenario.forks or {}).items():
        if key not in FORK_KEYS:
            raise ScenarioError(f"{scenario.path}: forks.{key}: unknown key"
                                f"{suggest(key, list(FORK_KEYS))}; allowed: "
                                + ", ".join(FORK_KEYS))
        if key == "interventions":
            ok = isinstance(value, list) and value and value[0] == "release" and all(
                v in forks.INTERVENTIONS for v in value) and len(set(value)) == len(value)
            value = tuple(value) if ok else value
        else:
            whole = key in ("every", "copies", "runs")
            high = {"every": scenario.steps, "copies": 1000, "runs": 100_000}.get(key, 1)
            ok = (isinstance(value, int) if whole else isinstance(value, int | float)) and not (
                isinstance(value, bool)) and (1 if whole else 0) <= value <= high
            value = value if whole or not ok else float(value)
        if not ok:
            raise ScenarioError(f"{scenario.path}: forks.{key}: got {value!r}, allowed: "
                                f"{FORK_KEYS[key]}")
        values[key] = value
    return values


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
                                forks={k: getattr(plan, k) for k in DEFAULTS})
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


def check(scenario: Any) -> None:
    """Refuse, in one line naming the file and the table, a scenario the fork experiment
    cannot run alone: a model that cannot be forked, no ``[forks]`` table, a bad one."""
    if scenario.model not in forkable():
        raise ScenarioError(f"{scenario.path}: model: \"{scenario.model}\" cannot be forked; "
                            "allowed: " + ", ".join(sorted(forkable())))
    if scenario.forks is None:
        raise ScenarioError(f"{scenario.path}: forks: missing; the fork experiment needs a "
                            "[forks] table (allowed keys: " + ", ".join(FORK_KEYS) + ")")
    fork_table(scenario)


def run_fork_study(scenario: Any, out: Path, workers: int | None = None,
                   dask: str | None = None, progress: bool = True) -> dict[str, Any]:
    """Every intervention of the scenario's ``[forks]`` on its own model; writes
    ``out/forks.json`` (the tipping share per intervention, in the model's declared share)."""
    from sim.studies.verdict.arms import state_at_point, tipping_summary

    begin = time.perf_counter()
    check(scenario)
    plan = SimpleNamespace(**fork_table(scenario))
    if scenario.model == "sector_market" and not scenario.params.get("fork_sector"):
        raise ScenarioError(f"{scenario.path}: params.fork_sector: missing; the fork "
                            "experiment on several sectors forks one of them: give "
                            "fork_sector = the name of one of the scenario's sectors")
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
              "forks": {k: getattr(plan, k) for k in DEFAULTS},
              "seconds": time.perf_counter() - begin}
    results.write_json(out / "forks.json", result)
    return result
