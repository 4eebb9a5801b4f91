"""The essay's predictive reading: once the platform holds x% of the gross, how likely is
the incumbent to fall within two years, or five?

From natural and pushed runs alike: for each share x, each run that held x of the gross
before its incumbent fell contributes the first week it did; it counts as a fall if the
incumbent fell within the window after that week, as a survival if it stood through the
window, and not at all if the horizon came first (censored). The chance at x is the share
of falls with its Wilson interval; the crossing is where it first reaches one half, with
the shares where the interval's upper and lower ends first reach it as its interval. In a
platform-dominant world the chance can be high at every share: then the crossing sits at
the lowest share studied and says nothing of a threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.model.essay_claim import CLAIM_SHARE
from sim.model.proportions import wilson

SHARES = tuple(round(0.01 * k, 2) for k in range(1, 61))  # 1% to 60% of the gross
WINDOWS = (104, 260)  # two and five years


def first_weeks(series: pd.DataFrame, runs: pd.DataFrame, shares: Sequence[float]
                ) -> np.ndarray:
    """(runs x shares): the first week each run's platform held each share of the gross
    while its incumbent stood (NaN: never)."""
    out = np.full((len(runs), len(shares)), np.nan)
    grouped = dict(tuple(series.groupby("run_id")))
    falls = _weeks(runs["fall_step"])
    for i, (run_id, fall) in enumerate(zip(runs["run_id"], falls, strict=True)):
        s = grouped.get(run_id)
        if s is None:
            continue
        steps, share = s["step"].to_numpy(), s["platform_share"].to_numpy(float)
        keep = steps <= fall if np.isfinite(fall) else np.ones(steps.size, bool)
        steps, share = steps[keep], share[keep]
        if not steps.size:
            continue
        share = np.maximum.accumulate(share)
        idx = np.searchsorted(share, shares, side="left")
        hit = idx < steps.size
        out[i, hit] = steps[idx[hit]]
    return out


def _weeks(column: pd.Series) -> np.ndarray:
    """Fall weeks as floats, NaN where the incumbent stood to the horizon."""
    return pd.to_numeric(column, errors="coerce").astype(float).to_numpy(na_value=np.nan)


def curve(series: pd.DataFrame, runs: pd.DataFrame, horizon: int, window: int,
          shares: Sequence[float] = SHARES, level: float = 0.95) -> dict[str, Any]:
    """P(fall within ``window`` weeks | the platform first held x of the gross), over x."""
    fall = _weeks(runs["fall_step"])
    weeks = first_weeks(series, runs, shares)
    rows = []
    for j, x in enumerate(shares):
        first = weeks[:, j]
        held = np.isfinite(first)
        fell = held & np.isfinite(fall) & (fall - first <= window)
        stood = held & ~fell & (horizon - first >= window)
        n, k = int((fell | stood).sum()), int(fell.sum())
        low, high = wilson(k, n, level)
        rows.append({"share": x, "runs": n, "falls": k, "p": k / n if n else None,
                     "ci_low": low, "ci_high": high})

    def first_at(key: str) -> float | None:
        hits = [r["share"] for r in rows if r[key] is not None and r[key] >= 0.5]
        return hits[0] if hits else None

    crossing = {"estimate": first_at("p"), "ci_low": first_at("ci_high"),
                "ci_high": first_at("ci_low")}
    lowest = next((r for r in rows if r["runs"]), None)
    high_everywhere = bool(lowest and lowest["p"] is not None and lowest["p"] >= 0.5)
    return {"window": window, "curve": rows, "crossing": crossing,
            "high_at_every_share": high_everywhere}


def reading(series: pd.DataFrame, runs: pd.DataFrame, horizon: int,
            windows: Sequence[int] = WINDOWS, claim: float = CLAIM_SHARE,
            level: float = 0.95) -> dict[str, Any]:
    """The predictive curves for each window, and the chance at the claim's share."""
    curves = {str(w): curve(series, runs, horizon, w, level=level) for w in windows}
    at_claim = {w: next((r for r in c["curve"] if abs(r["share"] - claim) < 1e-9), None)
                for w, c in curves.items()}
    return {"windows": list(windows), "curves": curves, "at_claim": at_claim,
            "runs": len(runs)}
