"""The world's regime: what the natural course does, and what the largest push does.

Every answer starts here, because the claim means different things in different worlds:

* ``platform-dominant``: the incumbent falls on the natural course (no push) in at least
  half of the runs within the horizon. There is no threshold to find: the fall is
  inevitable from the start, and the question is only when.
* ``threshold``: the incumbent survives the natural course but falls under the largest push
  studied in at least half of the runs. Only here is the tipping share a threshold, and only
  here can the claimed share be supported or excluded as one.
* ``incumbent-stable``: the incumbent survives even the largest push.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.model.proportions import wilson
from sim.studies.verdict.horizons import kaplan_meier

REGIMES = ("platform-dominant", "threshold", "incumbent-stable")
WORDS = {
    "platform-dominant": "the incumbent falls on the natural course, with no push",
    "threshold": "the incumbent survives the natural course but falls under a large "
                 "enough push",
    "incumbent-stable": "the incumbent survives even the largest push studied",
}


def counts(runs: pd.DataFrame, level: float = 0.95) -> dict[str, Any]:
    """Falls out of runs, their share and its Wilson interval."""
    falls, n = int(runs["incumbent_fell"].fillna(False).astype(bool).sum()), len(runs)
    low, high = wilson(falls, n, level)
    return {"falls": falls, "runs": n, "share": falls / n if n else None, "ci_low": low,
            "ci_high": high}


def classify(natural: dict[str, Any], pushed: dict[str, Any]) -> str:
    """The regime from the natural course's and the largest push's fall counts."""
    if natural["runs"] and 2 * natural["falls"] >= natural["runs"]:
        return "platform-dominant"
    if pushed["runs"] and 2 * pushed["falls"] >= pushed["runs"]:
        return "threshold"
    return "incumbent-stable"


def when(runs: pd.DataFrame, horizon: int) -> dict[str, Any]:
    """When the natural course's incumbent falls: the Kaplan-Meier median fall week with the
    weeks at which the ends of its pointwise 95% band (Greenwood) cross one half (None: not
    within the horizon), and the curve."""
    curve = kaplan_meier(pd.to_numeric(runs["fall_step"], errors="coerce").astype(float)
                         .to_numpy(na_value=np.nan), horizon)
    weeks = np.asarray(curve["week"], float)

    def first_below(key: str) -> float | None:
        below = np.flatnonzero(np.asarray(curve[key], float) <= 0.5)
        return float(weeks[below[0]]) if below.size else None

    return {"median_fall_week": first_below("survival"), "ci_low": first_below("low"),
            "ci_high": first_below("high"), "survival": curve}


def regime(natural: pd.DataFrame, pushed: pd.DataFrame, largest_push: float, horizon: int,
           level: float = 0.95) -> dict[str, Any]:
    """The world's regime with the counts and intervals behind it."""
    nat, push = counts(natural, level), counts(pushed, level)
    name = classify(nat, push)
    return {"regime": name, "words": WORDS[name], "natural": nat,
            "pushed": {**push, "committed_share": largest_push},
            "natural_fall": when(natural, horizon), "horizon": horizon}
