"""The worlds study: draw the worlds, measure each as the verdict measures its point, answer.

:func:`run_study` draws the scenario's ``[worlds]`` over the plausible ranges and runs,
through :func:`sim.experiments.batch.run_batch` (resumable, local processes or Dask):

1. every world's natural-course and largest-push runs (``DIR/regime``; world ``w``'s natural
   course is point ``2w``, its largest push point ``2w + 1``), which place it in its regime;
2. in each threshold world, the fork runs of ``[forks]`` with ``release`` (``DIR/forks``,
   point ``FORK_POINT + w``), which give its tipping share of the gross.

Fork runs are made only where the tipping share is a threshold: in a platform-dominant
world the fall needs no push, in an incumbent-stable one even the largest push does not
bring it. It writes into the results folder:

* ``worlds.parquet``: one row per world (:func:`sim.studies.worlds.measure.summarize`);
* ``worlds.json``: the share of worlds per regime, the tipping share and the verdicts in
  the threshold worlds, the predictive reading across worlds, the PRIM boxes for threshold
  worlds and supported worlds, and the global sensitivity, with the plan and the time taken.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments import results, storage
from sim.experiments.results import json_ready, write_json, write_parquet
from sim.studies.fork_study import FORK_POINT, fork_specs, run_fork_specs
from sim.studies.verdict.study import regime_specs, run_regime_specs
from sim.studies.worlds import answers, discovery
from sim.studies.worlds.measure import YEARS, summarize
from sim.studies.worlds.plan import WorldsPlan, plan_from

LOG = logging.getLogger(__name__)
TABLE = "worlds.parquet"


def world_scenario(scenario: Any, world: dict[str, Any]) -> Any:
    """The scenario with one world's parameter values, as the study runs the world."""
    return dataclasses.replace(scenario, params={**scenario.params, **world})


def measure_worlds(scenario: Any, plan: WorldsPlan, worlds: list[dict[str, Any]], out: Path,
                   **batch: Any) -> pd.DataFrame:
    """Run every world's regime runs, then the fork runs of its threshold worlds; one row
    per world: its parameters and its answer."""
    specs = [s for w, world in enumerate(worlds) for s in regime_specs(
        world_scenario(scenario, world), {}, plan.largest_push, plan.regime_runs, point=2 * w)]
    LOG.info("Regime: %d worlds, %d natural-course and %d largest-push runs each (%d runs)",
             len(worlds), plan.regime_runs, plan.regime_runs, len(specs))
    regime = run_regime_specs(scenario, specs, plan.largest_push, out / "regime", **batch)
    series = storage.load_series(out / "regime")
    series = series[series["run_id"].isin(set(regime["run_id"]))]
    rows = answer_worlds(scenario, plan, worlds, range(len(worlds)), regime, regime, series,
                         out / "forks", **batch)
    return pd.DataFrame([{"world": w, **world, **rows[w]} for w, world in enumerate(worlds)])


def answer_worlds(scenario: Any, plan: WorldsPlan, worlds: list[dict[str, Any]],
                  chosen: Iterable[int], natural: pd.DataFrame, pushed: pd.DataFrame,
                  series: pd.DataFrame, forks_out: Path, **batch: Any
                  ) -> dict[int, dict[str, Any]]:
    """The rows (:func:`summarize`) of worlds ``chosen`` from their natural-course runs
    (point ``2w`` of ``natural``) and largest-push runs (point ``2w + 1`` of ``pushed``),
    whose platform shares ``series`` holds; in those that are threshold worlds, after the
    fork runs with ``release`` (point ``FORK_POINT + w``, into ``forks_out``)."""
    by_world = {w: (natural[natural["point_id"] == 2 * w], pushed[pushed["point_id"] == 2 * w + 1])
                for w in chosen}
    rows = {w: summarize(nat, push, None, series, plan, scenario.steps)
            for w, (nat, push) in by_world.items()}
    threshold = [w for w, row in rows.items() if row["regime"] == "threshold"]
    if threshold:
        forks = plan.fork_plan
        specs = [s for w in threshold for s in fork_specs(
            world_scenario(scenario, worlds[w]), "trust_market", {}, forks, "release",
            point=FORK_POINT + w)]
        LOG.info("Forks (release): %d threshold worlds, %d runs each (%d runs)",
                 len(threshold), forks.runs, len(specs))
        stored = run_fork_specs(scenario, specs, forks, "release", forks_out, **batch)
        for w in threshold:
            rows[w] = summarize(*by_world[w], stored[stored["point_id"] == FORK_POINT + w],
                                series, plan, scenario.steps)
    return rows


