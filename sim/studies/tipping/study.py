"""The tipping study: a scenario's ``[tipping]`` table run through the batch runner.

:func:`run_study` runs a scenario's ``[tipping]`` table (:class:`TippingPlan`; one adaptive
design per point of its ``[sweep]``/``[sample]``) and writes ``DIR/tipping.json``: per point
``estimate``, ``ci_low``, ``ci_high``, ``width``, ``n_runs``, ``claim``,
``claim_inside_ci`` (for figures; never a verdict alone), ``margin``, ``flat``, ``verdict``
(:func:`sim.studies.verdict.decision.decide`), ``break_even_share``, ``variable``,
``outcome`` and the design's runs and events at each value, under ``estimates``; with one
point these also sit at the top.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.experiments import results, storage
from sim.experiments.batch import SEED_RULE, run_batch, run_specs
from sim.experiments.scenario_tables import (
    Setting,
    check_table,
    choice,
    declare,
    fail,
    parameter,
    parameter_value,
)
from sim.model.essay_claim import CLAIM_SHARE
from sim.model.parameters import ParameterError
from sim.model.registry import comparators, outcome_types, resolve_params
from sim.studies.tipping.design import Design
from sim.studies.tipping.fit import beyond_range
from sim.studies.verdict.decision import decide, is_flat

LOG = logging.getLogger(__name__)


SETTINGS = declare(
    Setting("variable", "committed_share", form=object,
            description="a number parameter of the model (default committed_share)"),
    Setting("low", 0.0, description="a number: the lowest value of the variable",
            required=True),
    Setting("high", 0.5, description="a number above low: the highest value of the variable",
            required=True),
    Setting("outcome", "incumbent_fell", form=object,
            description="a true/false outcome of the model (default incumbent_fell)"),
    Setting("claim", CLAIM_SHARE,
            description=f"a number: the claimed critical value (default {CLAIM_SHARE:.2f})"),
    Setting("budget", 120, 1, 10_000_000,
            description="a whole number of runs per point, at least grid x replicates"),
    Setting("grid", 7, 3, 101, description="a whole number of coarse grid values, 3 to 101"),
    Setting("replicates", 4, 1, 1000,
            description="a whole number of runs per coarse grid value, 1 to 1000"),
    Setting("batch", 24, 1, 100_000,
            description="a whole number of runs per adaptive round, 1 to 100000"),
    Setting("level", 0.95, 0.5, 0.999,
            description="the confidence level, a number in [0.5, 0.999]"),
    Setting("target", 0.5, 0.01, 0.99, description="the probability at which the critical "
            "value is read, in [0.01, 0.99] (default 0.5)"),
    Setting("margin", 0.05, 0.0, 0.5, description="a number in [0, 0.5]: how close to the "
            "claim an interval must lie to support it (default 0.05)"),
)

TABLES = {"tipping": SETTINGS}  # the scenario tables the study reads


@dataclass(frozen=True)
class TippingPlan:
    """What to estimate and how many runs to spend (the scenario's ``[tipping]`` table,
    declared in :data:`SETTINGS`)."""

    variable: str = SETTINGS["variable"].default
    low: float = SETTINGS["low"].default
    high: float = SETTINGS["high"].default
    outcome: str = SETTINGS["outcome"].default
    claim: float = SETTINGS["claim"].default
    budget: int = SETTINGS["budget"].default
    grid: int = SETTINGS["grid"].default
    replicates: int = SETTINGS["replicates"].default
    batch: int = SETTINGS["batch"].default
    level: float = SETTINGS["level"].default
    target: float = SETTINGS["target"].default
    margin: float = SETTINGS["margin"].default


def plan_from(scenario: Any) -> TippingPlan:
    """The scenario's ``[tipping]`` table checked and filled in with the defaults.

    Errors read ``FILE: tipping.KEY: message`` and raise ScenarioError.
    """
    path, raw, model = scenario.path, scenario.tipping, scenario.model
    if raw is None:
        raise fail(path, "tipping", "missing; a tipping study needs a [tipping] table with low "
                   "and high")
    values = check_table(path, "tipping", raw, SETTINGS)
    variable = parameter(path, "tipping.variable", resolve_params(model, {}),
                         values["variable"], (float,))
    if variable in scenario.params or variable in scenario.sweep or (
            scenario.sample and variable in scenario.sample.ranges):
        raise fail(path, "tipping.variable", f"'{variable}' is also set in [params], [sweep] "
                   "or [sample]; the tipping study varies it")
    for key in ("low", "high"):
        parameter_value(path, f"tipping.{key}", model, variable, values[key])
        for point in scenario.points():  # each rule between parameters is monotone or
            try:                         # concave in each one: both ends suffice
                resolve_params(model, {**scenario.params, **point, variable: values[key]})
            except ParameterError as error:
                raise fail(path, f"tipping.{key}", str(error)) from None
    if not values["low"] < values["high"]:
        raise fail(path, "tipping.high", f"got {values['high']!r}, allowed: "
                   f"{SETTINGS['high'].allowed()}")
    choice(path, "tipping.outcome", values["outcome"],
           [k for k, v in outcome_types(model).items() if v == "bool"])
    if values["budget"] < values["grid"] * values["replicates"]:
        raise fail(path, "tipping.budget", f"got {values['budget']}, allowed: "
                   f"{SETTINGS['budget'].allowed()} ({values['grid'] * values['replicates']})")
    return TippingPlan(**values)


def summarize(design: Design, params: dict[str, Any], model: str) -> dict[str, Any]:
    """One tipping estimate as stored in ``tipping.json``.

    If no run (or every run) shows the outcome, or the fitted curve crosses the target
    outside ``[low, high]``, there is no estimate and the interval is open on that side.
    """
    s = design.plan
    x, n, k = design.table()
    failed = len(design.trials) - design.n_runs
    result: dict[str, Any] = {
        "variable": s.variable, "outcome": s.outcome, "low": s.low, "high": s.high,
        "claim": s.claim, "level": s.level, "target": s.target, "n_runs": design.n_runs,
        "n_failed": failed,
        **comparators(model, params)}
    fit = design.fit() if design.transition_seen() else None
    beyond = fit is not None and math.isfinite(fit.estimate) and not (
        s.low <= fit.estimate <= s.high)
    if beyond and is_flat(x, n, k, s.level):  # no trend, and a crossing far outside: flat
        result |= {"estimate": None, "ci_low": None, "ci_high": None, "width": None,
                   "claim_inside_ci": True, "separated": False, "intercept": fit.intercept,
                   "slope": fit.slope, "covariance": fit.covariance, "transition": "flat"}
    elif beyond:
        side, low, high = beyond_range(fit, s.low, s.high)
        below = side == "below"
        result |= {"estimate": None, "ci_low": low, "ci_high": high, "width": fit.width,
                   "claim_inside_ci": (s.claim <= high) if below else (s.claim >= low),
                   "separated": fit.separated, "intercept": fit.intercept,
                   "slope": fit.slope, "covariance": fit.covariance,
                   "transition": "below" if below else "above"}
    elif fit is not None and math.isfinite(fit.estimate):
        result |= {"estimate": fit.estimate, "ci_low": fit.ci_low, "ci_high": fit.ci_high,
                   "width": fit.width, "claim_inside_ci": fit.covers(s.claim),
                   "separated": fit.separated, "intercept": fit.intercept,
                   "slope": fit.slope, "covariance": fit.covariance, "transition": "inside"}
    elif fit is not None:  # both outcomes but no trend: s* could be anywhere
        result |= {"estimate": None, "ci_low": None, "ci_high": None, "width": None,
                   "claim_inside_ci": True, "separated": False, "intercept": fit.intercept,
                   "slope": 0.0, "covariance": fit.covariance, "transition": "flat"}
    else:
        never = k.sum() == 0
        low, high = (s.high, None) if never else (None, s.low)
        result |= {"estimate": None, "ci_low": low, "ci_high": high, "width": None,
                   "claim_inside_ci": (s.claim > s.high) if never else (s.claim < s.low),
                   "separated": None, "intercept": None, "slope": None, "covariance": None,
                   "transition": "above" if never else "below"}
    result["design"] = [{"x": float(a), "runs": int(b), "events": int(c)}
                        for a, b, c in zip(x, n, k, strict=True)]
    flat = result["transition"] == "flat" or (
        result["transition"] == "inside" and is_flat(x, n, k, s.level))
    result |= {"margin": s.margin, "flat": bool(flat),
               "verdict": decide(result["ci_low"], result["ci_high"], s.claim, s.margin, flat)}
    return result


def study_manifest(scenario: Any, plan: TippingPlan) -> dict[str, Any]:
    """The manifest of the study's runs folder: what a folder must hold to take its runs."""
    return results.manifest(
        scenario, scenario.resolved(), {"root_seed": scenario.seed, "rule": SEED_RULE},
        kind="tipping", model=scenario.model, steps=scenario.steps, every=scenario.every,
        n_points=len(scenario.points()), tipping=asdict(plan))


