"""The horizon: the fall as a time to event, censored at the horizon.

:func:`kaplan_meier` is the product-limit estimate of the chance that the incumbent still
stands after each week (Kaplan & Meier 1958), with a 95% interval from Greenwood's variance,
both by scipy. :func:`by_horizon` refits the dose-response curve with the outcome "fell by
week h" for several horizons ``h`` from the same runs (no reruns), so that s* is read as what
it is: a property of the horizon.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.studies.tipping import fit_dose_response
from sim.studies.tipping.fit import beyond_range
from sim.studies.verdict.decision import is_flat


def kaplan_meier(fall_step: Sequence[float], horizon: int) -> dict[str, list[float]]:
    """Survival curve of runs that fell at ``fall_step`` (NaN: still standing at
    ``horizon``, censored there): the weeks with a fall, the survival after each and its
    95% interval from Greenwood's variance (:func:`scipy.stats.ecdf` on censored data)."""
    t = np.asarray(fall_step, float)
    fell = np.isfinite(t) & (t <= horizon)
    weeks = np.unique(t[fell])
    if not weeks.size:
        return {"week": [0.0], "survival": [1.0], "low": [1.0], "high": [1.0]}
    data = stats.CensoredData(uncensored=t[fell], right=np.full(int((~fell).sum()), horizon))
    curve = stats.ecdf(data).sf
    with warnings.catch_warnings():  # undefined where every run left falls: survival is 0
        warnings.simplefilter("ignore", RuntimeWarning)
        band = curve.confidence_interval(0.95)
    surv = curve.evaluate(weeks)
    low = np.where(np.isnan(band.low.evaluate(weeks)), surv, band.low.evaluate(weeks))
    high = np.where(np.isnan(band.high.evaluate(weeks)), surv, band.high.evaluate(weeks))
    return {"week": [0.0, *weeks.tolist()], "survival": [1.0, *surv.tolist()],
            "low": [1.0, *low.tolist()], "high": [1.0, *high.tolist()]}


def survival_by_dose(runs: pd.DataFrame, variable: str, horizon: int) -> list[dict[str, Any]]:
    """One Kaplan-Meier curve per value of the dose ``variable`` in ``runs``."""
    curves = []
    for x, group in runs.groupby(variable):
        steps = group["fall_step"].astype("Float64").to_numpy(float, na_value=np.nan)
        curves.append({"x": float(x), "runs": len(group), **kaplan_meier(steps, horizon)})
    return curves


def fell_by(runs: pd.DataFrame, variable: str, week: int) -> pd.DataFrame:
    """Per dose: runs and falls by ``week`` (columns x, runs, events)."""
    steps = runs["fall_step"].astype("Float64").to_numpy(float, na_value=np.nan)
    fell = (np.isfinite(steps) & (steps <= week)).astype(float)
    table = pd.DataFrame({"x": runs[variable].to_numpy(float), "k": fell})
    return table.groupby("x")["k"].agg(runs="size", events="sum").reset_index()


def flat_at(runs: pd.DataFrame, variable: str, week: int, level: float = 0.95) -> bool:
    """Whether "fell by ``week``" shows no trend in the dose (see :func:`is_flat`)."""
    table = fell_by(runs, variable, week)
    return is_flat(table["x"], table["runs"], table["events"], level)


def by_horizon(runs: pd.DataFrame, variable: str, horizons: Sequence[int], low: float,
               high: float, level: float = 0.95) -> list[dict[str, Any]]:
    """s* with its interval for the outcome "fell by week h", for each ``h``."""
    steps = runs["fall_step"].astype("Float64").to_numpy(float, na_value=np.nan)
    out = []
    for h in horizons:
        fell = np.isfinite(steps) & (steps <= h)
        table = pd.DataFrame({"x": runs[variable].to_numpy(float), "k": fell.astype(float)})
        grouped = table.groupby("x")["k"].agg(["size", "sum"]).reset_index()
        row: dict[str, Any] = {"horizon": int(h), "runs": int(fell.size),
                               "falls": int(fell.sum())}
        if 0 < fell.sum() < fell.size and grouped["x"].size > 1:
            fit = fit_dose_response(grouped["x"], grouped["size"], grouped["sum"], low, high,
                                    level)
            row |= {"estimate": fit.estimate if math.isfinite(fit.estimate) else None,
                    "ci_low": fit.ci_low, "ci_high": fit.ci_high, "slope": fit.slope,
                    "covariance": fit.covariance}
            if math.isfinite(fit.estimate) and not low <= fit.estimate <= high:
                _, row["ci_low"], row["ci_high"] = beyond_range(fit, low, high)
                row["estimate"] = None
        elif fell.sum() == 0:
            row |= {"estimate": None, "ci_low": high, "ci_high": None, "slope": None}
        else:
            row |= {"estimate": None, "ci_low": None, "ci_high": low, "slope": None}
        out.append(row)
    return out
