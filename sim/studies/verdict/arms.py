"""What each arm says, and what trust does: the differences between arms, with intervals.

An arm is one regime of the same study (same pricing rule, cash, horizon and seeds) with
some switches set: ``no_switching`` (only committed consumers use the platform),
``price_only`` (switching on price and own experience, every trust channel off) and
``full`` (the model as it is). Differences between arms use bootstrap intervals: for the
tipping share of the gross the fork runs are paired by replicate (same seed in each arm),
for s* the dose runs of each arm are resampled and refitted. Only ``full - price_only`` is
called the effect of trust.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from sim.studies.verdict.decision import median_interval, penalized_loglik, percentile_interval

ARMS = ("no_switching", "price_only_uninformed", "price_only", "full")
DIFFERENCES = {  # name: (minuend, subtrahend, what it is)
    "trust": ("full", "price_only", "the effect of trust (consumers know the vendors' mean "
              "quality as they know the factory's)"),
    "trust_uninformed": ("full", "price_only_uninformed", "the effect of trust if consumers "
                         "know nothing of vendors before their own evidence"),
    "switching": ("price_only", "no_switching", "the effect of switching on price and "
                  "quality alone"),
    "total": ("full", "no_switching", "switching and trust together"),
}


def tipping_values(forks: pd.DataFrame) -> np.ndarray:
    """Each fork run's tipping share of the gross (the upper end of its censoring
    interval), by replicate; +inf where the run never reached a point of no return."""
    ordered = forks.sort_values("replicate")
    reached = ordered["tipping_reached"].fillna(False).to_numpy(bool)
    share = ordered["tipping_share_gross"].to_numpy(float)
    return np.where(reached, share, math.inf)


def lower_ends(forks: pd.DataFrame) -> np.ndarray:
    """Each run's lower end, by replicate: the share at its last checkpoint not past
    (-inf, open, where its first checkpoint was already past), or the largest share its
    platform held where it never reached a point (the point, if any, lies above)."""
    ordered = forks.sort_values("replicate")
    reached = ordered["tipping_reached"].fillna(False).to_numpy(bool)
    before = ordered["share_before"].to_numpy(float)
    held = ordered["share_max"].to_numpy(float)
    return np.where(reached, np.where(np.isfinite(before), before, -math.inf), held)


def midpoints(forks: pd.DataFrame) -> np.ndarray:
    """Each run's censoring midpoint, by replicate: halfway between its last checkpoint not
    past and its first past; the upper end where the lower is open; +inf where the run never
    reached a point of no return."""
    upper, lower = tipping_values(forks), lower_ends(forks)
    return np.where(np.isfinite(lower) & np.isfinite(upper), (lower + upper) / 2, upper)


def tipping_summary(forks: pd.DataFrame, level: float = 0.95) -> dict[str, Any]:
    """The tipping share over runs: the median of the runs' censoring midpoints, and an
    interval that covers the censoring: the order-statistic interval's lower bound over the
    runs' lower ends and its upper bound over their upper ends."""
    upper, lower = tipping_values(forks), lower_ends(forks)
    reached = np.isfinite(upper)
    estimate, _, _ = median_interval(midpoints(forks), level)
    _, _, high = median_interval(upper, level)
    _, low, _ = median_interval(lower, level)
    ordered = forks.sort_values("replicate")
    return {"estimate": estimate, "ci_low": low, "ci_high": high, "runs": int(upper.size),
            "reached": int(reached.sum()),
            "values": [float(v) if math.isfinite(v) else None for v in upper],
            "share_before": [float(v) if math.isfinite(v) else None for v in lower],
            "by": ordered["tipping_by"].fillna("none").tolist(),
            "max_share_unreached": (float(ordered["share_max"].to_numpy(float)[
                ~reached].max()) if (~reached).any() else None)}


def state_at_point(forks: pd.DataFrame) -> dict[str, Any]:
    """The median state at the runs' points of no return (runs that reached one)."""
    hit = forks[forks["tipping_reached"].fillna(False).astype(bool)]
    keys = ("tipping_share_gross", "point_ever_used", "point_committed",
            "point_factory_profit", "point_factory_cash", "point_factory_reserve")
    out = {key.removeprefix("point_"): _nan_median(hit[key]) for key in keys if key in hit}
    out["share_gross"] = out.pop("tipping_share_gross", None)
    out["runs"] = len(hit)
    return out


