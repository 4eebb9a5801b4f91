"""The verdict study: the essay's claim answered in its own terms.

For each arm of the scenario's ``[arms]`` (same regime, same seeds), :func:`run_verdict`
runs the ``[tipping]`` dose study (s* of the committed share, through the batch runner) and
the fork experiment of ``[forks]`` (the tipping share of the gross, :mod:`sim.model.forks`),
then writes ``DIR/tipping.json``: the verdict on the claim with its margin, the tipping
share of the gross (median over runs, order-statistic interval), s* and the gross share it
produced, the isotonic check of the logistic shape, s* at several horizons, survival curves
per dose, and the differences between arms. Each arm's runs live in ``DIR/arms/NAME`` and
``DIR/forks/NAME``; running again reuses every stored run.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments import results, storage
from sim.experiments.batch import SEED_RULE, RunSpec, run_batch, seed_for
from sim.experiments.destination import check_out
from sim.experiments.scenarios import ScenarioError
from sim.model.parameters import ParameterError, suggest
from sim.model.registry import resolve_params
from sim.studies import tipping
from sim.studies.verdict import arms as arm_stats
from sim.studies.verdict import gross, horizons, shape
from sim.studies.verdict.decision import decide, is_flat

LOG = logging.getLogger(__name__)
MODEL = "trust_market_forks"
FORK_POINT = 1_000_000  # the point id of fork runs in the seed rule (dose runs use lattice ids)
REGIME = ("factory_pricing", "factory_cash_reserve_weeks", "factory_fixed_cost_share",
          "factory_reprice_every", "factory_cost_cut_rate", "platform_fee", "vendor_unit_cost",
          "habit", "n_consumers")
VERDICT_KEYS = {
    "margin": "a number in (0, 0.5]: how close to the claim an interval must lie",
    "horizons": "a non-empty list of whole numbers of weeks, 1 to steps",
    "boot": "a whole number of bootstrap resamples, 50 to 100000",
}
FORK_KEYS = {
    "every": "a whole number of weeks between checkpoints, 1 to steps",
    "copies": "a whole number of copies per checkpoint, 1 to 1000",
    "runs": "a whole number of runs per arm, 1 to 100000",
    "ramp": "a number in [0, 1]: committed share added at each checkpoint",
    "committed_share": "a number in [0, 1]: the committed share the fork runs start from",
}


@dataclasses.dataclass(frozen=True)
class VerdictPlan:
    """The verdict's settings: margin, horizons, arms and the fork experiment."""

    margin: float = 0.05
    horizons: tuple[int, ...] = (52, 104, 260, 520)
    boot: int = 400
    arms: tuple[tuple[str, dict[str, Any]], ...] = (("full", {}),)
    every: int = 13
    copies: int = 8
    runs: int = 8
    ramp: float = 0.0
    committed_share: float | None = None  # None: the scenario's own


def plan_from(scenario: Any) -> tuple[VerdictPlan, dict[str, Any]]:
    """The verdict's settings (``margin`` from ``[tipping]``, ``horizons`` and ``boot`` from
    ``[verdict]``, ``[arms]``, ``[forks]``) and the ``[tipping]`` table for the dose study.

    Errors read ``FILE: TABLE.KEY: message`` and raise ScenarioError.
    """
    path = scenario.path

    def fail(key: str, message: str) -> ScenarioError:
        return ScenarioError(f"{path}: {key}: {message}")

    if scenario.model != "trust_market":  # its arms run the trust market with forks
        raise fail("model", 'the verdict study needs model = "trust_market", not '
                   f'"{scenario.model}"')
    if scenario.sweep or scenario.sample:
        raise fail("sweep", "a verdict study has one point; remove [sweep] and [sample]")
    raw = dict(scenario.tipping or {})
    values: dict[str, Any] = {}
    if "margin" in raw:
        margin = raw["margin"]  # also checked and used by the dose study's plan
        if isinstance(margin, bool) or not isinstance(margin, int | float) or not (
                0 < margin <= 0.5):
            raise fail("tipping.margin", f"got {margin!r}, allowed: {VERDICT_KEYS['margin']}")
        values["margin"] = float(margin)
    own = dict(scenario.verdict or {})
    for key in own:
        if key not in ("horizons", "boot"):
            raise fail(f"verdict.{key}", f"unknown key{suggest(key, ['horizons', 'boot'])}; "
                       "allowed: horizons, boot")
    if "horizons" in own:
        weeks = own["horizons"]
        if not isinstance(weeks, list) or not weeks or not all(
                isinstance(w, int) and not isinstance(w, bool) and 1 <= w <= scenario.steps
                for w in weeks):
            raise fail("verdict.horizons", f"got {weeks!r}, allowed: {VERDICT_KEYS['horizons']}")
        values["horizons"] = tuple(sorted(set(weeks)))
    else:
        values["horizons"] = tuple(sorted({w for w in VerdictPlan.horizons
                                           if w <= scenario.steps} | {scenario.steps}))
    if "boot" in own:
        boot = own["boot"]
        if isinstance(boot, bool) or not isinstance(boot, int) or not 50 <= boot <= 100_000:
            raise fail("verdict.boot", f"got {boot!r}, allowed: {VERDICT_KEYS['boot']}")
        values["boot"] = boot
    arms = []
    for name, overrides in (scenario.arms or {"full": {}}).items():
        if not isinstance(overrides, dict):
            raise fail(f"arms.{name}", f"got {overrides!r}, allowed: a table of switches")
        try:
            resolve_params(MODEL, {**scenario.params, **overrides})
        except ParameterError as error:
            raise fail(f"arms.{name}", str(error)) from None
        arms.append((name, dict(overrides)))
    values["arms"] = tuple(arms)
    forks = dict(scenario.forks or {})
    for key, value in forks.items():
        if key not in FORK_KEYS:
            raise fail(f"forks.{key}", f"unknown key{suggest(key, list(FORK_KEYS))}; "
                       "allowed: " + ", ".join(FORK_KEYS))
        whole = key in ("every", "copies", "runs")
        high = {"every": scenario.steps, "copies": 1000, "runs": 100_000}.get(key, 1)
        ok = (isinstance(value, int) if whole else isinstance(value, int | float)) and not (
            isinstance(value, bool)) and (1 if whole else 0) <= value <= high
        if not ok:
            raise fail(f"forks.{key}", f"got {value!r}, allowed: {FORK_KEYS[key]}")
        values[key] = value if whole else float(value)
    return VerdictPlan(**values), raw


