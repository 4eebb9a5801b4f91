"""Global sensitivity (SALib): Morris screening and Sobol indices of one outcome.

A scenario's ``[sensitivity]`` table names the parameters and their ranges, the outcome
(``incumbent_fell`` gives the fall probability: the mean over ``replicates`` runs at each
sample point) and the design sizes. :func:`analyse` is model-free (a callback evaluates
the sample); :func:`run_study` evaluates it with the batch runner, resumably, and writes
``DIR/sensitivity.json``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample

from sim.experiments import results, storage
from sim.experiments.batch import SEED_RULE, run_batch, run_specs
from sim.experiments.scenario_tables import (
    RANGE,
    Setting,
    check_table,
    check_value,
    choice,
    declare,
    fail,
    parameter,
    parameter_value,
)
from sim.experiments.scenarios import morris_unit, scale
from sim.model.registry import outcome_types, resolve_params

LOG = logging.getLogger(__name__)

METHODS = ("morris", "sobol")
SETTINGS = declare(
    Setting("methods", METHODS, form=list, description='a non-empty list of "morris" and '
            '"sobol"', test=lambda v: bool(v) and set(v) <= set(METHODS)),
    Setting("output", "incumbent_fell", form=object, description="a number or true/false "
            "outcome of the model (default incumbent_fell)"),
    Setting("ranges", {}, description="a table: each number parameter [low, high] with low < "
            "high (two or more)", test=lambda v: len(v) >= 2, required=True),
    Setting("trajectories", 10, 2, 10_000,
            description="a whole number of Morris trajectories, 2 to 10000"),
    Setting("levels", 4, 2, 100, description="an even whole number of Morris grid levels, 2 "
            "to 100", test=lambda v: v % 2 == 0),
    Setting("n", 64, 2, 65_536, description="a power of 2: the Sobol base sample (runs N x "
            "(parameters + 2)), 2 to 65536", test=lambda v: v & (v - 1) == 0),
    Setting("replicates", 2, 1, 1000,
            description="a whole number of runs per sample point, 1 to 1000"),
)

TABLES = {"sensitivity": SETTINGS}  # the scenario tables the study reads


@dataclass(frozen=True)
class SensitivityPlan:
    """The ``[sensitivity]`` table, checked (declared in :data:`SETTINGS`)."""

    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    methods: tuple[str, ...] = SETTINGS["methods"].default
    output: str = SETTINGS["output"].default
    trajectories: int = SETTINGS["trajectories"].default
    levels: int = SETTINGS["levels"].default
    n: int = SETTINGS["n"].default
    replicates: int = SETTINGS["replicates"].default

    @property
    def problem(self) -> dict[str, Any]:
        """The SALib problem definition, on the unit cube: samples are drawn there and
        scaled into the ranges by :func:`sim.experiments.scenarios.scale`."""
        return {"num_vars": len(self.ranges), "names": list(self.ranges),
                "bounds": [[0.0, 1.0]] * len(self.ranges)}


def plan_from(scenario: Any) -> SensitivityPlan:
    """The scenario's ``[sensitivity]`` table checked; errors read ``FILE: sensitivity.KEY:
    message`` and raise ScenarioError."""
    path, raw, model = scenario.path, scenario.sensitivity, scenario.model
    if raw is None:
        raise fail(path, "sensitivity", "missing; a sensitivity study needs a [sensitivity] "
                   "table with ranges")
    values = check_table(path, "sensitivity", raw, SETTINGS)
    choice(path, "sensitivity.output", values["output"],
           [k for k, v in outcome_types(model).items() if v != "string"])
    defaults = resolve_params(model, {})
    taken = {**scenario.params, **scenario.sweep}
    checked = {}
    for name, bounds in values["ranges"].items():
        key = f"sensitivity.ranges.{name}"
        kind = type(defaults[parameter(path, key, defaults, name, (int, float))])
        if name in taken:
            raise fail(path, key, "also set in [params] or [sweep]; set it in one place")
        check_value(path, key, bounds, RANGE)
        checked[name] = tuple(kind(parameter_value(path, key, model, name, b)) for b in bounds)
    return SensitivityPlan(checked, tuple(dict.fromkeys(values["methods"])), values["output"],
                           values["trajectories"], values["levels"], values["n"],
                           values["replicates"])


def designs(plan: SensitivityPlan, seed: int) -> dict[str, np.ndarray]:
    """The sample of each method in the unit cube, one row per point (Morris:
    :func:`sim.experiments.scenarios.morris_unit`; Sobol: Saltelli's scheme, first and total
    order only)."""
    out = {}
    if "morris" in plan.methods:
        out["morris"] = morris_unit(list(plan.ranges), plan.trajectories, plan.levels, seed)
    if "sobol" in plan.methods:
        out["sobol"] = sobol_sample.sample(plan.problem, plan.n, calc_second_order=False,
                                           seed=seed)
    return out


def analyse(plan: SensitivityPlan, evaluate: Callable[[str, np.ndarray], np.ndarray],
            seed: int = 0) -> dict[str, Any]:
    """Sample, ``evaluate(method, X)`` for the outputs, and compute the indices with their
    95% confidence intervals (bootstrap): Morris mu*, sigma; Sobol S1 and ST."""
    out: dict[str, Any] = {}
    for method, x in designs(plan, seed).items():
        y = np.asarray(evaluate(method, x), float)
        if method == "morris":
            s = morris_analyze.analyze(plan.problem, x, y, num_levels=plan.levels,
                                       num_resamples=1000, conf_level=0.95, seed=seed)
            keys = ("mu", "mu_star", "mu_star_conf", "sigma")
        else:
            s = sobol_analyze.analyze(plan.problem, y, calc_second_order=False,
                                      num_resamples=1000, conf_level=0.95, seed=seed)
            keys = ("S1", "S1_conf", "ST", "ST_conf")
        out[method] = {"n_points": int(len(x)), "indices": {
            name: {k: float(s[k][i]) for k in keys} for i, name in enumerate(plan.ranges)}}
    return out


def run_study(scenario: Any, out: Path, workers: int | None = None, dask: str | None = None,
              progress: bool = True) -> dict[str, Any]:
    """Run the scenario's sensitivity study through the batch runner and write
    ``out/sensitivity.json``; return what it holds."""
    start = time.perf_counter()
    plan = plan_from(scenario)
    samples = designs(plan, scenario.seed)
    offsets, specs, next_id = {}, [], 0
    for method, x in samples.items():
        offsets[method] = next_id
        for i, point in enumerate(scale(plan.ranges, x)):
            specs += run_specs(scenario, next_id + i, point, range(plan.replicates))
        next_id += len(x)
    manifest = results.manifest(
        scenario, scenario.resolved(), {"root_seed": scenario.seed, "rule": SEED_RULE},
        kind="sensitivity", model=scenario.model, steps=scenario.steps,
        sensitivity={**asdict(plan), "ranges": {k: list(v) for k, v in plan.ranges.items()}})
    LOG.info(f"{len(specs)} runs: " + ", ".join(f"{m} {len(x)} points" for m, x in samples.items())
        + f", {plan.replicates} replicates each")
    run_batch(specs, out, manifest, workers=workers, dask=dask, progress=progress,
              reporters=scenario.reporters)
    runs = storage.load_runs(out)
    runs = runs[runs["run_id"].isin({s.run_id for s in specs})]
    failed = int((runs["status"] != "ok").sum())
    mean = runs[runs["status"] == "ok"].groupby("point_id")[plan.output].apply(
        lambda v: float(np.mean(v.astype("Float64").to_numpy(float, na_value=np.nan))))

    def evaluate(method: str, x: np.ndarray) -> np.ndarray:
        ids = offsets[method] + np.arange(len(x))
        return mean.reindex(ids).to_numpy(float)

    indices = analyse(plan, evaluate, scenario.seed)
    result = {"scenario": scenario.name, "model": scenario.model, "output": plan.output,
              "steps": scenario.steps, "replicates": plan.replicates,
              "ranges": {k: list(v) for k, v in plan.ranges.items()},
              "n_runs": len(specs), "n_failed": failed,
              "seconds": time.perf_counter() - start, **indices}
    results.write_json(Path(out) / "sensitivity.json", result)
    return result
