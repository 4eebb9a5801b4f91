"""The Firth-penalized logistic dose-response fit behind the tipping estimator.

``k`` events out of ``n`` runs at each ``x`` are fitted with ``logit p = a + b x`` by maximum
likelihood with Firth's penalty (the Jeffreys prior, Firth 1993), which keeps the estimates
finite under complete separation (all runs below some ``x`` survive, all above fall) and
removes most of the small-sample bias; without separation it is close to the plain
maximum-likelihood fit.

- the critical value ``s* = (logit(target) - a) / b``, where the fitted probability equals
  ``target`` (one half unless asked otherwise; a decreasing curve, ``b < 0``, works alike);
- its confidence interval by profile penalized likelihood (Heinze & Schemper 2002): the
  values of s* whose profile is within ``chi2_1(level) / 2`` of the maximum; a side on which
  the profile never drops that far (within two ranges of the estimate) is unbounded
  (``None``);
- the width of the transition, from probability 0.1 to 0.9: ``ln 81 / |b|``.

Pure numpy/scipy: importing it pulls in no runner and no model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize, special, stats

LOG_81 = math.log(81.0)  # logit(0.9) - logit(0.1)


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
    target: float = 0.5

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


def maximize(u: np.ndarray, n: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, float]:
    best = optimize.minimize(_penalized, np.zeros(2), args=(u, n, k), jac=True,
                             method="BFGS", options={"gtol": 1e-8})
    return best.x, -best.fun


def _profile(m: float, sign: float, u: np.ndarray, n: np.ndarray, k: np.ndarray,
             offset: float = 0.0) -> float:
    """Largest penalized log-likelihood among curves through logit ``offset`` at ``m`` (slope
    sign fixed; offset 0: curves with midpoint ``m``)."""
    def minus(t: float) -> float:
        b = sign * math.exp(t)
        return _penalized(np.array([offset - b * m, b]), u, n, k)[0]
    with np.errstate(invalid="ignore", over="ignore"):  # flat stretches give inf - inf
        best = optimize.minimize_scalar(minus, bounds=(-8.0, 10.0), method="bounded",
                                        options={"xatol": 1e-6})
    return -best.fun


def _bound(m_hat: float, direction: float, floor: float, sign: float, u, n, k,
           offset: float = 0.0) -> float | None:
    """Where the profile drops to ``floor`` going from ``m_hat`` in ``direction`` (``None``
    if it never does within two ranges, or if the midpoint is so far out that the slope is
    flat and the profile cannot be traced)."""
    def gap(m: float) -> float:
        return _profile(m, sign, u, n, k, offset) - floor
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
                      low: float, high: float, level: float = 0.95, target: float = 0.5
                      ) -> Fit:
    """Fit ``k`` events out of ``n`` runs at each ``x`` (Firth-penalized logistic); the
    estimate is where the fitted probability equals ``target``.

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
    beta, best = maximize(u, n, k)
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
                   covariance, target)
    sign = 1.0 if beta[1] > 0 else -1.0
    offset = float(special.logit(target))
    m_hat = (offset - beta[0]) / beta[1]
    best = max(best, _profile(m_hat, sign, u, n, k, offset))
    floor = best - stats.chi2.ppf(level, 1) / 2
    lower = _bound(m_hat, -1.0, floor, sign, u, n, k, offset)
    upper = _bound(m_hat, 1.0, floor, sign, u, n, k, offset)
    with_none, with_event = x[k < n], x[k > 0]
    separated = bool(with_none.max() < with_event.min() or with_event.max() < with_none.min())
    return Fit(intercept=float(beta[0] - beta[1] * low / span), slope=float(beta[1] / span),
               estimate=float(low + m_hat * span),
               ci_low=None if lower is None else float(low + lower * span),
               ci_high=None if upper is None else float(low + upper * span),
               width=float(LOG_81 / abs(beta[1]) * span), level=level, separated=separated,
               covariance=covariance, target=target)


def beyond_range(fit: Fit, low: float, high: float) -> tuple[str, float | None, float | None]:
    """Where a fit that crosses its target outside ``[low, high]`` puts s*: ("below" or
    "above", and the interval of what can be said inside the range: open on the far side,
    bounded by the fit's interval where that reaches into the range, else by the range)."""
    below = fit.estimate < low
    edge = fit.ci_high if below else fit.ci_low
    inside = edge is not None and low <= edge <= high
    if below:
        return "below", None, edge if inside else low
    return "above", edge if inside else high, None
