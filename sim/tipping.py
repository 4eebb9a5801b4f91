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
  the profile never drops that far (within one range beyond ``[low, high]``) is unbounded
  (``None``);
- the width of the transition, from probability 0.1 to 0.9: ``ln 81 / |b|``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, special, stats

RESOLUTION = 200  # lattice points per cell of the coarse grid: where new design points may go
LOG_81 = math.log(81.0)  # logit(0.9) - logit(0.1)


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

    def probability(self, x: np.ndarray | float) -> np.ndarray:
        """Fitted probability of the outcome at ``x``."""
        return special.expit(self.intercept + self.slope * np.asarray(x, float))

    def covers(self, value: float) -> bool:
        """Whether ``value`` lies inside the confidence interval."""
        low = -math.inf if self.ci_low is None else self.ci_low
        high = math.inf if self.ci_high is None else self.ci_high
        return low <= value <= high


# ---------------------------------------------------------------- the Firth-penalized fit
def _penalized(beta: np.ndarray, u: np.ndarray, n: np.ndarray, k: np.ndarray
               ) -> tuple[float, np.ndarray]:
    """Minus the Firth-penalized binomial log-likelihood of ``logit p = beta0 + beta1 u``,
    and its gradient (the modified score of Firth 1993)."""
    eta = beta[0] + beta[1] * u
    p = special.expit(eta)
    w = n * p * (1.0 - p)
    info = np.array([[w.sum(), (w * u).sum()], [(w * u).sum(), (w * u * u).sum()]])
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
    far the interval is searched (one range beyond each end). Needs at least one event and
    one non-event, at two or more distinct ``x``.
    """
    x, n, k = (np.asarray(a, float) for a in (x, n, k))
    if k.sum() == 0 or k.sum() == n.sum() or np.unique(x).size < 2:
        raise ValueError("need events and non-events at two or more values of x")
    span = high - low
    u = (x - low) / span
    beta, best = _maximize(u, n, k)
    sign = 1.0 if beta[1] >= 0 else -1.0
    m_hat = -beta[0] / beta[1]
    best = max(best, _profile(m_hat, sign, u, n, k))
    floor = best - stats.chi2.ppf(level, 1) / 2
    lower = _bound(m_hat, -1.0, floor, sign, u, n, k)
    upper = _bound(m_hat, 1.0, floor, sign, u, n, k)
    with_none, with_event = x[k < n], x[k > 0]
    separated = bool(with_none.max() < with_event.min() or with_event.max() < with_none.min())
    return Fit(intercept=beta[0] - beta[1] * low / span, slope=beta[1] / span,
               estimate=low + m_hat * span,
               ci_low=None if lower is None else low + lower * span,
               ci_high=None if upper is None else low + upper * span,
               width=LOG_81 / abs(beta[1]) * span, level=level, separated=separated)


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
        quantiles = {self._point_of(s.low + (special.logit(q) - a) / b * span)
                     for q in (0.2, 0.5, 0.8)}
        ranked = sorted(mixed | quantiles, key=lambda p: abs(fitted(self.x_of(p)) - 0.5))
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
