"""Trajectory checks: a stored series, averaged over replicates, against a closed form.

Model-free: :func:`mean_curve` averages a series table (``run_id``, ``step``, columns) over
runs at each step; :func:`compare` gives the largest absolute gap between that mean and a
reference curve, and where it lies; :func:`peak_time` finds when a rising share grows
fastest, as the vertex of a parabola through the smoothed rate near its maximum (so the
noise of single steps does not decide it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd


def mean_curve(series: pd.DataFrame, time: str, value: str) -> pd.DataFrame:
    """Per step: the mean ``time`` and the replicate mean and standard error of ``value``,
    and how many runs reached that step."""
    grouped = series.groupby("step")
    out = pd.DataFrame({"time": grouped[time].mean(), "mean": grouped[value].mean(),
                        "sem": grouped[value].sem(ddof=1).fillna(0.0),
                        "runs": grouped[value].count()}).reset_index()
    return out


def compare(curve: pd.DataFrame, reference: Callable[[np.ndarray], np.ndarray]
            ) -> dict[str, Any]:
    """The largest absolute gap between ``curve["mean"]`` and ``reference(curve["time"])``,
    the time where it lies, and the number of steps compared."""
    t = curve["time"].to_numpy(float)
    gap = np.abs(curve["mean"].to_numpy(float) - reference(t))
    worst = int(np.argmax(gap))
    return {"max_abs_error": float(gap[worst]), "at_time": float(t[worst]), "steps": len(t)}


def peak_time(t: np.ndarray, share: np.ndarray, window: float = 1.0) -> float:
    """When ``share`` (sampled at evenly spaced times ``t``, starting one step in) grows
    fastest: the rate per step, smoothed over ``window`` time units, fitted by a parabola
    over the steps where it is within 10% of its maximum; the vertex is returned."""
    t, share = np.asarray(t, float), np.asarray(share, float)
    dt = float(t[1] - t[0])
    rate = np.diff(np.concatenate([[0.0], share])) / dt
    width = max(1, round(window / dt))
    smooth = np.convolve(rate, np.ones(width) / width, mode="same")
    near = np.flatnonzero(smooth >= 0.9 * smooth.max())
    mid = t - dt / 2  # a step's rate belongs to the middle of the step
    if near.size < 3:
        return float(mid[int(np.argmax(smooth))])
    a, b, _ = np.polyfit(mid[near], smooth[near], 2)
    return float(-b / (2 * a)) if a < 0 else float(mid[int(np.argmax(smooth))])
