"""The decision rule: a verdict that cannot overclaim, and the intervals it reads.

:func:`decide` turns an interval into one of ``supported``, ``excluded`` or ``inconclusive``
(docs/sources.md, "The verdict"): supported only if the whole interval lies within ``claim +-
margin``; excluded if the claim lies outside the interval; inconclusive otherwise, which
includes a flat fit, an open side that still holds the claim, and an interval wider than
twice the margin. :func:`median_interval` is the distribution-free interval for a median
from order statistics (Conover 1999, section 3.2); :func:`is_flat` says when a fitted
dose-response curve has no trend worth the name.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import optimize, special, stats

VERDICTS = ("supported", "excluded", "inconclusive")


def decide(ci_low: float | None, ci_high: float | None, claim: float, margin: float,
           flat: bool = False) -> str:
    """The verdict on ``claim`` from an interval (``None``: an open side).

    The margin is the claim's tolerance, tested first: an interval inside ``claim +-
    margin`` supports the claim even if it is so narrow that it misses the claim's exact
    value (the equivalence-test reading; 20.2% +- 0.15 supports "20%" at a 5-point margin).
    A flat fit has no critical value, so nothing about the claim follows from it.
    """
    if flat:
        return "inconclusive"
    low = -math.inf if ci_low is None else ci_low
    high = math.inf if ci_high is None else ci_high
    if claim - margin <= low and high <= claim + margin:
        return "supported"
    if not low <= claim <= high:
        return "excluded"
    return "inconclusive"


def penalized_loglik(beta: np.ndarray, u: np.ndarray, n: np.ndarray, k: np.ndarray) -> float:
    """Firth-penalized binomial log-likelihood of ``logit p = beta0 + beta1 u`` (the tipping
    estimator's criterion; -inf where the information is singular)."""
    eta = beta[0] + beta[1] * u
    p = special.expit(eta)
    w = n * p * (1 - p)
    det = w.sum() * (w * u * u).sum() - (w * u).sum() ** 2
    loglik = (k * special.log_expit(eta) + (n - k) * special.log_expit(-eta)).sum()
    if not det > 0:
        return -math.inf
    return float(loglik + 0.5 * math.log(det))


def is_flat(x: Sequence[float], n: Sequence[int], k: Sequence[int], level: float = 0.95
            ) -> bool:
    """Whether the runs show no trend in the variable: the penalized likelihood-ratio test
    of slope zero (Heinze & Schemper 2002) does not reject at ``level``. Then the variable
    does not move the outcome enough to place a midpoint."""
    x, n, k = (np.asarray(a, float) for a in (x, n, k))
    if np.unique(x).size < 2 or k.sum() in (0, n.sum()):
        return True
    u = (x - x.min()) / (x.max() - x.min())
    full = optimize.minimize(lambda b: -penalized_loglik(b, u, n, k), np.zeros(2),
                             method="Nelder-Mead", options={"xatol": 1e-7, "fatol": 1e-10})
    null = -optimize.minimize_scalar(lambda a: -penalized_loglik(np.array([a, 0.0]), u, n, k),
                                     bounds=(-20.0, 20.0), method="bounded").fun
    return bool(2 * (-full.fun - null) < stats.chi2.ppf(level, 1))


def median_interval(values: Sequence[float], level: float = 0.95
                    ) -> tuple[float | None, float | None, float | None]:
    """Median of ``values`` and its distribution-free interval ``(x_(j), x_(n+1-j))``.

    ``j`` is the largest rank with ``P(j <= B <= n - j) >= level`` for ``B ~ Bin(n, 1/2)``.
    Infinite values (runs that never reached the point) sort last; a bound or median that
    falls on one is ``None`` (open). With too few values for ``level`` the interval is open
    on both sides.
    """
    x = np.sort(np.asarray(values, float))
    n = x.size
    if n == 0:
        return None, None, None

    def finite(v: float) -> float | None:
        return float(v) if math.isfinite(v) else None

    middle = x[(n - 1) // 2: n // 2 + 1]
    median = finite(float(middle.mean())) if np.isfinite(middle).all() else None
    j = 0
    for rank in range(1, n // 2 + 1):
        if stats.binom.cdf(n - rank, n, 0.5) - stats.binom.cdf(rank - 1, n, 0.5) >= level:
            j = rank
    if j == 0:
        return median, None, None
    return median, finite(x[j - 1]), finite(x[n - j])


def percentile_interval(samples: np.ndarray, level: float = 0.95
                        ) -> tuple[float | None, float | None]:
    """Percentile bootstrap interval; an infinite or NaN end is open (``None``)."""
    samples = np.asarray(samples, float)
    samples = samples[~np.isnan(samples)]
    if samples.size == 0:
        return None, None
    low = np.quantile(samples, 0.5 - level / 2, method="lower")
    high = np.quantile(samples, 0.5 + level / 2, method="higher")
    return (float(low) if math.isfinite(low) else None,
            float(high) if math.isfinite(high) else None)
