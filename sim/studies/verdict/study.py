"""The verdict study: the essay's claim answered in its own terms.

:func:`run_study` first places the world in its regime (:mod:`.regime`: the natural course
and the largest push, ``DIR/regime/``). Then, for each arm of the scenario's ``[arms]``
(same regime, same seeds), it runs the ``[tipping]`` dose study (s* of the committed share)
and the fork experiment of ``[forks]`` with ``release`` (the tipping share of the gross,
:mod:`sim.experiments.forks`); the main arm also runs the other interventions named there
(``hold``, ``stall``). It writes ``DIR/tipping.json``: the regime, the tipping share by
``release`` with the interval that covers the censoring and the state at the point, the
variants, the verdict (only in a threshold world) with its margin, the essay's predictive
reading (:mod:`.predictive`), s* and the gross share it produced, s* at several horizons,
survival curves per dose, and the differences between arms. Runs live in
``DIR/regime``, ``DIR/arms/NAME`` and ``DIR/forks/NAME[/INTERVENTION]``; running again
reuses every stored run.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiments import results, storage
from sim.experiments.batch import SEED_RULE, RunSpec, run_batch, seed_for
from sim.experiments.scenario_tables import Setting, check_table, check_value, declare, fail
from sim.model.parameters import ParameterError
from sim.model.registry import resolve_params
from sim.studies import fork_study, tipping
from sim.studies.fork_study import fork_table, run_fork_runs
from sim.studies.verdict import arms as arm_stats
from sim.studies.verdict import gross, horizons, predictive, shape
from sim.studies.verdict.decision import decide, is_flat
from sim.studies.verdict.regime import regime as classify_regime

LOG = logging.getLogger(__name__)
MODEL = "trust_market_forks"
REGIME_POINT = 2_000_000  # the natural course; the largest push is REGIME_POINT + 1
NO_THRESHOLD = "no threshold"
REGIME = ("factory_pricing", "factory_cash_reserve_weeks", "factory_fixed_cost_share",
          "factory_reprice_every", "factory_cost_cut_rate", "platform_fee", "vendor_unit_cost",
          "habit", "n_consumers")
HORIZONS = (52, 104, 260, 520)  # one, two, five and ten years


def _weeks(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(
        isinstance(w, int) and not isinstance(w, bool) and w >= 1 for w in v)


# [verdict]; its weeks may not pass the scenario's steps (checked in plan_from)
SETTINGS = declare(
    Setting("horizons", HORIZONS, form=list, test=_weeks,  # default: those within steps,
            description="a non-empty list of whole numbers of weeks, 1 to steps"),  # and steps
    Setting("boot", 400, 50, 100_000,
            description="a whole number of bootstrap resamples, 50 to 100000"),
    Setting("regime_runs", 16, 1, 100_000, description="a whole number of natural-course and "
            "largest-push runs, 1 to 100000"),
    Setting("largest_push", None, form=float, test=lambda v: 0 < v <= 1, description="a "
            "number in (0, 1]: the committed share of the largest push (default: the dose "
            "study's highest dose)"),
    Setting("windows", predictive.WINDOWS, form=list, test=_weeks,
            description="a non-empty list of whole numbers of weeks, 1 to steps"),
)
# [tipping] margin as the verdict reads it: the dose study's setting, above 0
MARGIN = dataclasses.replace(tipping.SETTINGS["margin"], test=lambda v: v > 0, description=(
    "a number in (0, 0.5]: how close to the claim an interval must lie"))
FORKS = fork_study.SETTINGS
TABLES = {"tipping": tipping.SETTINGS, "verdict": SETTINGS, "forks": FORKS}  # its tables


@dataclasses.dataclass(frozen=True)
class VerdictPlan:
    """The verdict's settings: margin, horizons, arms and the fork experiment (declared in
    :data:`SETTINGS`, :data:`MARGIN` and :data:`sim.studies.fork_study.SETTINGS`)."""

    margin: float = MARGIN.default
    horizons: tuple[int, ...] = SETTINGS["horizons"].default
    boot: int = SETTINGS["boot"].default
    arms: tuple[tuple[str, dict[str, Any]], ...] = (("full", {}),)
    every: int = FORKS["every"].default
    copies: int = FORKS["copies"].default
    runs: int = FORKS["runs"].default
    ramp: float = FORKS["ramp"].default
    committed_share: float | None = FORKS["committed_share"].default  # None: the scenario's
    interventions: tuple[str, ...] = FORKS["interventions"].default
    regime_runs: int = SETTINGS["regime_runs"].default
    largest_push: float | None = SETTINGS["largest_push"].default  # None: the highest dose
    windows: tuple[int, ...] = SETTINGS["windows"].default


def plan_from(scenario: Any) -> tuple[VerdictPlan, dict[str, Any]]:
    """The verdict's settings (``margin`` from ``[tipping]``, ``[verdict]``, ``[arms]``,
    ``[forks]``) and the ``[tipping]`` table for the dose study.

    Errors read ``FILE: TABLE.KEY: message`` and raise ScenarioError.
    """
    path, steps = scenario.path, scenario.steps
    if scenario.model != "trust_market":  # its arms run the trust market with forks
        raise fail(path, "model", 'the verdict study needs model = "trust_market", not '
                   f'"{scenario.model}"')
    if scenario.sweep or scenario.sample:
        raise fail(path, "sweep", "a verdict study has one point; remove [sweep] and [sample]")
    raw = dict(scenario.tipping or {})
    own = scenario.verdict or {}
    values = check_table(path, "verdict", own, SETTINGS, {
        "horizons": tuple(sorted({w for w in HORIZONS if w <= steps} | {steps}))})
    if "margin" in raw:  # also checked and used by the dose study's plan
        values["margin"] = check_value(path, "tipping.margin", raw["margin"], MARGIN)
    for key in ("horizons", "windows"):
        if key in own:
            if max(own[key]) > steps:
                raise fail(path, f"verdict.{key}", f"got {own[key]!r}, allowed: "
                           f"{SETTINGS[key].allowed()} ({steps})")
            values[key] = tuple(sorted(set(own[key])))
    arms = []
    for name, overrides in (scenario.arms or {"full": {}}).items():
        if not isinstance(overrides, dict):
            raise fail(path, f"arms.{name}", f"got {overrides!r}, allowed: a table of switches")
        try:
            resolve_params(MODEL, {**scenario.params, **overrides})
        except ParameterError as error:
            raise fail(path, f"arms.{name}", str(error)) from None
        arms.append((name, dict(overrides)))
    values["arms"] = tuple(arms)
    for _, overrides in arms:  # every arm's dose study, checked before anything is written
        tipping.plan_from(_arm_scenario(scenario, overrides, raw))
    values.update(fork_table(scenario))
    return VerdictPlan(**values), raw


def _arm_scenario(scenario: Any, overrides: dict[str, Any], table: dict[str, Any]) -> Any:
    """An arm's dose study: runs of the model with the fork experiment's covariates (the
    share at the start and over the first year, which translate s* into a share of the
    gross) but no forks (``fork_every = 0``): its answer reads each run's fall, and a
    dose run's own point of no return, found with copies, would be read by nothing."""
    return dataclasses.replace(scenario, model=MODEL, tipping=table,
                               params={**scenario.params, **overrides, "fork_every": 0})