def _arm_scenario(scenario: Any, overrides: dict[str, Any], table: dict[str, Any]) -> Any:
    return dataclasses.replace(scenario, model=MODEL, params={**scenario.params, **overrides},
                               tipping=table)


def _ok(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["status"] == "ok"].reset_index(drop=True) if len(frame) else frame


def run_forks(scenario: Any, plan: VerdictPlan, overrides: dict[str, Any], out: Path,
              **batch: Any) -> pd.DataFrame:
    """The fork runs of one arm (replicate r has the same seed in every arm)."""
    start = {} if plan.committed_share is None else {"committed_share": plan.committed_share}
    params = resolve_params(MODEL, {**scenario.params, **overrides, **start,
                                    "fork_every": plan.every, "fork_count": plan.copies,
                                    "fork_ramp": plan.ramp})
    specs = [RunSpec(MODEL, FORK_POINT, r, params, seed_for(scenario.seed, FORK_POINT, r),
                     scenario.steps, scenario.every) for r in range(plan.runs)]
    manifest = results.manifest(scenario, params, {"root_seed": scenario.seed,
                                                   "rule": SEED_RULE}, kind="forks",
                                model=MODEL, steps=scenario.steps,
                                forks=dataclasses.asdict(plan))
    run_batch(specs, out, manifest, reporters=("platform_share",), **batch)
    stored = _ok(storage.load_runs(out))
    return stored[stored["run_id"].isin({s.run_id for s in specs})].reset_index(drop=True)


def summarize_arm(result: dict[str, Any], runs: pd.DataFrame, forks: pd.DataFrame,
                  plan: VerdictPlan, claim: float, level: float, seed: int) -> dict[str, Any]:
    """One arm: s* (committed), its gross equivalents, the shape check, the tipping share
    of the gross, horizons and survival curves, each answer with its verdict."""
    variable, low, high = result["variable"], result["low"], result["high"]
    design = pd.DataFrame(result["design"])
    flat = result.get("transition") == "flat" or (
        result.get("transition") == "inside"
        and is_flat(design["x"], design["runs"], design["events"], level))
    iso = shape.isotonic_crossing(design["x"], design["runs"], design["events"], plan.boot,
                                  level, seed)
    check = shape.compare((result.get("ci_low"), result.get("ci_high")),
                          (iso["ci_low"], iso["ci_high"]))
    s_star = {key: result.get(key) for key in ("estimate", "ci_low", "ci_high", "transition",
                                               "width", "separated", "slope")}
    s_star |= {"flat": flat, "ci_used": [check["ci_low"], check["ci_high"]],
               "shape": {"isotonic": iso, **check},
               "verdict": decide(check["ci_low"], check["ci_high"], claim, plan.margin, flat)}
    at = {"estimate": result.get("estimate"), "ci_low": check["ci_low"],
          "ci_high": check["ci_high"]}
    start = gross.translate(runs, variable, "share_start", at)
    year1 = gross.translate(runs, variable, "share_year1", at)
    for g in (start, year1):
        ends = sorted(v for v in (g["ci_low"], g["ci_high"]) if v is not None)
        if len(ends) == 2:
            g["ci_low"], g["ci_high"] = ends
        g["verdict"] = decide(g["ci_low"], g["ci_high"], claim, plan.margin, flat)
    covariate = gross.covariate_fit(runs, "share_year1", level=level)
    covariate["verdict"] = decide(covariate["ci_low"], covariate["ci_high"], claim,
                                  plan.margin, covariate["flat"])
    tip = arm_stats.tipping_summary(forks, level)
    tip["verdict"] = decide(tip["ci_low"], tip["ci_high"], claim, plan.margin)
    by_h = horizons.by_horizon(runs, variable, plan.horizons, low, high, level)
    for row in by_h:
        row["gross_start"] = gross.translate(runs, variable, "share_start",
                                             {"estimate": row["estimate"]})["estimate"]
        row["flat"] = row["slope"] is not None and horizons.flat_at(runs, variable,
                                                                    row["horizon"], level)
    return {"s_star": s_star, "gross_start": start, "gross_year1": year1,
            "gross_covariate": covariate, "tipping_share_gross": tip, "horizons": by_h,
            "survival": horizons.survival_by_dose(runs, variable, max(plan.horizons)),
            "n_runs": len(runs), "n_fork_runs": len(forks),
            "_tipping_values": arm_stats.tipping_values(forks),
            "_s_star_samples": arm_stats.s_star_samples(runs, variable, result["outcome"],
                                                        low, high, plan.boot, seed)}


