"""scipy's isotonic regression and Kaplan-Meier give the numbers of the textbook algorithms
they replaced: pool adjacent violators, and the product-limit estimate with Greenwood's
variance (Kaplan & Meier 1958; Greenwood 1926), written out here as the reference."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.studies.verdict import horizons, shape


def pool_adjacent_violators(y: np.ndarray, w: np.ndarray) -> np.ndarray:
    blocks: list[list[float]] = []  # [mean, weight, count]
    for value, weight in zip(y, w, strict=True):
        blocks.append([value, weight, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            v2, w2, c2 = blocks.pop()
            v1, w1, c1 = blocks.pop()
            blocks.append([(v1 * w1 + v2 * w2) / (w1 + w2), w1 + w2, c1 + c2])
    return np.concatenate([np.full(int(c), v) for v, _, c in blocks])


def product_limit(t: np.ndarray, horizon: int) -> tuple[list[float], list[float], list[float]]:
    """Weeks, survival and Greenwood's standard error, event by event."""
    fell = np.isfinite(t) & (t <= horizon)
    weeks, surv, se, s, green = [0.0], [1.0], [0.0], 1.0, 0.0
    for week in np.unique(t[fell]):
        at_risk = int(np.sum(~fell | (t >= week)))
        d = int(np.sum(fell & (t == week)))
        s *= 1.0 - d / at_risk
        green += d / (at_risk * (at_risk - d)) if at_risk > d else 0.0
        weeks.append(float(week))
        surv.append(s)
        se.append(s * math.sqrt(green) if at_risk > d else 0.0)
    return weeks, surv, se


@pytest.mark.parametrize("seed", range(20))
def test_isotonic_equals_pool_adjacent_violators(seed):
    rng = np.random.default_rng(seed)
    n = rng.integers(1, 30, size=12).astype(float)
    y = rng.binomial(n.astype(int), np.sort(rng.random(12))) / n
    assert np.allclose(shape.isotonic(y, n), pool_adjacent_violators(y, n), rtol=0, atol=1e-12)


@pytest.mark.parametrize("seed", range(20))
def test_kaplan_meier_equals_the_product_limit_with_greenwood(seed):
    rng = np.random.default_rng(seed)
    t = rng.integers(1, 80, size=40).astype(float)
    t[rng.random(40) < 0.3] = np.nan  # still standing: censored at the horizon
    if seed % 4 == 0:
        t[:] = rng.integers(1, 20, size=40)  # every run falls: survival ends at 0
    weeks, surv, se = product_limit(t, horizon=52)
    curve = horizons.kaplan_meier(t, horizon=52)
    assert curve["week"] == weeks
    assert np.allclose(curve["survival"], surv, rtol=0, atol=1e-12)
    z = 1.959963984540054
    low = np.clip(np.array(surv) - z * np.array(se), 0, 1)
    high = np.clip(np.array(surv) + z * np.array(se), 0, 1)
    last_all_fell = np.array(surv) == 0  # Greenwood's variance is undefined there
    assert np.allclose(np.array(curve["low"])[~last_all_fell], low[~last_all_fell], atol=1e-12)
    assert np.allclose(np.array(curve["high"])[~last_all_fell], high[~last_all_fell],
                       atol=1e-12)
    assert np.array(curve["low"])[last_all_fell].tolist() == [0.0] * last_all_fell.sum()


def test_kaplan_meier_without_a_fall_is_one_flat_point():
    assert horizons.kaplan_meier([np.nan, 60.0], horizon=52) == {
        "week": [0.0], "survival": [1.0], "low": [1.0], "high": [1.0]}
