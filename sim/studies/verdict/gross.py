"""Every answer in the essay's unit: the platform's share of the gross.

A dose study turns a lever (a share of consumers committed to the platform); the essay
speaks of the platform's share of the sector's gross. :func:`translate` reads the gross
share that a dose produced off a straight line fitted to the runs (each run's mean share
over its first 13 weeks against its dose), at s* and at the ends of its interval.
:func:`covariate_fit` fits the fall against a measured covariate of each run instead (e.g.
its mean share of the gross over the first year), the same way a dose is fitted.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from sim.studies.tipping import fit_dose_response
from sim.studies.verdict.decision import is_flat


def line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Least-squares intercept and slope of ``y`` on ``x``."""
    slope, intercept = np.polyfit(np.asarray(x, float), np.asarray(y, float), 1)
    return float(intercept), float(slope)


def translate(runs: pd.DataFrame, variable: str, column: str,
              at: dict[str, float | None]) -> dict[str, Any]:
    """The gross share ``column`` at each dose in ``at`` (``None`` stays ``None``), from the
    line through the runs' (dose, share) pairs, kept within [0, 1]."""
    ok = runs[[variable, column]].dropna()
    if ok[variable].nunique() < 2:
        return {key: None for key in at} | {"intercept": None, "slope": None}
    a, b = line(ok[variable].to_numpy(float), ok[column].to_numpy(float))
    return {key: (None if value is None else float(np.clip(a + b * value, 0.0, 1.0)))
            for key, value in at.items()} | {"intercept": a, "slope": b, "runs": len(ok)}


def covariate_fit(runs: pd.DataFrame, covariate: str, outcome: str = "incumbent_fell",
                  level: float = 0.95) -> dict[str, Any]:
    """The fall's dose-response against a measured covariate of each run: the covariate's
    value at which the chance of the fall is one half, with its interval."""
    ok = runs[[covariate, outcome]].dropna()
    x = ok[covariate].to_numpy(float)
    k = ok[outcome].astype(float).to_numpy()
    result: dict[str, Any] = {"covariate": covariate, "runs": len(ok)}
    if not 0 < k.sum() < k.size or np.unique(x).size < 2:
        return result | {"estimate": None, "ci_low": None, "ci_high": None, "flat": True}
    low, high = float(x.min()), float(x.max())
    if high - low < 1e-9:
        return result | {"estimate": None, "ci_low": None, "ci_high": None, "flat": True}
    fit = fit_dose_response(x, np.ones_like(x), k, low, high, level)
    return result | {"estimate": fit.estimate if math.isfinite(fit.estimate) else None,
                     "ci_low": fit.ci_low, "ci_high": fit.ci_high,
                     "flat": is_flat(x, np.ones_like(x), k, level)}