def _ok(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["status"] == "ok"].reset_index(drop=True) if len(frame) else frame


def regime_specs(scenario: Any, overrides: dict[str, Any], largest: float, runs: int,
                 point: int = REGIME_POINT) -> list[RunSpec]:
    """``runs`` runs of the plain model on the natural course (point ``point``) and under
    the largest push (point ``point + 1``), run ``r`` seeded ``seed_for(seed, point, r)``."""
    specs = []
    for k, share in enumerate((0.0, largest)):
        params = resolve_params("trust_market", {**scenario.params, **overrides,
                                                 "committed_share": share})
        specs += [RunSpec("trust_market", point + k, r, params,
                          seed_for(scenario.seed, point + k, r), scenario.steps,
                          scenario.every) for r in range(runs)]
    return specs


def run_regime_specs(scenario: Any, specs: list[RunSpec], largest: float, out: Path,
                     **batch: Any) -> pd.DataFrame:
    """Run regime ``specs`` through the batch runner into ``out`` (series of the platform's
    share kept); the runs table of those that finished."""
    manifest = results.manifest(scenario, specs[0].params, {"root_seed": scenario.seed,
                                                            "rule": SEED_RULE},
                                kind="regime", model="trust_market", steps=scenario.steps,
                                largest_push=largest)
    run_batch(specs, out, manifest, reporters=("platform_share",), **batch)
    stored = _ok(storage.load_runs(out))
    return stored[stored["run_id"].isin({s.run_id for s in specs})].reset_index(drop=True)


