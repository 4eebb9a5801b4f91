"""The cascade study: does the fall of one incumbent lower the tipping share of the next?

A ``sector_market`` scenario with a ``[cascade]`` table; its points (usually
``[sweep] spillover = [0, 0.5, 1]``) and replicates are run with the project's seed rule
(:func:`sim.experiments.batch.seed_for`). Each run goes to the horizon with a checkpoint of
the whole market every ``interval`` weeks. For each sector whose incumbent fell, its point
of no return is the earliest checkpoint from which that incumbent still falls within the
horizon when the market is forked there and the sector is closed to newcomers
(``platform_open_to_new`` off in that sector: docs/sources.md's tipping share, with ``forks`` forks
per checkpoint and "falls in at least half"). The earliest such checkpoint is found by
bisection, which assumes that a fall once inevitable stays so. The sector's tipping share is
the platform's share of its gross that week; ``fallen_before`` counts the other incumbents
fallen by then. Shares are summarised per spillover, sector and ``fallen_before`` with
percentile-bootstrap 95% intervals over runs.
"""

from __future__ import annotations

import copy
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.batch import RunSpec, specs_for
from sim.experiments.scenarios import Scenario, ScenarioError
from sim.studies.bootstrap import bootstrap_mean

CASCADE_KEYS = {"interval": "weeks between checkpoints, 1 to 520",
                "forks": "forks per checkpoint, 1 to 15 (odd: a strict majority)",
                "bootstrap": "bootstrap resamples, 100 to 100000"}


def spec_from(scenario: Scenario) -> dict[str, int]:
    """The ``[cascade]`` table, checked (one clear line naming file and key on error)."""
    if scenario.model != "sector_market":
        raise ScenarioError(f"{scenario.path}: model: the cascade study needs model = "
                            f'"sector_market", not "{scenario.model}"')
    table = scenario.cascade or {}
    limits = {"interval": (1, 520, 13), "forks": (1, 15, 1), "bootstrap": (100, 100_000, 2000)}
    spec = {}
    for key in table:
        if key not in limits:
            raise ScenarioError(f"{scenario.path}: cascade.{key}: unknown key; allowed: "
                                + ", ".join(limits))
    for key, (low, high, default) in limits.items():
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ScenarioError(f"{scenario.path}: cascade.{key}: got {value!r}, allowed: "
                                f"{CASCADE_KEYS[key]}")
        spec[key] = value
    return spec


def _falls(checkpoint: Any, sector: str, steps: int, seeds: list[np.random.SeedSequence]
           ) -> bool:
    """Does ``sector``'s incumbent still fall within ``steps`` weeks in at least half of the
    forks of ``checkpoint`` with the sector closed to newcomers?"""
    falls = 0
    for seed in seeds:
        twin = checkpoint.fork(seed)
        twin.sectors[sector].set_param("platform_open_to_new", False)
        while twin.steps < steps and twin.sectors[sector].factory.alive:
            twin.step()
        falls += not twin.sectors[sector].factory.alive
    return 2 * falls >= len(seeds)


def no_return_run(spec: RunSpec, interval: int, forks: int) -> list[dict[str, Any]]:
    """One run of the study: a row per sector present (see the module docstring)."""
    from sim.model.sectors.market import SectorMarket, loss_week

    model = SectorMarket(rng=np.random.default_rng(spec.seed), **spec.params)
    checkpoints = {0: copy.deepcopy(model)}
    while model.steps < spec.steps:
        model.step()
        if model.steps % interval == 0 and model.steps < spec.steps:
            checkpoints[model.steps] = copy.deepcopy(model)
    rows = []
    for k, (name, sector) in enumerate(model.sectors.items()):
        fall = sector.factory.fall_step
        shares = sector.datacollector.model_vars["platform_share"]
        row = {"point_id": spec.point_id, "replicate": spec.replicate, "seed": spec.seed,
               "spillover": spec.params["spillover"], "sector": name, "fell": fall is not None,
               "fall_step": fall, "no_return_week": None, "tipping_share": None,
               "fallen_before": None, "share_at_loss": None, "forks_run": 0,
               "share_max": float(max(shares))}
        if fall is not None:
            weeks = [w for w in checkpoints if w < fall]
            lo, hi, ran = 0, len(weeks), 0  # earliest index whose checkpoint is doomed
            while lo < hi:
                mid = (lo + hi) // 2
                seeds = np.random.SeedSequence(spec.seed, spawn_key=(k, weeks[mid])).spawn(
                    forks)
                ran += forks
                if _falls(checkpoints[weeks[mid]], name, spec.steps, seeds):
                    hi = mid
                else:
                    lo = mid + 1
            week = weeks[lo] if lo < len(weeks) else fall
            loss = loss_week(sector)
            row.update(no_return_week=week, tipping_share=float(shares[max(week, 1) - 1]),
                       fallen_before=sum(1 for other, s in model.sectors.items()
                                         if other != name and s.factory.fall_step is not None
                                         and s.factory.fall_step <= week),
                       share_at_loss=float(shares[loss - 1]), forks_run=ran)
        rows.append(row)
    return rows


def _run(args: tuple[RunSpec, int, int]) -> list[dict[str, Any]]:
    return no_return_run(*args)


def run_study(scenario: Scenario, workers: int | None = None) -> tuple[pd.DataFrame, float]:
    """Every run of the study (a row per run and sector) and the seconds it took."""
    spec = spec_from(scenario)
    start = time.perf_counter()
    jobs = [(s, spec["interval"], spec["forks"]) for s in specs_for(scenario)]
    slots = workers or len(os.sched_getaffinity(0))
    if slots == 1:
        results = [_run(job) for job in jobs]
    else:
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(slots, mp_context=context) as pool:
            results = list(pool.map(_run, jobs))
    frame = pd.DataFrame([row for rows in results for row in rows])
    for column in ("fall_step", "no_return_week", "fallen_before"):
        frame[column] = frame[column].astype("Int64")
    for column in ("tipping_share", "share_at_loss"):
        frame[column] = frame[column].astype(float)
    return frame, time.perf_counter() - start


def summarize(runs: pd.DataFrame, seed: int, resamples: int) -> pd.DataFrame:
    """Per spillover, sector and number fallen before: runs, falls, tipping share (mean and
    95% interval). Rows with no fall count in ``runs`` of the (spillover, sector) only."""
    rng = np.random.default_rng(seed)
    rows = []
    for (spill, sector), group in runs.groupby(["spillover", "sector"], sort=False):
        fell = group[group["fell"]]
        rows.append({"spillover": spill, "sector": sector, "fallen_before": "any",
                     "runs": len(group), "falls": len(fell),
                     **_shares(fell["tipping_share"], rng, resamples)})
        for before, sub in fell.groupby("fallen_before"):
            rows.append({"spillover": spill, "sector": sector, "fallen_before": str(before),
                         "runs": len(sub), "falls": len(sub),
                         **_shares(sub["tipping_share"], rng, resamples)})
    return pd.DataFrame(rows)


def _shares(values: pd.Series, rng: np.random.Generator, resamples: int) -> dict[str, Any]:
    if values.empty:
        return {"tipping_share": np.nan, "low": np.nan, "high": np.nan}
    mean, low, high = bootstrap_mean(values.to_numpy(), rng, resamples)
    return {"tipping_share": mean, "low": low, "high": high}
