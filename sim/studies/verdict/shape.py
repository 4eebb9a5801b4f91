"""Is the logistic shape right? A non-parametric check of the one-half crossing.

The isotonic (monotone) regression of the observed fall frequencies on the dose, by the
pool-adjacent-violators algorithm (Ayer et al. 1955; Barlow et al. 1972; scipy's
``isotonic_regression``), makes no
assumption about the curve's shape. Its one-half crossing is read by linear interpolation
between fitted values; its interval comes from a bootstrap of the runs (each design point's
runs resampled). :func:`compare` sets it beside the logistic fit: when the two intervals do
not overlap the shapes disagree, and the verdict uses the wider interval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.optimize import isotonic_regression

from sim.studies.verdict.decision import percentile_interval


def isotonic(y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Non-decreasing least-squares fit to ``y`` with weights ``w`` (pool adjacent
    violators, :func:`scipy.optimize.isotonic_regression`)."""
    return isotonic_regression(np.asarray(y, float), weights=np.asarray(w, float)).x


def crossing(x: np.ndarray, fitted: np.ndarray, target: float = 0.5) -> float:
    """Where a non-decreasing step fit first reaches ``target`` (linear between points);
    -inf if it starts at or above it, +inf if it never reaches it."""
    above = np.flatnonzero(fitted >= target)
    if above.size == 0:
        return math.inf
    i = int(above[0])
    if i == 0:
        return -math.inf
    x0, x1, f0, f1 = x[i - 1], x[i], fitted[i - 1], fitted[i]
    return float(x0 + (target - f0) / (f1 - f0) * (x1 - x0))


def isotonic_crossing(x: Sequence[float], n: Sequence[int], k: Sequence[int],
                      boot: int = 400, level: float = 0.95, seed: int = 0) -> dict[str, Any]:
    """The isotonic estimate of the one-half crossing and its bootstrap interval.

    The curve is fitted to the rising direction (falls become likelier with the dose); an
    end of the interval that leaves the data's range is open (``None``).
    """
    x, n, k = (np.asarray(a, float) for a in (x, n, k))
    order = np.argsort(x)
    x, n, k = x[order], n[order], k[order]
    fitted = isotonic(k / n, n)
    estimate = crossing(x, fitted)
    rng = np.random.default_rng(seed)
    draws = rng.binomial(n.astype(int)[None, :].repeat(boot, 0), (k / n)[None, :])
    samples = np.array([crossing(x, isotonic(d / n, n)) for d in draws])
    low, high = percentile_interval(samples, level)
    # the crossing lies between the design points on either side of one half, whatever the
    # bootstrap says (with separated outcomes every resample repeats the same data)
    below, above = x[fitted < 0.5], x[fitted >= 0.5]
    if low is not None and below.size:
        low = min(low, float(below.max()))
    if high is not None and above.size:
        high = max(high, float(above.min()))
    return {"estimate": estimate if math.isfinite(estimate) else None,
            "ci_low": low, "ci_high": high, "boot": boot}


def compare(logistic: tuple[float | None, float | None],
            isotonic_ci: tuple[float | None, float | None]) -> dict[str, Any]:
    """Whether the logistic and isotonic intervals overlap, and the interval to use: the
    logistic one when they do, the wider of the two when they do not."""
    def bounds(ci: tuple[float | None, float | None]) -> tuple[float, float]:
        return (-math.inf if ci[0] is None else ci[0], math.inf if ci[1] is None else ci[1])

    (a0, a1), (b0, b1) = bounds(logistic), bounds(isotonic_ci)
    agree = a0 <= b1 and b0 <= a1
    used = logistic if agree or (a1 - a0) >= (b1 - b0) else isotonic_ci
    return {"agree": bool(agree), "used": "logistic" if used is logistic else "isotonic",
            "ci_low": used[0], "ci_high": used[1]}