def run_study(scenario: Any, out: Path, workers: int | None = None, dask: str | None = None,
              progress: bool = True) -> dict[str, Any]:
    """Run the scenario's tipping study (one design per sweep/sample point) through the
    batch runner, resumably, and write ``out/tipping.json``; return what it holds. Each
    round is logged (INFO)."""
    start = time.perf_counter()
    plan = plan_from(scenario)
    points = scenario.points()
    designs = [Design(plan) for _ in points]
    stride = designs[0].size + 1
    manifest = study_manifest(scenario, plan)
    round_no = 0
    while proposals := [(i, t) for i, d in enumerate(designs) for t in d.propose()]:
        round_no += 1
        specs = [run_specs(scenario, i * stride + t.point, {**points[i], plan.variable: t.x},
                           [t.replicate])[0] for i, t in proposals]
        done = sum(len(d.trials) for d in designs)
        xs = sorted({round(t.x, 4) for _, t in proposals})
        where = (f"{plan.variable} = {xs[0]:g} to {xs[-1]:g}" if len(xs) > 1
                 else f"{plan.variable} = {xs[0]:g}")
        LOG.info("Round %d: %d runs at %s (%d done so far)", round_no, len(specs), where, done)
        report = run_batch(specs, out, manifest, workers=workers, dask=dask,
                           progress=progress, reporters=scenario.reporters)
        if report.errors:
            LOG.info("  %d runs failed, e.g. %s", report.n_failed, report.errors[0])
        stored = storage.load_runs(out).set_index("run_id")[[plan.outcome, "status"]]
        for i, design in enumerate(designs):
            mine = [(t, s) for (j, t), s in zip(proposals, specs, strict=True) if j == i]
            if mine:
                rows = stored.loc[[s.run_id for _, s in mine]]
                y = rows[plan.outcome].astype("Float64").to_numpy(float, na_value=np.nan)
                y[rows["status"].to_numpy() != "ok"] = np.nan
                design.record([t for t, _ in mine], y)
    estimates = [{"params": point, **summarize(d, resolve_params(
        scenario.model, {**scenario.params, **point}), scenario.model)}
        for point, d in zip(points, designs, strict=True)]
    result: dict[str, Any] = {
        "scenario": scenario.name, "model": scenario.model, "variable": plan.variable,
        "outcome": plan.outcome, "claim": plan.claim, "level": plan.level,
        "steps": scenario.steps, "varied": sorted({k for p in points for k in p}),
        "n_runs": sum(e["n_runs"] for e in estimates), "seconds": time.perf_counter() - start}
    if len(estimates) == 1:
        result |= {k: v for k, v in estimates[0].items() if k != "params"}
    result["estimates"] = estimates
    results.write_json(Path(out) / "tipping.json", result)
    return result
