"""Answers across worlds: how the regimes and verdicts are shared out, how the tipping share
is distributed, what the predictive reading says, and which parameters move the answers
(global sensitivity, SALib)."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from sim.model.proportions import wilson
from sim.studies.verdict.decision import VERDICTS
from sim.studies.verdict.regime import REGIMES


def shares(values: pd.Series, names: tuple[str, ...], level: float = 0.95
           ) -> dict[str, dict[str, Any]]:
    """Per name: the worlds whose value it is, their share of ``values`` and its Wilson
    interval (open where there are no worlds)."""
    n = len(values)
    out = {}
    for name in names:
        k = int((values == name).sum())
        low, high = wilson(k, n, level)
        out[name] = {"worlds": k, "share": k / n if n else None, "ci_low": low, "ci_high": high}
    return out


def regime_shares(regimes: pd.Series, level: float = 0.95) -> dict[str, dict[str, Any]]:
    """Per regime: worlds, their share of all worlds and its Wilson interval."""
    return shares(regimes, REGIMES, level)


def verdict_shares(verdicts: pd.Series, level: float = 0.95) -> dict[str, dict[str, Any]]:
    """Per verdict: threshold worlds, their share of the threshold worlds and its Wilson
    interval (``verdicts`` holds the threshold worlds' verdicts only)."""
    return shares(verdicts, VERDICTS, level)


def predictive(p_fall: pd.Series, regimes: pd.Series, claim: float, window: int,
               level: float = 0.95) -> dict[str, Any]:
    """The predictive reading across worlds: the share of worlds (with a value) where
    P(fall within ``window`` | the platform first held ``claim`` of the gross) is at least
    one half, with its Wilson interval, overall and per regime; and the chance's quantiles."""
    known = p_fall.notna()

    def part(mask: pd.Series) -> dict[str, Any]:
        values = p_fall[mask & known].to_numpy(float)
        k, n = int((values >= 0.5).sum()), int(values.size)
        low, high = wilson(k, n, level)
        return {"worlds": n, "at_least_half": k, "share": k / n if n else None,
                "ci_low": low, "ci_high": high,
                "median": float(np.median(values)) if n else None}

    every = pd.Series(True, index=p_fall.index)
    return {"claim": claim, "window": window, **part(every),
            "by_regime": {r: part(regimes == r) for r in REGIMES},
            "no_value": int((~known).sum())}


def distribution(shares: pd.Series, claim: float) -> dict[str, Any]:
    """The tipping share across worlds: quantiles of the worlds that reached one, how many
    did not (open), and the share of all worlds whose tipping share is at most the claim."""
    finite = shares.dropna().to_numpy(float)
    n = len(shares)
    quantiles = ({f"q{int(q * 100):02d}": float(np.quantile(finite, q))
                  for q in (0.05, 0.25, 0.5, 0.75, 0.95)} if finite.size else {})
    return {"worlds": n, "reached": int(finite.size), "open": int(n - finite.size),
            "at_most_claim": float((finite <= claim).sum() / n) if n else None,
            **quantiles}


def sensitivity(x: pd.DataFrame, y: pd.Series, ranges: dict[str, tuple[Any, Any]],
                estimator: str, seed: int, level: float = 0.95) -> dict[str, Any]:
    """First-order indices of ``y`` (one value per world) on the worlds' parameters ``x``.

    ``rbd_fast`` (Tarantola et al. 2006, bias-corrected) and ``delta`` (Borgonovo 2007;
    with S1) both read any sample, here the worlds themselves; ``S1_conf`` is the half-width
    of the bootstrap interval at ``level``. Worlds without a value are left out; with fewer
    than 8 left, no indices are given.
    """
    keep = y.notna().to_numpy()
    xs, ys = x.loc[keep, list(ranges)].to_numpy(float), y[keep].to_numpy(float)
    result: dict[str, Any] = {"estimator": estimator, "worlds": int(keep.sum()),
                              "indices": {}}
    if len(ys) < 8 or np.ptp(ys) == 0:
        result["note"] = "fewer than 8 worlds with a value, or no spread in it"
        return result
    problem = {"num_vars": len(ranges), "names": list(ranges),
               "bounds": [[float(a), float(b)] for a, b in ranges.values()]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if estimator == "rbd_fast":
            from SALib.analyze import rbd_fast

            # harmonics: few enough that the bootstrap's half samples keep 2M well below N
            m = max(1, min(6, (len(ys) // 2 - 1) // 4))
            s = rbd_fast.analyze(problem, xs, ys, M=m, num_resamples=200,
                                 conf_level=level, seed=seed)
            keys = {"S1": "S1", "S1_conf": "S1_conf"}
            result["harmonics"] = m
        else:
            from SALib.analyze import delta

            s = delta.analyze(problem, xs, ys, num_resamples=50, conf_level=level, seed=seed)
            keys = {"delta": "delta", "delta_conf": "delta_conf", "S1": "S1",
                    "S1_conf": "S1_conf"}
    for i, name in enumerate(ranges):
        result["indices"][name] = {k: _finite(s[v][i]) for k, v in keys.items()}
    result["ranking"] = sorted(ranges, key=lambda n: -(result["indices"][n]["S1"] or 0.0))
    return result


def _finite(value: Any) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def rank_screen(x: pd.DataFrame, y: pd.Series, names: list[str], alpha: float = 0.05
                ) -> dict[str, Any]:
    """Spearman's rank correlation of ``y`` with each parameter over the worlds with a
    value, with Benjamini-Hochberg adjusted p values (``q``) over the parameters: a screen
    that holds up with few worlds and many parameters, where variance-based indices do not.
    ``clear`` lists, strongest first, the parameters with ``q`` below ``alpha``."""
    from scipy import stats

    keep = y.notna().to_numpy()
    ys = y[keep].to_numpy(float)
    result: dict[str, Any] = {"worlds": int(keep.sum()), "alpha": alpha, "parameters": [],
                              "clear": []}
    if len(ys) < 8 or np.ptp(ys) == 0:
        result["note"] = "fewer than 8 worlds with a value, or no spread in it"
        return result
    rho, p = zip(*(stats.spearmanr(x.loc[keep, n].to_numpy(float), ys) for n in names),
                 strict=True)
    q = stats.false_discovery_control(np.nan_to_num(np.array(p, float), nan=1.0))
    rows = sorted(({"parameter": n, "rho": float(r), "p": float(pv), "q": float(qv)}
                   for n, r, pv, qv in zip(names, rho, p, q, strict=True)),
                  key=lambda row: row["p"])
    result["parameters"] = rows
    result["clear"] = [row["parameter"] for row in rows if row["q"] < alpha]
    return result