def _nan_median(values: pd.Series) -> float | None:
    x = values.to_numpy(float)
    x = x[np.isfinite(x)]
    return float(np.median(x)) if x.size else None


def firth_midpoint(x: np.ndarray, n: np.ndarray, k: np.ndarray, low: float, high: float
                   ) -> float:
    """The point estimate of s* alone (Firth-penalized logistic fit, as the tipping
    estimator's), fast enough for a bootstrap; NaN for a flat fit."""
    u = (x - low) / (high - low)

    def minus(beta: np.ndarray) -> float:
        value = penalized_loglik(beta, u, n, k)
        return -value if math.isfinite(value) else 1e300

    beta = optimize.minimize(minus, np.zeros(2), method="Nelder-Mead",
                             options={"xatol": 1e-6, "fatol": 1e-9}).x
    return low - beta[0] / beta[1] * (high - low) if beta[1] != 0 else math.nan


def s_star_samples(runs: pd.DataFrame, variable: str, outcome: str, low: float, high: float,
                   boot: int, seed: int) -> np.ndarray:
    """Bootstrap s* (runs resampled with replacement, point estimate refitted); NaN where a
    resample has no transition or no trend."""
    x = runs[variable].to_numpy(float)
    y = runs[outcome].astype(float).to_numpy()
    rng = np.random.default_rng(seed)
    out = np.full(boot, np.nan)
    for b in range(boot):
        pick = rng.integers(0, x.size, x.size)
        xs, ys = x[pick], y[pick]
        if not 0 < ys.sum() < ys.size or np.unique(xs).size < 2:
            continue
        values, inverse = np.unique(xs, return_inverse=True)
        n = np.bincount(inverse)
        k = np.bincount(inverse, weights=ys)
        out[b] = firth_midpoint(values, n.astype(float), k, low, high)
    return np.clip(out, low, high)  # a crossing beyond the range counts at its edge


def paired_median_difference(a: np.ndarray, b: np.ndarray, boot: int,
                             rng: np.random.Generator, level: float = 0.95) -> dict[str, Any]:
    """median(a) - median(b) for values paired by position (the same replicate's seed), with
    the percentile interval of the paired bootstrap (pairs resampled together); an infinite
    value (a run that reached no point) makes a median open where it falls on one."""
    pick = rng.integers(0, a.size, (boot, a.size))
    with np.errstate(invalid="ignore"):
        diffs = np.median(a[pick], axis=1) - np.median(b[pick], axis=1)
        point = float(np.median(a) - np.median(b))
    low, high = percentile_interval(diffs, level)
    return {"estimate": point if math.isfinite(point) else None, "ci_low": low, "ci_high": high}


def differences(arms: dict[str, dict[str, Any]], boot: int, seed: int, level: float
                ) -> dict[str, Any]:
    """Each difference of :data:`DIFFERENCES` between arms present, for the tipping share
    (paired bootstrap of medians) and for s* (independent bootstrap of refits)."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, (a, b, meaning) in DIFFERENCES.items():
        if a not in arms or b not in arms:
            continue
        entry: dict[str, Any] = {"minuend": a, "subtrahend": b, "meaning": meaning}
        va, vb = arms[a]["_tipping_values"], arms[b]["_tipping_values"]
        if va.size and va.size == vb.size:
            entry["tipping_share_gross"] = paired_median_difference(va, vb, boot, rng, level)
        sa, sb = arms[a]["_s_star_samples"], arms[b]["_s_star_samples"]
        ea, eb = arms[a]["s_star"].get("estimate"), arms[b]["s_star"].get("estimate")
        if ea is None or eb is None:  # s* outside the range (or flat) in one of the arms
            entry["s_star"] = {"estimate": None, "ci_low": None, "ci_high": None,
                               "boot_valid": 0}
        else:
            low, high = percentile_interval(sa - sb, level)
            entry["s_star"] = {"estimate": ea - eb, "ci_low": low, "ci_high": high,
                               "boot_valid": int(np.isfinite(sa - sb).sum())}
        out[name] = entry
    return out
