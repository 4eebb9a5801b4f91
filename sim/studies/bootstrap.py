"""Percentile-bootstrap intervals over runs (numpy only, so outputs may use them)."""

from __future__ import annotations

import numpy as np


def bootstrap_mean(values: np.ndarray, rng: np.random.Generator, resamples: int
                   ) -> tuple[float, float, float]:
    """Mean and percentile-bootstrap 95% interval (the interval is the point with one run)."""
    values = np.asarray(values, float)
    if values.size == 1:
        return (float(values[0]),) * 3
    means = rng.choice(values, size=(resamples, values.size)).mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(values.mean()), float(low), float(high)


def bootstrap_difference(a: np.ndarray, b: np.ndarray, rng: np.random.Generator,
                         resamples: int) -> tuple[float, float, float]:
    """Mean of ``a`` minus mean of ``b`` (independent runs) with a percentile-bootstrap 95%
    interval."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    diffs = (rng.choice(a, size=(resamples, a.size)).mean(axis=1)
             - rng.choice(b, size=(resamples, b.size)).mean(axis=1))
    low, high = np.percentile(diffs, [2.5, 97.5])
    return float(a.mean() - b.mean()), float(low), float(high)
