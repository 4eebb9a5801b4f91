"""The worlds study: draw the worlds, measure each through the batch runner, answer.

:func:`run_study` draws the scenario's ``[worlds]`` over the plausible ranges, runs every
probed run of every world through :func:`sim.experiments.batch.run_batch` (resumable, local
processes or Dask; world ``w``'s run ``r`` has seed ``seed_for(root seed, w, r)``), and
writes into the results folder:

* ``worlds.parquet``: one row per world: its parameters, its tipping share of the gross
  with interval, its verdict, and the chance of a fall at the claim's share with interval;
* ``worlds.json``: that table's location, the share of worlds per verdict with Wilson
  intervals, the tipping share's distribution across worlds, the sensitivity indices and
  the PRIM boxes, with the plan and the time taken.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiments import results, storage
from sim.experiments.batch import SEED_RULE, RunSpec, run_batch, seed_for
from sim.studies.worlds import answers, discovery
from sim.studies.worlds.measure import MODEL, OUTCOMES, summarize, world_params
from sim.studies.worlds.plan import WorldsPlan, plan_from

LOG = logging.getLogger(__name__)
TABLE = "worlds.parquet"


def specs_for(scenario: Any, plan: WorldsPlan, worlds: list[dict[str, Any]]) -> list[RunSpec]:
    """Every probed run of every world, in world order."""
    budget = plan.budget
    specs = []
    for w, world in enumerate(worlds):
        params = world_params({**scenario.params, **world}, budget)
        specs += [RunSpec(MODEL, w, r, params, seed_for(scenario.seed, w, r), budget.horizon,
                          budget.horizon) for r in range(budget.runs)]
    return specs


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if v is pd.NA or (isinstance(v, float) and math.isnan(v)) else v)
            for k, v in row.items()}


def world_table(runs: pd.DataFrame, plan: WorldsPlan, worlds: list[dict[str, Any]]
                ) -> pd.DataFrame:
    """One row per world: its parameters and :func:`summarize` of its stored runs."""
    rows = []
    ok = runs[runs["status"] == "ok"]
    for w, world in enumerate(worlds):
        mine = ok[ok["point_id"] == w].sort_values("replicate")
        outcomes = [_plain(r) for r in mine[list(OUTCOMES)].to_dict("records")]
        answer = summarize(outcomes, plan.budget) if outcomes else {"verdict": None}
        rows.append({"world": w, **world, **answer,
                     "failed": int((runs["point_id"] == w).sum() - len(mine))})
    return pd.DataFrame(rows)


def answer(table: pd.DataFrame, plan: WorldsPlan, seed: int) -> dict[str, Any]:
    """The study's answers from the world table."""
    budget = plan.budget
    measured = table[table["verdict"].notna()]
    share = pd.to_numeric(measured["tipping_share_gross"], errors="coerce")
    claim = f"{budget.claim:.0%}"
    x = measured[list(plan.ranges)]
    supported = (measured["verdict"] == "supported").to_numpy()
    not_excluded = (measured["verdict"] != "excluded").to_numpy()
    prim = {"peel_alpha": plan.peel_alpha, "mass_min": plan.mass_min,
            "min_coverage": plan.min_coverage}
    falls = pd.to_numeric(measured["p_fall_at_claim"], errors="coerce")
    return {
        "verdicts": answers.verdict_shares(measured["verdict"], budget.level),
        "tipping_share_gross": answers.distribution(share, budget.claim),
        "p_fall_at_claim": {"mean": float(falls.mean()) if falls.notna().any() else None,
                            "median": float(falls.median()) if falls.notna().any() else None,
                            "worlds": int(falls.notna().sum())},
        "sensitivity": answers.sensitivity(x, share, plan.ranges, plan.sensitivity, seed,
                                           budget.level),
        "boxes": {
            "supported": discovery.boxes(x, supported, f"{claim} is supported", **prim),
            "not_excluded": discovery.boxes(x, not_excluded, f"{claim} is not excluded",
                                            **prim)},
    }


def run_study(scenario: Any, out: Path, workers: int | None = None, dask: str | None = None,
              progress: bool = True) -> dict[str, Any]:
    """Run the scenario's worlds study and write ``out/worlds.parquet`` and
    ``out/worlds.json``; return what the JSON holds."""
    start = time.perf_counter()
    plan = plan_from(scenario)
    out = Path(out)
    units, worlds = plan.draw(scenario.seed)
    specs = specs_for(scenario, plan, worlds)
    budget = plan.budget
    LOG.info(f"{plan.n} worlds ({plan.method}) over {len(plan.ranges)} parameters, "
        f"{budget.runs} probed runs each ({len(specs)} runs), horizon {budget.horizon} weeks")
    manifest = results.manifest(
        scenario, scenario.resolved(), {"root_seed": scenario.seed, "rule": SEED_RULE},
        kind="worlds", model=MODEL, steps=budget.horizon, worlds=plan_json(plan))
    report = run_batch(specs, out, manifest, workers=workers, dask=dask, progress=progress,
                       reporters=("platform_share",))
    runs = storage.load_runs(out)
    runs = runs[runs["run_id"].isin({s.run_id for s in specs})]
    table = world_table(runs, plan, worlds)
    table[[f"u_{k}" for k in plan.ranges]] = units
    results.write_parquet(out / TABLE, table)
    result = {"scenario": scenario.name, "table": TABLE, "plan": plan_json(plan),
              "worlds": plan.n, "n_runs": len(specs), "n_reused": report.n_skipped,
              "n_failed": int((runs["status"] != "ok").sum()),
              "errors": report.errors, **answer(table, plan, scenario.seed),
              "seconds": time.perf_counter() - start}
    result = results.json_ready(result)
    results.write_json(out / "worlds.json", result)
    return result


def plan_json(plan: WorldsPlan) -> dict[str, Any]:
    data = dataclasses.asdict(plan)
    data["ranges"] = {k: list(v) for k, v in plan.ranges.items()}
    return data