def run_verdict(scenario: Any, out: Path, workers: int | None = None, dask: str | None = None,
                progress: bool = True) -> dict[str, Any]:
    """Run every arm's dose study and fork runs, and write ``out/tipping.json``; each step
    is logged (INFO)."""
    begin = time.perf_counter()
    plan, table = plan_from(scenario)
    for _, overrides in plan.arms:  # every arm's dose study checked before anything is written
        tipping.plan_from(_arm_scenario(scenario, overrides, table))
    out = Path(check_out(out, "verdict"))
    results.write_json(out / "manifest.json", results.manifest(
        scenario, dict(scenario.params), {"root_seed": scenario.seed, "rule": SEED_RULE},
        kind="verdict", model=MODEL, steps=scenario.steps))
    batch = {"workers": workers, "dask": dask, "progress": progress}
    arms: dict[str, dict[str, Any]] = {}
    dose: dict[str, dict[str, Any]] = {}
    for name, overrides in plan.arms:
        arm = _arm_scenario(scenario, overrides, table)
        tplan = tipping.plan_from(arm)
        LOG.info("Arm %s (%s): dose study of %s, up to %d runs", name,
                 overrides or "the full model", tplan.variable, tplan.budget)
        dose[name] = tipping.run_study(arm, out / "arms" / name, **batch)
        runs = _ok(storage.load_runs(out / "arms" / name))
        LOG.info("Arm %s: fork experiment, %d runs, %d copies per checkpoint every %d weeks",
                 name, plan.runs, plan.copies, plan.every)
        forks = run_forks(scenario, plan, overrides, out / "forks" / name, **batch)
        arms[name] = summarize_arm(dose[name], runs, forks, plan, tplan.claim, tplan.level,
                                   scenario.seed)
    tplan = tipping.plan_from(_arm_scenario(scenario, dict(plan.arms[-1][1]), table))
    main = "full" if "full" in arms else plan.arms[-1][0]
    diffs = arm_stats.differences(arms, plan.boot, scenario.seed, tplan.level)
    for value in arms.values():
        value.pop("_tipping_values")
        value.pop("_s_star_samples")
    params = resolve_params(MODEL, {**scenario.params, **dict(plan.arms)[main]})
    head = arms[main]
    top = {key: value for key, value in dose[main].items() if key not in ("estimates",)}
    result = {
        **top, "scenario": scenario.name, "margin": plan.margin, "main_arm": main,
        "verdict": head["tipping_share_gross"]["verdict"],
        "verdict_basis": "tipping_share_gross",
        "tipping_share_gross": head["tipping_share_gross"],
        "estimate_gross": head["gross_start"]["estimate"],
        "gross": {"start": head["gross_start"], "year1": head["gross_year1"],
                  "covariate_year1": head["gross_covariate"]},
        "s_star_verdict": head["gross_start"]["verdict"],
        "shape": head["s_star"]["shape"], "flat": head["s_star"]["flat"],
        "horizons": head["horizons"], "survival": head["survival"],
        "arms": {**arms, "differences": diffs},
        "regime": {"steps": scenario.steps, **{k: params[k] for k in REGIME}},
        "forks": dataclasses.asdict(plan) | {"arms": None},
        "n_runs": sum(a["n_runs"] + a["n_fork_runs"] for a in arms.values()),
        "seconds": time.perf_counter() - begin}
    result["forks"].pop("arms")
    results.write_json(out / "tipping.json", _clean(result))
    return _clean(result)


def _clean(value: Any) -> Any:
    """JSON-ready: numpy scalars to Python, NaN and infinities to None."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
