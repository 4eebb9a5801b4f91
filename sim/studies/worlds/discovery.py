"""Scenario discovery: PRIM boxes that say, in parameter ranges, where the claim holds.

PRIM (Friedman & Fisher 1999) as ema-workbench implements it
(:class:`ema_workbench.analysis.prim.Prim`) peels the worlds down to a box dense in the
worlds of interest. Along each peeling trajectory the box kept is the densest one that
still covers ``min_coverage`` of the worlds of interest (coverage: the share of those
worlds inside the box; density: the share of the box's worlds that are of interest). Boxes
are found one after another, each from the worlds the earlier boxes left, while the next
box is denser than the worlds left as a whole.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

import numpy as np
import pandas as pd

FEW = 5  # fewer worlds of interest than this, and a box says little
# Assumption: a box a reader can take in restricts few parameters (Bryant & Lempert 2010
# trade density for interpretability: boxes of two or three restricted dimensions).
MAX_RESTRICTIONS = 3
SIGNIFICANT = 0.05  # a restriction's quasi-p value below this counts as more than noise
WORDS = {
    "factory_fixed_cost_share": "fixed costs are {} of contribution",
    "habit": "habit is {}",
    "platform_fee": "the platform's fee is {}",
    "vendor_unit_cost": "vendors' unit cost is {} of the factory's price",
    "vendor_quality_mean": "vendors' mean quality is {}",
    "factory_cash_reserve_weeks": "the cash reserve is {} weeks of fixed cost",
    "factory_reprice_every": "the factory's repricing interval is {} weeks",
    "strong_ties": "the inner circle is {} strong ties",
    "clustering": "clustering is {}",
    "weak_tie_weight": "a weak tie's weight is {}",
}


def _prim_class() -> Any:
    """ema-workbench's Prim, imported quietly (it warns about optional extras)."""
    logging.getLogger("EMA").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis.prim import Prim
    return Prim


def _number(value: float) -> str:
    return f"{value:.2g}" if abs(value) < 1 else f"{value:.3g}"


def condition(name: str, low: float | None, high: float | None) -> str:
    """One restriction in words: ``low`` or ``high`` is ``None`` where it is open."""
    if low is not None and high is not None:
        span = f"between {_number(low)} and {_number(high)}"
    elif low is not None:
        span = f"at least {_number(low)}"
    else:
        span = f"at most {_number(high)}"
    return WORDS.get(name, f"`{name}` is {{}}").format(span)


def _restriction(r: dict[str, Any]) -> str:
    text = condition(r["parameter"], r["low"], r["high"])
    qp = r.get("qp")
    return text if qp is None or qp < SIGNIFICANT else f"{text} (quasi-p {qp:.2f}: weak)"


def sentence(box: dict[str, Any], what: str) -> str:
    """A box as one plain sentence: '<what> in 81% of the worlds (13 of 16) where ...'."""
    where = " and ".join(map(_restriction, box["restrictions"])) or "anywhere"
    total = f"{box['total']} world{'s' * (box['total'] != 1)}"
    hint = (f" With only {total} of that kind, this box is a hint, not a finding."
            if box["total"] < FEW else "")
    return (f"{what} in {box['density']:.0%} of the worlds ({box['k']} of {box['n']}) "
            f"where {where}; these hold {box['coverage']:.0%} of the {total} where it is "
            f"so.{hint}")


def _restrictions(lims: pd.DataFrame, init: pd.DataFrame, p_values: dict[str, Any]
                  ) -> list[dict[str, Any]]:
    """The restricted parameters with their open or closed ends and quasi-p value (the
    larger of its two ends' values, -1 marking an end left open)."""
    out = []
    for name in init.columns:
        low, high = float(lims[name].iloc[0]), float(lims[name].iloc[1])
        low0, high0 = float(init[name].iloc[0]), float(init[name].iloc[1])
        if low > low0 or high < high0:
            qps = [float(q) for q in p_values.get(name, ()) if q is not None and q >= 0]
            out.append({"parameter": name, "low": low if low > low0 else None,
                        "high": high if high < high0 else None,
                        "qp": max(qps) if qps else None})
    return out


def boxes(x: pd.DataFrame, y: np.ndarray, what: str, peel_alpha: float = 0.1,
          mass_min: float = 0.1, min_coverage: float = 0.5, max_boxes: int = 3
          ) -> list[dict[str, Any]]:
    """PRIM boxes for the worlds where ``y`` is true, each with its limits (only the
    restricted parameters), coverage, density, worlds inside (``n``) and of interest inside
    (``k``), and its sentence (``what`` names the worlds of interest, e.g. "20% is
    supported")."""
    y = np.asarray(y, bool).astype(int)
    if y.sum() == 0 or y.sum() == y.size:
        return []
    x = x.reset_index(drop=True).astype(float)
    prim = _prim_class()(x, y.copy(), peel_alpha=peel_alpha, mass_min=mass_min)
    found: list[dict[str, Any]] = []
    total = int(y.sum())
    taken = np.zeros(len(y), bool)
    for _ in range(max_boxes):
        left = np.flatnonzero(~taken)
        if len(left) == 0 or y[left].sum() == 0:
            break
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            box = prim.find_box()
        if box is None:
            break
        trajectory = box.peeling_trajectory
        trajectory = trajectory[trajectory["res_dim"] <= MAX_RESTRICTIONS]
        enough = trajectory[trajectory["coverage"] * total / max(y[left].sum(), 1)
                            >= min_coverage]
        pick = int((enough if len(enough) else trajectory).sort_values(
            ["density", "coverage"], ascending=[False, False]).index[0])
        box.select(pick)
        inside = box.yi
        taken[inside] = True
        k, n = int(y[inside].sum()), int(len(inside))
        if k / n <= y[left].mean():
            break
        lims = box.box_lims[pick]
        entry = {"n": n, "k": k, "total": total, "coverage": k / total, "density": k / n,
                 "mass": n / len(y),
                 "restrictions": _restrictions(lims, prim.box_init, box.p_values[pick])}
        entry["sentence"] = sentence(entry, what)
        found.append(entry)
    return found

