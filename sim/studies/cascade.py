"""The cascade study: does one incumbent's fall lower the next one's tipping share, with time
held fixed?

A ``sector_market`` scenario with a ``[cascade]`` table, a ``[forks]`` table (the fork
experiment of :mod:`sim.experiments.forks`, ``release``) and ``[sweep] spillover = [...]``.
The fork experiment pushes and reads one sector (``fork_sector``): its tipping share is the
platform's share of that sector's gross at its point of no return. In the other sector
(``other``) the platform holds the same committed share in both arms (``other_push``), and
the two arms differ only in whether that sector's incumbent survives it:

* ``standing``: the other incumbent holds a cash reserve of :data:`STANDING_RESERVE` weeks
  of fixed cost, so it cannot fall within the horizon (its weekly loss is at most its fixed
  cost, and the horizon is at most 1,040 weeks);
* ``fallen``: the other incumbent has no reserve, a fixed price and a fixed cost equal to its
  whole contribution, so it falls in its first week (the result gives the latest fall week
  over the runs), and its buyers turn to the platform.

Both arms fork the same sector at the same weeks under the same push, and run ``r`` has the
same seed in both (``seed_for(seed, FORK_POINT + spillover index, r)``), so the difference
``fallen - standing`` in the tipping share (paired bootstrap of medians,
:func:`sim.studies.verdict.arms.paired_median_difference`) is the effect of the other
sector's fall with time held fixed (each run read at its censoring midpoint, as the tipping
share's estimate is). At spillover 0 the sectors do not interact and the
difference is exactly 0. Runs go through the batch runner (resumable, Dask, progress) into
``DIR/forks/ARM``.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from sim.experiments import results
from sim.experiments.scenario_tables import Setting, check_table, declare, fail
from sim.model.sectors.parameters import flat
from sim.studies import fork_study
from sim.studies.fork_study import FORK_POINT, fork_specs, fork_table, run_fork_specs
from sim.studies.verdict.arms import midpoints, paired_median_difference, tipping_summary

ARMS = ("standing", "fallen")
STANDING_RESERVE = 1040.0  # weeks of fixed cost: the largest reserve the model allows
SETTINGS = declare(  # the sectors' defaults depend on the scenario (plan_from)
    Setting("fork_sector", None, form=str, description="a sector present, the one the fork "
            "experiment pushes and reads (default: the last)"),
    Setting("other", None, form=str, description="another sector present, whose incumbent "
            "falls in one arm and stands in the other (default: the first not forked)"),
    Setting("other_push", 0.5, test=lambda v: 0 < v <= 1, description="a number in (0, 1]: "
            "the other sector's committed share, in both arms"),
    Setting("bootstrap", 2000, 100, 100_000,
            description="a whole number of bootstrap resamples, 100 to 100000"),
)

TABLES = {"cascade": SETTINGS, "forks": fork_study.SETTINGS}  # the tables it reads


@dataclasses.dataclass(frozen=True)
class CascadePlan:
    """The ``[cascade]`` table, the spillovers swept and the ``[forks]`` settings."""

    fork_sector: str
    other: str
    spillovers: tuple[float, ...]
    other_push: float = SETTINGS["other_push"].default
    bootstrap: int = SETTINGS["bootstrap"].default
    forks: dict[str, Any] = dataclasses.field(default_factory=dict)

    def arm(self, name: str) -> dict[str, Any]:
        """The other sector's parameters in arm ``name``."""
        push = {flat(self.other, "committed_share"): self.other_push}
        if name == "standing":
            return {**push, flat(self.other, "factory_cash_reserve_weeks"): STANDING_RESERVE}
        return {**push, flat(self.other, "factory_cash_reserve_weeks"): 0.0,
                flat(self.other, "factory_fixed_cost_share"): 1.0,
                flat(self.other, "factory_pricing"): "fixed"}


