"""One world's answer, from its runs: its regime, its tipping share of the gross with the
verdict, the essay's predictive chance, and the patterns of its natural course.

A world is measured by the runs the verdict study makes of one point
(:mod:`sim.studies.verdict.study`): natural-course and largest-push runs of the plain model
(the regime, :mod:`sim.studies.verdict.regime`) and, in a threshold world, fork runs with the
``release`` intervention (:mod:`sim.experiments.forks`). :func:`summarize` turns them into
one row of the worlds table:

* the regime, with the falls behind it;
* the tipping share of the gross by ``release``: the median of the runs' censoring
  midpoints with the interval that covers the censoring
  (:func:`sim.studies.verdict.arms.tipping_summary`), only in a threshold world;
* the verdict: the symmetric margin rule (:func:`sim.studies.verdict.decision.decide`) in a
  threshold world, else the regime's name;
* P(fall within ``window`` weeks | the platform first held the claim's share of the gross),
  from the natural and pushed runs alike (:mod:`sim.studies.verdict.predictive`), with its
  Wilson interval;
* the natural course's platform share of the gross at 2, 5 and 10 years (median over its
  runs) and its fall week (the Kaplan-Meier median, None when not within the horizon): the
  patterns against which a world can be weighed with observed sector histories.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.studies.verdict.arms import tipping_summary
from sim.studies.verdict.decision import decide
from sim.studies.verdict.predictive import curve
from sim.studies.verdict.regime import regime

YEARS = (2, 5, 10)  # the natural course's share of the gross is read at these years
WEEKS_PER_YEAR = 52


def share_at(series: pd.DataFrame, runs: pd.DataFrame, week: int) -> float | None:
    """The median over ``runs`` of the platform's share of the gross at ``week`` (the last
    stored week at or before it); None when no run reaches that week."""
    mine = series[series["run_id"].isin(set(runs["run_id"])) & (series["step"] <= week)]
    if mine.empty or mine["step"].max() < week:
        return None
    last = mine.sort_values("step").groupby("run_id")["platform_share"].last()
    return float(np.median(last.to_numpy(float)))


def summarize(natural: pd.DataFrame, pushed: pd.DataFrame, forks: pd.DataFrame | None,
              series: pd.DataFrame, plan: Any, horizon: int) -> dict[str, Any]:
    """One world's row (see the module docstring). ``forks`` is None where no fork runs
    were made (a world that is not a threshold world); ``series`` holds the platform share
    of the natural and pushed runs; ``plan`` has ``largest_push``, ``claim``, ``margin``,
    ``level`` and ``window``."""
    world = regime(natural, pushed, plan.largest_push, horizon, plan.level)
    name = world["regime"]
    row: dict[str, Any] = {"regime": name, "natural_falls": world["natural"]["falls"],
                           "natural_runs": world["natural"]["runs"],
                           "pushed_falls": world["pushed"]["falls"],
                           "pushed_runs": world["pushed"]["runs"],
                           "tipping_share_gross": None, "ci_low": None, "ci_high": None,
                           "fork_runs": 0, "fork_runs_reached": 0}
    if forks is not None and len(forks):
        tip = tipping_summary(forks, plan.level)
        row |= {"tipping_share_gross": tip["estimate"], "ci_low": tip["ci_low"],
                "ci_high": tip["ci_high"], "fork_runs": tip["runs"],
                "fork_runs_reached": tip["reached"]}
    row["verdict"] = (decide(row["ci_low"], row["ci_high"], plan.claim, plan.margin)
                      if name == "threshold" else name)
    both = pd.concat([natural, pushed], ignore_index=True)
    at = curve(series, both, horizon, plan.window, shares=(plan.claim,),
               level=plan.level)["curve"][0]
    row |= {"p_fall_at_claim": at["p"], "p_fall_ci_low": at["ci_low"],
            "p_fall_ci_high": at["ci_high"], "p_fall_runs": at["runs"]}
    for years in YEARS:
        row[f"natural_share_{years}y"] = share_at(series, natural, years * WEEKS_PER_YEAR)
    row["natural_fall_week"] = world["natural_fall"]["median_fall_week"]
    return row
