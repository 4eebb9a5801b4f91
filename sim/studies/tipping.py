"""The tipping estimator: where does the chance of an outcome cross one half?

Model-free: an adaptive design (:class:`Design`) proposes trials ``(point, x, replicate)``
and is told their 0/1 outcomes by whoever runs them (a callback in
:func:`adaptive_design`, the batch runner in :func:`run_study`). The outcomes are fitted with
a logistic dose-response curve ``logit p = a + b x`` by maximum likelihood with Firth's
penalty (the Jeffreys prior, Firth 1993), which keeps the estimates finite under complete
separation (all runs below some ``x`` survive, all above fall) and removes most of the
small-sample bias; without separation it is close to the plain maximum-likelihood fit.

- the critical value ``s* = -a / b``, where the fitted probability is one half;
- its confidence interval by profile penalized likelihood (Heinze & Schemper 2002): the
  values of s* whose profile is within ``chi2_1(level) / 2`` of the maximum; a side on which
  the profile never drops that far (within two ranges of the estimate) is unbounded
  (``None``);
- the width of the transition, from probability 0.1 to 0.9: ``ln 81 / |b|``.

:func:`run_study` runs a scenario's ``[tipping]`` table (:class:`TippingSpec`; one design
per point of its ``[sweep]``/``[sample]``) and writes ``DIR/tipping.json``: per point
``estimate``, ``ci_low``, ``ci_high``, ``width``, ``n_runs``, ``claim``,
``claim_inside_ci``, ``break_even_share``, ``variable``, ``outcome`` and the design's runs
and events at each value, under ``estimates``; with one point these also sit at the top.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import optimize, special, stats

from sim.experiments import results, storage
from sim.experiments.batch import SEED_RULE, RunSpec, run_batch, seed_for
from sim.experiments.scenarios import ScenarioError
from sim.model.parameters import ParameterError, suggest
from sim.model.registry import outcome_types, resolve_params
from sim.model.rules import economics

RESOLUTION = 200  # lattice points per cell of the coarse grid: where new design points may go
LOG_81 = math.log(81.0)  # logit(0.9) - logit(0.1)
TARGETS = (0.2, 0.5, 0.8)  # fitted probabilities at which the design adds new points


@dataclass(frozen=True)
class TippingSpec:
    """What to estimate and how many runs to spend (the scenario's ``[tipping]`` table)."""

    variable: str = "committed_share"
    low: float = 0.0
    high: float = 0.5
    outcome: str = "incumbent_fell"
    claim: float = 0.20
    budget: int = 120
    grid: int = 7
    replicates: int = 4
    batch: int = 24
    level: float = 0.95


@dataclass(frozen=True)
class Trial:
    """One run to do: lattice ``point`` (its ``x``) and the replicate number there."""

    point: int
    x: float
    replicate: int


@dataclass(frozen=True)
class Fit:
    """A fitted dose-response curve on the ``x`` scale; ``None`` marks an unbounded side."""

    intercept: float
    slope: float
    estimate: float
    ci_low: float | None
    ci_high: float | None
    width: float
    level: float
    separated: bool
    covariance: tuple[tuple[float, float], tuple[float, float]] | None = None

    def probability(self, x: np.ndarray | float) -> np.ndarray:
        """Fitted probability of the outcome at ``x``."""
        return special.expit(self.intercept + self.slope * np.asarray(x, float))

    def band(self, x: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        """Pointwise Wald band of the fitted probability at ``x`` (at ``level``), from the
        covariance of intercept and slope; the curve itself where there is none."""
        x = np.asarray(x, float)
        eta = self.intercept + self.slope * x
        if self.covariance is None:
            return special.expit(eta), special.expit(eta)
        return wald_band(eta, x, self.covariance, self.level)

    def covers(self, value: float) -> bool:
        """Whether ``value`` lies inside the confidence interval."""
        low = -math.inf if self.ci_low is None else self.ci_low
        high = math.inf if self.ci_high is None else self.ci_high
        return low <= value <= high


def wald_band(eta: np.ndarray, x: np.ndarray, covariance: Any, level: float
              ) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise band ``expit(eta +- z se(eta))`` with ``se(eta)^2 = [1 x] C [1 x]'``."""
    (c00, c01), (_, c11) = covariance
    se = np.sqrt(np.maximum(c00 + 2 * c01 * x + c11 * x * x, 0.0))
    z = stats.norm.ppf(0.5 + level / 2)
    return special.expit(eta - z * se), special.expit(eta + z * se)


# ---------------------------------------------------------------- the Firth-penalized fit
def _information(beta: np.ndarray, u: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Fisher information of ``(beta0, beta1)`` in the binomial logistic model at ``beta``."""
    p = special.expit(beta[0] + beta[1] * u)
    w = n * p * (1.0 - p)
    return np.array([[w.sum(), (w * u).sum()], [(w * u).sum(), (w * u * u).sum()]])


def _penalized(beta: np.ndarray, u: np.ndarray, n: np.ndarray, k: np.ndarray
               ) -> tuple[float, np.ndarray]:
    """Minus the Firth-penalized binomial log-likelihood of ``logit p = beta0 + beta1 u``,
    and its gradient (the modified score of Firth 1993)."""
    eta = beta[0] + beta[1] * u
    p = special.expit(eta)
    w = n * p * (1.0 - p)
    info = _information(beta, u, n)
    det = info[0, 0] * info[1, 1] - info[0, 1] ** 2
    if not det > 0:
        return math.inf, np.zeros(2)
    loglik = (k * special.log_expit(eta) + (n - k) * special.log_expit(-eta)).sum()
    inv = np.array([[info[1, 1], -info[0, 1]], [-info[0, 1], info[0, 0]]]) / det
    leverage = w * (inv[0, 0] + 2 * inv[0, 1] * u + inv[1, 1] * u * u)
    score = k - n * p + leverage * (0.5 - p)
    gradient = np.array([score.sum(), (score * u).sum()])
    return -(loglik + 0.5 * math.log(det)), -gradient


def _maximize(u: np.ndarray, n: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, float]:
    best = optimize.minimize(_penalized, np.zeros(2), args=(u, n, k), jac=True,
                             method="BFGS", options={"gtol": 1e-8})
    return best.x, -best.fun


def _profile(m: float, sign: float, u: np.ndarray, n: np.ndarray, k: np.ndarray) -> float:
    """Largest penalized log-likelihood among curves with midpoint ``m`` (slope sign fixed)."""
    def minus(t: float) -> float:
        b = sign * math.exp(t)
        return _penalized(np.array([-b * m, b]), u, n, k)[0]
    best = optimize.minimize_scalar(minus, bounds=(-8.0, 10.0), method="bounded",
                                    options={"xatol": 1e-6})
    return -best.fun


def _bound(m_hat: float, direction: float, floor: float, sign: float, u, n, k) -> float | None:
    """Where the profile drops to ``floor`` going from ``m_hat`` in ``direction`` (``None``
    if it never does within two ranges, or if the midpoint is so far out that the slope is
    flat and the profile cannot be traced)."""
    def gap(m: float) -> float:
        return _profile(m, sign, u, n, k) - floor
    inner, step = m_hat, 0.002
    if gap(inner) < 0:
        return None
    while step <= 2.0:
        outer = m_hat + direction * step
        if gap(outer) < 0:
            return optimize.brentq(gap, min(inner, outer), max(inner, outer), xtol=1e-6)
        inner, step = outer, step * 2
    return None


def fit_dose_response(x: Sequence[float], n: Sequence[int], k: Sequence[int],
                      low: float, high: float, level: float = 0.95) -> Fit:
    """Fit ``k`` events out of ``n`` runs at each ``x`` (Firth-penalized logistic).

    ``low`` and ``high`` set the scale (the fit runs on ``(x - low) / (high - low)``) and how
    far the interval is searched (two ranges from the estimate). Needs at least one event and
    one non-event, at two or more distinct ``x``. A perfectly flat fit (slope 0) has no
    midpoint: its estimate is NaN and its interval unbounded.
    """
    x, n, k = (np.asarray(a, float) for a in (x, n, k))
    if k.sum() == 0 or k.sum() == n.sum() or np.unique(x).size < 2:
        raise ValueError("need events and non-events at two or more values of x")
    span = high - low
    u = (x - low) / span
    beta, best = _maximize(u, n, k)
    # Covariance of (intercept, slope) on the x scale: the inverse information at the
    # penalized estimate (as logistf reports it), carried from u = (x - low) / span.
    to_x = np.array([[1.0, -low / span], [0.0, 1.0 / span]])
    try:
        cov = to_x @ np.linalg.inv(_information(beta, u, n)) @ to_x.T
        covariance = ((float(cov[0, 0]), float(cov[0, 1])),
                      (float(cov[1, 0]), float(cov[1, 1])))
    except np.linalg.LinAlgError:
        covariance = None
    if beta[1] == 0:
        return Fit(float(beta[0]), 0.0, math.nan, None, None, math.inf, level, False,
                   covariance)
    sign = 1.0 if beta[1] > 0 else -1.0
    m_hat = -beta[0] / beta[1]
    best = max(best, _profile(m_hat, sign, u, n, k))
    floor = best - stats.chi2.ppf(level, 1) / 2
    lower = _bound(m_hat, -1.0, floor, sign, u, n, k)
    upper = _bound(m_hat, 1.0, floor, sign, u, n, k)
    with_none, with_event = x[k < n], x[k > 0]
    separated = bool(with_none.max() < with_event.min() or with_event.max() < with_none.min())
    return Fit(intercept=float(beta[0] - beta[1] * low / span), slope=float(beta[1] / span),
               estimate=float(low + m_hat * span),
               ci_low=None if lower is None else float(low + lower * span),
               ci_high=None if upper is None else float(low + upper * span),
               width=float(LOG_81 / abs(beta[1]) * span), level=level, separated=separated,
               covariance=covariance)


# ---------------------------------------------------------------- the adaptive design
@dataclass
class Design:
    """Adaptive design over ``[low, high]``.

    First a coarse grid of ``grid`` points with ``replicates`` runs each; then rounds of
    ``batch`` runs spread over the points where the observed chance is neither near 0 nor
    near 1 (points with both outcomes whose fitted probability lies in [0.1, 0.9]) and over
    the fitted 0.2, 0.5 and 0.8 quantiles (new points when the transition falls between grid
    points), the most central first, until ``budget`` runs are spent. It stops early if no
    point shows the outcome or every point does: then no transition lies in the range.
    """

    spec: TippingSpec
    trials: list[Trial] = field(default_factory=list)
    outcomes: list[float] = field(default_factory=list)

    @property
    def size(self) -> int:
        """Design points lie on the lattice ``low + i (high - low) / size``, i = 0 ... size."""
        return (self.spec.grid - 1) * RESOLUTION

    def x_of(self, point: int) -> float:
        """The value of the variable at lattice ``point``."""
        return self.spec.low + (self.spec.high - self.spec.low) * point / self.size

    def _point_of(self, x: float) -> int:
        s = self.spec
        return int(np.clip(round((x - s.low) / (s.high - s.low) * self.size), 0, self.size))

    @property
    def n_runs(self) -> int:
        """Runs with an outcome (failed runs are not counted)."""
        return int(np.isfinite(self.outcomes).sum()) if self.outcomes else 0

    def table(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per design point: ``x``, runs and events (failed runs left out)."""
        points = np.array([t.point for t in self.trials], int)
        y = np.array(self.outcomes, float)
        ok = np.isfinite(y)
        where, inverse = np.unique(points[ok], return_inverse=True)
        n = np.bincount(inverse, minlength=where.size)
        k = np.bincount(inverse, weights=y[ok], minlength=where.size)
        return np.array([self.x_of(p) for p in where]), n, k

    def transition_seen(self) -> bool:
        """Whether the runs so far show both outcomes."""
        _, n, k = self.table()
        return bool(0 < k.sum() < n.sum())

    def fit(self) -> Fit:
        """The dose-response fit of all runs so far."""
        x, n, k = self.table()
        return fit_dose_response(x, n, k, self.spec.low, self.spec.high, self.spec.level)

    def propose(self) -> list[Trial]:
        """The next round of trials ([] when the design is done)."""
        s = self.spec
        left = s.budget - len(self.trials)
        if left <= 0:
            return []
        if not self.trials:
            points = [i * RESOLUTION for i in range(s.grid)]
            return self._trials([p for p in points for _ in range(s.replicates)][:left])
        if not self.transition_seen():
            return []
        x, n, k = self.table()
        span = s.high - s.low
        (a, b), _ = _maximize((x - s.low) / span, n, k)

        def fitted(value: float) -> float:
            return float(special.expit(a + b * (value - s.low) / span))

        mixed = {self._point_of(xi) for xi, ni, ki in zip(x, n, k, strict=True)
                 if 0 < ki < ni and 0.1 <= fitted(xi) <= 0.9}
        quantiles = set()
        if b != 0:
            quantiles = {self._point_of(s.low + (special.logit(q) - a) / b * span)
                         for q in TARGETS}
        ranked = sorted(mixed | quantiles, key=lambda p: abs(fitted(self.x_of(p)) - 0.5))
        if not ranked:  # a flat fit and no point with both outcomes: back to the grid
            ranked = [i * RESOLUTION for i in range(s.grid)]
        size = min(left, s.batch)
        return self._trials([ranked[i % len(ranked)] for i in range(size)])

    def _trials(self, points: list[int]) -> list[Trial]:
        done: dict[int, int] = {}
        for t in self.trials:
            done[t.point] = done.get(t.point, 0) + 1
        out = []
        for p in points:
            out.append(Trial(p, self.x_of(p), done.get(p, 0)))
            done[p] = done.get(p, 0) + 1
        return out

    def record(self, trials: Sequence[Trial], outcomes: Sequence[float]) -> None:
        """Add the outcomes (1 event, 0 none, NaN failed run) of ``trials``."""
        if len(trials) != len(outcomes):
            raise ValueError(f"{len(trials)} trials but {len(outcomes)} outcomes")
        self.trials.extend(trials)
        self.outcomes.extend(float(y) for y in outcomes)


def adaptive_design(spec: TippingSpec, run: Callable[[list[Trial]], Sequence[float]]
                    ) -> Design:
    """Run the adaptive design to the end, ``run`` giving each round's 0/1 outcomes."""
    design = Design(spec)
    while trials := design.propose():
        design.record(trials, run(trials))
    return design


# ---------------------------------------------------------------- the study
SPEC_KEYS = {
    "variable": "a number parameter of the model (default committed_share)",
    "low": "a number: the lowest value of the variable",
    "high": "a number above low: the highest value of the variable",
    "outcome": "a true/false outcome of the model (default incumbent_fell)",
    "claim": "a number: the claimed critical value (default 0.20)",
    "budget": "a whole number of runs per point, at least grid x replicates",
    "grid": "a whole number of coarse grid values, 3 to 101",
    "replicates": "a whole number of runs per coarse grid value, 1 to 1000",
    "batch": "a whole number of runs per adaptive round, 1 to 100000",
    "level": "the confidence level, a number in [0.5, 0.999]",
}


def spec_from(scenario: Any) -> TippingSpec:
    """The scenario's ``[tipping]`` table checked and filled in with the defaults.

    Errors read ``FILE: tipping.KEY: message`` and raise ScenarioError.
    """
    path, raw = scenario.path, scenario.tipping

    def fail(key: str, message: str) -> ScenarioError:
        return ScenarioError(f"{path}: tipping{'.' + key if key else ''}: {message}")

    if raw is None:
        raise fail("", "missing; a tipping study needs a [tipping] table with low and high")
    for key in raw:
        if key not in SPEC_KEYS:
            raise fail(key, f"unknown key{suggest(key, list(SPEC_KEYS))}; allowed: "
                       + ", ".join(SPEC_KEYS))
    values = {**asdict(TippingSpec()), **raw}
    for key in ("low", "high"):
        if key not in raw:
            raise fail(key, f"missing; allowed: {SPEC_KEYS[key]}")
    defaults = resolve_params(scenario.model, {})
    variable = values["variable"]
    if not isinstance(variable, str) or variable not in defaults:
        hint = suggest(variable, list(defaults)) if isinstance(variable, str) else ""
        raise fail("variable", f"got {variable!r}{hint}, allowed: {SPEC_KEYS['variable']}")
    if type(defaults[variable]) is not float:
        raise fail("variable", f"'{variable}' is not a number parameter; allowed: "
                   f"{SPEC_KEYS['variable']}")
    if variable in scenario.params or variable in scenario.sweep or (
            scenario.sample and variable in scenario.sample.ranges):
        raise fail("variable", f"'{variable}' is also set in [params], [sweep] or [sample]; "
                   "the tipping study varies it")
    for key in ("low", "high", "claim", "level"):
        if isinstance(values[key], bool) or not isinstance(values[key], int | float):
            raise fail(key, f"got {values[key]!r}, allowed: {SPEC_KEYS[key]}")
        values[key] = float(values[key])
    for key in ("low", "high"):
        try:
            resolve_params(scenario.model, {variable: values[key]})
        except ParameterError as error:
            raise fail(key, str(error)) from None
    if not values["low"] < values["high"]:
        raise fail("high", f"got {values['high']!r}, allowed: {SPEC_KEYS['high']}")
    if not 0.5 <= values["level"] <= 0.999:
        raise fail("level", f"got {values['level']!r}, allowed: {SPEC_KEYS['level']}")
    outcome = values["outcome"]
    if outcome_types(scenario.model).get(outcome) != "bool":
        known = [k for k, v in outcome_types(scenario.model).items() if v == "bool"]
        hint = suggest(outcome, known) if isinstance(outcome, str) else ""
        raise fail("outcome", f"got {outcome!r}{hint}, allowed: one of " + ", ".join(known))
    for key, low, high in (("grid", 3, 101), ("replicates", 1, 1000), ("batch", 1, 100_000),
                           ("budget", 1, 10_000_000)):
        value = values[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise fail(key, f"got {value!r}, allowed: {SPEC_KEYS[key]}")
    if values["budget"] < values["grid"] * values["replicates"]:
        raise fail("budget", f"got {values['budget']}, allowed: {SPEC_KEYS['budget']} "
                   f"({values['grid'] * values['replicates']})")
    return TippingSpec(**values)


def summarize(design: Design, params: dict[str, Any], model: str) -> dict[str, Any]:
    """One tipping estimate as stored in ``tipping.json``.

    If no run (or every run) shows the outcome, there is no estimate and the interval is the
    open side beyond ``high`` (or below ``low``).
    """
    s = design.spec
    x, n, k = design.table()
    failed = len(design.trials) - design.n_runs
    result: dict[str, Any] = {
        "variable": s.variable, "outcome": s.outcome, "low": s.low, "high": s.high,
        "claim": s.claim, "level": s.level, "n_runs": design.n_runs, "n_failed": failed,
        "break_even_share": (economics.break_even_share(params["factory_fixed_cost_share"])
                             if model == "trust_market" else None)}
    fit = design.fit() if design.transition_seen() else None
    if fit is not None and math.isfinite(fit.estimate):
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
    return result


def run_study(scenario: Any, out: Path, workers: int | None = None, dask: str | None = None,
              progress: bool = True, say: Callable[[str], Any] = print) -> dict[str, Any]:
    """Run the scenario's tipping study (one design per sweep/sample point) through the
    batch runner, resumably, and write ``out/tipping.json``; return what it holds."""
    start = time.perf_counter()
    spec = spec_from(scenario)
    points = scenario.points()
    designs = [Design(spec) for _ in points]
    stride = designs[0].size + 1
    manifest = results.manifest(
        scenario, scenario.resolved(), {"root_seed": scenario.seed, "rule": SEED_RULE},
        kind="tipping", model=scenario.model, steps=scenario.steps, every=scenario.every,
        n_points=len(points), tipping=asdict(spec))
    round_no = 0
    while proposals := [(i, t) for i, d in enumerate(designs) for t in d.propose()]:
        round_no += 1
        specs = []
        for i, t in proposals:
            point_id = i * stride + t.point
            params = resolve_params(scenario.model,
                                    {**scenario.params, **points[i], spec.variable: t.x})
            specs.append(RunSpec(scenario.model, point_id, t.replicate, params,
                                 seed_for(scenario.seed, point_id, t.replicate),
                                 scenario.steps, scenario.every))
        done = sum(len(d.trials) for d in designs)
        xs = sorted({round(t.x, 4) for _, t in proposals})
        where = (f"{spec.variable} = {xs[0]:g} to {xs[-1]:g}" if len(xs) > 1
                 else f"{spec.variable} = {xs[0]:g}")
        say(f"Round {round_no}: {len(specs)} runs at {where} ({done} done so far)")
        report = run_batch(specs, out, manifest, workers=workers, dask=dask,
                           progress=progress, reporters=scenario.reporters)
        if report.errors:
            say(f"  {report.n_failed} runs failed, e.g. {report.errors[0]}")
        stored = storage.load_runs(out).set_index("run_id")[[spec.outcome, "status"]]
        for i, design in enumerate(designs):
            mine = [(t, s) for (j, t), s in zip(proposals, specs, strict=True) if j == i]
            if mine:
                rows = stored.loc[[s.run_id for _, s in mine]]
                y = rows[spec.outcome].astype("Float64").to_numpy(float, na_value=np.nan)
                y[rows["status"].to_numpy() != "ok"] = np.nan
                design.record([t for t, _ in mine], y)
    estimates = [{"params": point, **summarize(d, resolve_params(
        scenario.model, {**scenario.params, **point}), scenario.model)}
        for point, d in zip(points, designs, strict=True)]
    result: dict[str, Any] = {
        "scenario": scenario.name, "model": scenario.model, "variable": spec.variable,
        "outcome": spec.outcome, "claim": spec.claim, "level": spec.level,
        "steps": scenario.steps, "varied": sorted({k for p in points for k in p}),
        "n_runs": sum(e["n_runs"] for e in estimates), "seconds": time.perf_counter() - start}
    if len(estimates) == 1:
        result |= {k: v for k, v in estimates[0].items() if k != "params"}
    result["estimates"] = estimates
    results.write_json(Path(out) / "tipping.json", result)
    return result