def run_regime(scenario: Any, plan: VerdictPlan, overrides: dict[str, Any], largest: float,
               out: Path, **batch: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The natural course (no push) and the largest push, ``plan.regime_runs`` runs each
    of the plain model: (natural runs, pushed runs), with their series stored."""
    specs = regime_specs(scenario, overrides, largest, plan.regime_runs)
    stored = run_regime_specs(scenario, specs, largest, out, **batch)
    return (stored[stored["point_id"] == REGIME_POINT].reset_index(drop=True),
            stored[stored["point_id"] == REGIME_POINT + 1].reset_index(drop=True))


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
    tip["state_at_point"] = arm_stats.state_at_point(forks)
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


def check_dose_folders(arms: dict[str, tuple[Any, Any]], out: Path) -> None:
    """Every arm's dose folder checked, before anything is written, against the runs its
    dose study would add (``arms``: name -> the arm's scenario and dose plan; the folder's
    own check, :func:`storage.check_manifest`), so that a folder of other parameter values
    is refused at once, not after the regime's runs; one line names the first such folder
    and how many more there are."""
    refused = []
    for name, (arm, aplan) in arms.items():
        try:
            storage.check_manifest(Path(out) / "arms" / name, tipping.study_manifest(arm, aplan))
        except storage.ResultsFolderError as error:
            refused.append(str(error))
    if refused:
        more = len(refused) - 1
        raise storage.ResultsFolderError(refused[0] + (
            f" (as do {more} more arm folder{'s' * (more != 1)} in {Path(out) / 'arms'})"
            if more else ""))


def run_study(scenario: Any, out: Path, workers: int | None = None, dask: str | None = None,
                progress: bool = True) -> dict[str, Any]:
    """Place the world in its regime, run every arm's dose study and fork runs, and write
    ``out/tipping.json``; each step is logged (INFO)."""
    begin = time.perf_counter()
    plan, table = plan_from(scenario)
    arm_plans = {}  # name -> the arm's dose study and its plan
    for name, overrides in plan.arms:
        arm = _arm_scenario(scenario, overrides, table)
        arm_plans[name] = (arm, tipping.plan_from(arm))
    check_dose_folders(arm_plans, out)
    out = results.study_folder(out, scenario, "verdict", model=MODEL)
    batch = {"workers": workers, "dask": dask, "progress": progress}
    main = "full" if "full" in dict(plan.arms) else plan.arms[-1][0]
    main_overrides = dict(plan.arms)[main]
    tplan = arm_plans[main][1]
    largest = plan.largest_push if plan.largest_push is not None else tplan.high
    LOG.info("Regime: %d runs of the natural course and %d at %.0f%% committed",
             plan.regime_runs, plan.regime_runs, 100 * largest)
    natural, pushed = run_regime(scenario, plan, main_overrides, largest, out / "regime",
                                 **batch)
    world = classify_regime(natural, pushed, largest, scenario.steps, tplan.level)
    arms: dict[str, dict[str, Any]] = {}
    dose: dict[str, dict[str, Any]] = {}
    variants: dict[str, Any] = {}
    for name, overrides in plan.arms:
        arm, aplan = arm_plans[name]
        LOG.info("Arm %s (%s): dose study of %s, up to %d runs", name,
                 overrides or "the full model", aplan.variable, aplan.budget)
        dose[name] = tipping.run_study(arm, out / "arms" / name, **batch)
        runs = _ok(storage.load_runs(out / "arms" / name))
        LOG.info("Arm %s: fork experiment (release), %d runs, %d copies per checkpoint "
                 "every %d weeks", name, plan.runs, plan.copies, plan.every)
        forks = run_fork_runs(scenario, "trust_market", overrides, plan, "release",
                              out / "forks" / name, **batch)
        arms[name] = summarize_arm(dose[name], runs, forks, plan, aplan.claim, aplan.level,
                                   scenario.seed)
        if name == main:
            for other in plan.interventions[1:]:
                LOG.info("Arm %s: fork experiment (%s)", name, other)
                more = run_fork_runs(scenario, "trust_market", overrides, plan, other,
                                     out / "variants" / other, **batch)
                tip = arm_stats.tipping_summary(more, aplan.level)
                tip["state_at_point"] = arm_stats.state_at_point(more)
                variants[other] = tip
    diffs = arm_stats.differences(arms, plan.boot, scenario.seed, tplan.level)
    for value in arms.values():
        value.pop("_tipping_values")
        value.pop("_s_star_samples")
    dose_runs = _ok(storage.load_runs(out / "arms" / main))
    series = pd.concat([storage.load_series(out / "regime"),
                        storage.load_series(out / "arms" / main)], ignore_index=True)
    reading = predictive.reading(series, pd.concat([natural, pushed, dose_runs],
                                                   ignore_index=True),
                                 scenario.steps, plan.windows, tplan.claim, tplan.level)
    params = resolve_params(MODEL, {**scenario.params, **main_overrides})
    head = arms[main]
    tip = head["tipping_share_gross"]
    threshold_world = world["regime"] == "threshold"
    top = {key: value for key, value in dose[main].items() if key not in ("estimates",)}
    result = {
        **top, "scenario": scenario.name, "margin": plan.margin, "main_arm": main,
        "regime": world, "intervention": "release",
        "verdict": tip["verdict"] if threshold_world else NO_THRESHOLD,
        "verdict_if_threshold": tip["verdict"],
        "verdict_basis": "tipping_share_gross",
        "tipping_share_gross": tip, "state_at_point": tip["state_at_point"],
        "variants": variants, "predictive": reading,
        "estimate_gross": head["gross_start"]["estimate"],
        "gross": {"start": head["gross_start"], "year1": head["gross_year1"],
                  "covariate_year1": head["gross_covariate"]},
        "s_star_verdict": head["gross_start"]["verdict"] if threshold_world else NO_THRESHOLD,
        "shape": head["s_star"]["shape"], "flat": head["s_star"]["flat"],
        "horizons": head["horizons"], "survival": head["survival"],
        "arms": {**arms, "differences": diffs},
        "regime_params": {"steps": scenario.steps, **{k: params[k] for k in REGIME}},
        "forks": dataclasses.asdict(plan) | {"arms": None},
        "n_runs": (sum(a["n_runs"] + a["n_fork_runs"] for a in arms.values())
                   + len(natural) + len(pushed)
                   + sum(len(v["values"]) for v in variants.values())),
        "seconds": time.perf_counter() - begin}
    result["forks"].pop("arms")
    result = results.json_ready(result)
    results.write_json(out / "tipping.json", result)
    return result