def plan_from(scenario: Any) -> CascadePlan:
    """The scenario's cascade design, checked (``[cascade]`` against :data:`SETTINGS`);
    errors name file and key (ScenarioError)."""
    path = scenario.path
    if scenario.model != "sector_market":
        raise fail(path, "model", f'the cascade study needs model = "sector_market", not '
                   f'"{scenario.model}"')
    sectors = scenario.resolved()["sectors"].split(",")
    values = check_table(path, "cascade", scenario.cascade or {}, SETTINGS,
                         {"fork_sector": sectors[-1]})
    fork_sector = values["fork_sector"]
    if fork_sector not in sectors:
        raise fail(path, "cascade.fork_sector", f"got {fork_sector!r}, allowed: "
                   f"{SETTINGS['fork_sector'].allowed()} ({', '.join(sectors)})")
    others = [s for s in sectors if s != fork_sector]
    other = values["other"] if values["other"] is not None else next(iter(others), None)
    if other not in others:
        raise fail(path, "cascade.other", f"got {other!r}, allowed: "
                   f"{SETTINGS['other'].allowed()} ({', '.join(others) or 'none'})")
    spill = scenario.sweep.get("spillover")
    if not spill or set(scenario.sweep) != {"spillover"} or scenario.sample:
        raise fail(path, "sweep", "the cascade study compares spillovers; give [sweep] "
                   "spillover = [0.0, ...] and nothing else")
    if scenario.steps > STANDING_RESERVE:
        raise fail(path, "steps", f"got {scenario.steps}, allowed: at most "
                   f"{STANDING_RESERVE:.0f} (the standing incumbent's reserve)")
    return CascadePlan(fork_sector, other, tuple(float(s) for s in spill),
                       values["other_push"], values["bootstrap"], dict(fork_table(scenario)))


def run_study(scenario: Any, out: Path, workers: int | None = None, dask: str | None = None,
              progress: bool = True) -> dict[str, Any]:
    """Run both arms at every spillover and write ``out/cascade.json``; return it."""
    begin = time.perf_counter()
    plan = plan_from(scenario)
    out = results.study_folder(out, scenario, "cascade", model="sector_market_forks")
    fork_plan = SimpleNamespace(**{**plan.forks, "committed_share": None})
    start = ({} if plan.forks["committed_share"] is None else
             {flat(plan.fork_sector, "committed_share"): plan.forks["committed_share"]})
    flat_scenario = dataclasses.replace(scenario, sweep={}, params={
        **scenario.params, "fork_sector": plan.fork_sector})
    stored = {}
    for arm in ARMS:
        specs = [s for i, spill in enumerate(plan.spillovers) for s in fork_specs(
            flat_scenario, "sector_market", {**plan.arm(arm), **start, "spillover": spill},
            fork_plan,
            "release", point=FORK_POINT + i)]
        stored[arm] = run_fork_specs(flat_scenario, specs, fork_plan, "release",
                                     out / "forks" / arm, workers=workers, dask=dask,
                                     progress=progress)
    rng = np.random.default_rng(scenario.seed)
    rows = []
    for i, spill in enumerate(plan.spillovers):
        mine = {arm: stored[arm][stored[arm]["point_id"] == FORK_POINT + i] for arm in ARMS}
        row: dict[str, Any] = {"spillover": spill}
        for arm, runs in mine.items():
            tip = tipping_summary(runs)
            fell = runs[flat(plan.other, "incumbent_fell")].fillna(False).astype(bool)
            weeks = runs[flat(plan.other, "fall_step")].dropna()
            first = runs["tipping_reached"].fillna(False).astype(bool) & runs[
                "share_before"].isna()
            row[arm] = {k: tip[k] for k in ("estimate", "ci_low", "ci_high", "runs", "reached",
                                            "values")} | {
                "past_at_first": int(first.sum()),  # the fall inevitable from the start
                "other_fell": int(fell.sum()),
                "other_last_fall_week": int(weeks.max()) if len(weeks) else None}
        row["difference"] = paired_median_difference(
            midpoints(mine["fallen"]), midpoints(mine["standing"]), plan.bootstrap, rng)
        rows.append(row)
    result = {"scenario": scenario.name, "fork_sector": plan.fork_sector, "other": plan.other,
              "other_push": plan.other_push,
              "steps": scenario.steps, "n_consumers": scenario.resolved()["n_consumers"],
              "forks": {k: list(v) if isinstance(v, tuple) else v
                        for k, v in plan.forks.items()},
              "bootstrap": plan.bootstrap, "by_spillover": rows,
              "n_runs": sum(len(v) for v in stored.values()),
              "seconds": time.perf_counter() - begin}
    results.write_json(out / "cascade.json", result)
    return result