def _boxes(x: pd.DataFrame, y: np.ndarray, what: str, none: str, every: str,
           plan: WorldsPlan) -> dict[str, Any]:
    """PRIM boxes for ``y``, or none with the reason why (no such world, or all)."""
    if not y.any() or y.all():
        return {"boxes": [], "note": none if not y.any() else every, "worlds": int(y.sum())}
    found = discovery.boxes(x, y, what, plan.peel_alpha, plan.mass_min, plan.min_coverage)
    return {"boxes": found, "note": None if found else "PRIM found no box denser than the "
            "worlds as a whole", "worlds": int(y.sum())}


def answer(table: pd.DataFrame, plan: WorldsPlan, seed: int) -> dict[str, Any]:
    """The study's answers from the world table."""
    claim = f"{plan.claim:.0%}"
    x = table[list(plan.ranges)]
    threshold = (table["regime"] == "threshold").to_numpy()
    supported = (table["verdict"] == "supported").to_numpy()
    share = pd.to_numeric(table["tipping_share_gross"], errors="coerce")
    natural = pd.to_numeric(table[f"natural_share_{YEARS[1]}y"], errors="coerce")
    dominant = (table["regime"] == "platform-dominant").astype(float)
    # The tipping share over every world: 0 where the fall is inevitable from the start
    # (platform-dominant), the measured share in threshold worlds, none where even the
    # largest push does not bring the fall (incumbent-stable) or no point was reached.
    every = share.where(table["regime"] != "platform-dominant", 0.0)
    return {
        "regimes": answers.regime_shares(table["regime"], plan.level),
        "tipping_share_gross": answers.distribution(share[threshold], plan.claim),
        "verdicts": answers.verdict_shares(table.loc[threshold, "verdict"], plan.level),
        "predictive": answers.predictive(pd.to_numeric(table["p_fall_at_claim"],
                                                       errors="coerce"),
                                         table["regime"], plan.claim, plan.window, plan.level),
        "boxes": {
            "threshold": _boxes(x, threshold, "The world is a threshold world",
                                "no threshold world: nothing to bound",
                                "every world is a threshold world: nothing to bound", plan),
            "supported": _boxes(x, supported, f"{claim} is supported",
                                f"no world where {claim} is supported: nothing to bound",
                                f"{claim} is supported in every world: nothing to bound",
                                plan)},
        "sensitivity": {
            "tipping_share_gross": answers.sensitivity(
                x[threshold], share[threshold], plan.ranges, plan.sensitivity, seed,
                plan.level),
            f"natural_share_{YEARS[1]}y": answers.sensitivity(
                x, natural, plan.ranges, plan.sensitivity, seed, plan.level),
            # over every world: what decides whether there is a threshold to find at all
            "platform_dominant": answers.sensitivity(
                x, dominant, plan.ranges, plan.sensitivity, seed, plan.level),
            "tipping_share_every_world": answers.sensitivity(
                x, every, plan.ranges, plan.sensitivity, seed, plan.level)},
        "screen": {
            "tipping_share_gross": answers.rank_screen(x[threshold], share[threshold],
                                                       list(plan.ranges)),
            "platform_dominant": answers.rank_screen(x, dominant, list(plan.ranges)),
            "tipping_share_every_world": answers.rank_screen(x, every, list(plan.ranges))},
    }


def run_study(scenario: Any, out: Path, workers: int | None = None, dask: str | None = None,
              progress: bool = True) -> dict[str, Any]:
    """Run the scenario's worlds study and write ``out/worlds.parquet`` and
    ``out/worlds.json``; return what the JSON holds."""
    start = time.perf_counter()
    plan = plan_from(scenario)
    out = results.study_folder(out, scenario, "worlds")
    units, worlds = plan.draw(scenario.seed)
    LOG.info(f"{plan.n} worlds ({plan.method}) over {len(plan.ranges)} parameters, "
             f"horizon {scenario.steps} weeks")
    table = measure_worlds(scenario, plan, worlds, out, workers=workers, dask=dask,
                           progress=progress)
    table[[f"u_{k}" for k in plan.ranges]] = units
    write_parquet(out / TABLE, table)
    n_runs = int(2 * plan.regime_runs * plan.n
                 + plan.forks["runs"] * (table["regime"] == "threshold").sum())
    result = {"scenario": scenario.name, "table": TABLE, "plan": plan_json(plan),
              "worlds": plan.n, "horizon": scenario.steps, "n_runs": n_runs,
              **answer(table, plan, scenario.seed), "seconds": time.perf_counter() - start}
    result = json_ready(result)
    write_json(out / "worlds.json", result)
    return result


def plan_json(plan: WorldsPlan) -> dict[str, Any]:
    """The plan as JSON: its settings, the ranges as lists and the ``[forks]`` settings."""
    data = dataclasses.asdict(plan)
    data["ranges"] = {k: list(v) for k, v in plan.ranges.items()}
    data["forks"] = {k: list(v) if isinstance(v, tuple) else v for k, v in plan.forks.items()}
    return data
