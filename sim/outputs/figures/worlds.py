"""The worlds study's figures, from ``worlds.json`` and the world table alone: the tipping
share across worlds, the verdicts, the sensitivity of the tipping share, and the first PRIM
box."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from sim.outputs.figures.common import (
    DOUBLE,
    SINGLE,
    Plot,
    Result,
    count,
    letter,
    percent_axis,
    styled,
)
from sim.outputs.palette import BLUE, GREEN, GREY, VERMILLION

VERDICT_COLORS = {"supported": GREEN, "excluded": VERMILLION, "inconclusive": GREY}


def _data(result: Result) -> tuple[dict[str, Any], pd.DataFrame]:
    worlds = result.json("worlds.json")
    return worlds, pd.read_parquet(result.path / worlds["table"])


def _band(ax: Any, worlds: dict[str, Any]) -> None:
    """The claim (dashed) and claim +- margin (shaded) along x."""
    budget = worlds["plan"]["budget"]
    ax.axvspan(budget["claim"] - budget["margin"], budget["claim"] + budget["margin"],
               color=GREEN, alpha=0.12, lw=0)
    ax.axvline(budget["claim"], color="black", lw=0.8, ls="--")


@styled
def tipping_across_worlds(result: Result) -> Plot:
    """ECDF of the worlds' tipping shares, and each world's median and interval."""
    worlds, table = _data(result)
    fig = Figure(figsize=(DOUBLE, 3.0))
    left, right = fig.subplots(1, 2)
    share = pd.to_numeric(table["tipping_share_gross"], errors="coerce")
    n, finite = len(share), np.sort(share.dropna().to_numpy(float))
    left.step(np.r_[0.0, finite, 1.0], np.r_[0, np.arange(1, finite.size + 1), finite.size] / n,
              where="post", color=BLUE)
    _band(left, worlds)
    left.set(xlim=(0, 1), ylim=(0, 1), xlabel="Tipping share of the gross",
             ylabel="Share of worlds at or below")
    letter(left, 0, "Across worlds")
    order = table.assign(s=share.fillna(np.inf)).sort_values("s").reset_index(drop=True)
    for i, row in order.iterrows():
        color = VERDICT_COLORS.get(row["verdict"], GREY)
        low = row["ci_low"] if pd.notna(row["ci_low"]) else 0.0
        high = row["ci_high"] if pd.notna(row["ci_high"]) else 1.0
        right.plot([low, high], [i, i], color=color, lw=1.0)
        if np.isfinite(row["s"]):
            right.plot(row["s"], i, "o", color=color, ms=2.5)
    _band(right, worlds)
    right.set(xlim=(0, 1), xlabel="Tipping share of the gross (median, interval)",
              ylabel="World (sorted)", yticks=[])
    letter(right, 1, "Each world")
    right.legend(handles=[Patch(color=c, label=v) for v, c in VERDICT_COLORS.items()],
                 loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=3)
    for ax in (left, right):
        percent_axis(ax.xaxis)
    percent_axis(left.yaxis)
    level = worlds["plan"]["budget"]["level"]
    caption = (f"The tipping share of the gross in {count(n, 'world')} drawn over the "
               f"plausible ranges; {worlds['tipping_share_gross']['open']} never reached a "
               "point of no return within the horizon (open: off the right edge). Dashed: "
               "the claim; shaded: claim ± margin. (a) Empirical distribution across worlds; "
               f"(b) each world's median over its runs with its {level:.0%} order-statistic "
               "interval, coloured by verdict.")
    return Plot(fig, caption, worlds["n_runs"])


@styled
def verdicts_across_worlds(result: Result) -> Plot:
    """Share of worlds per verdict, with Wilson intervals."""
    worlds, table = _data(result)
    shares = worlds["verdicts"]
    names = list(shares)
    values = np.array([shares[v]["share"] or 0.0 for v in names])
    low = np.array([shares[v]["ci_low"] or 0.0 for v in names])
    high = np.array([shares[v]["ci_high"] or 0.0 for v in names])
    fig = Figure(figsize=(SINGLE, 1.9))
    ax = fig.subplots()
    ax.barh(names, values, xerr=[values - low, high - values],
            color=[VERDICT_COLORS[v] for v in names])
    for i, v in enumerate(names):
        ax.text(1.0, i, f"{shares[v]['worlds']} of {len(table)}", va="center", ha="right",
                transform=ax.get_yaxis_transform())
    ax.set(xlim=(0, 1), xlabel="Share of worlds (Wilson interval)")
    percent_axis(ax.xaxis)
    ax.invert_yaxis()
    claim = worlds["plan"]["budget"]["claim"]
    return Plot(fig, f"Share of the {len(table)} worlds in which the claim of {claim:.0%} "
                "is supported, excluded or inconclusive, with "
                f"{worlds['plan']['budget']['level']:.0%} Wilson intervals.", worlds["n_runs"])


@styled
def tipping_sensitivity(result: Result) -> Plot:
    """First-order indices of the tipping share, largest on top."""
    worlds, _ = _data(result)
    s = worlds["sensitivity"]
    names = s.get("ranking", [])
    fig = Figure(figsize=(SINGLE, 0.25 * max(len(names), 2) + 1.0))
    ax = fig.subplots()
    values = [s["indices"][k]["S1"] or 0.0 for k in names]
    conf = [s["indices"][k]["S1_conf"] or 0.0 for k in names]
    ax.barh(names, values, xerr=conf, color=BLUE)
    ax.invert_yaxis()
    ax.axvline(0, color="black", lw=0.6)
    ax.set(xlabel=f"$S_1$ ({s['estimator']})")
    note = f" {s['note'].capitalize()}." if s.get("note") else ""
    return Plot(fig, f"First-order sensitivity of the tipping share of the gross (SALib "
                f"{s['estimator']}, on the {count(s['worlds'], 'world')} with a tipping share), "
                f"with bootstrap intervals.{note}", worlds["n_runs"])


@styled
def where_the_claim_holds(result: Result) -> Plot:
    """The worlds on the two parameters of the first box (or the two most sensitive), by
    verdict, the box drawn."""
    worlds, table = _data(result)
    found = worlds["boxes"]["supported"] or worlds["boxes"]["not_excluded"]
    box = found[0] if found else None
    ranges = worlds["plan"]["ranges"]
    restricted = [r["parameter"] for r in box["restrictions"]] if box else []
    ranked = list(dict.fromkeys(restricted + worlds["sensitivity"].get("ranking", [])
                                + list(ranges)))
    x_name, y_name = ranked[0], ranked[1]
    fig = Figure(figsize=(SINGLE + 1.0, 2.8))
    ax = fig.subplots()
    for verdict, color in VERDICT_COLORS.items():
        mine = table[table["verdict"] == verdict]
        ax.scatter(mine[x_name], mine[y_name], s=10, color=color, label=verdict)
    if box:
        limits = {r["parameter"]: (r["low"], r["high"]) for r in box["restrictions"]}
        (x0, x1), (y0, y1) = (
            (ranges[k][0] if limits.get(k, (None,))[0] is None else limits[k][0],
             ranges[k][1] if limits.get(k, (None, None))[1] is None else limits[k][1])
            for k in (x_name, y_name))
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, lw=1.0, ls="--"))
    for name, axis in ((x_name, "x"), (y_name, "y")):
        low, high = ranges[name]
        pad = 0.03 * (high - low)
        ax.set(**{f"{axis}lim": (low - pad, high + pad), f"{axis}label": name})
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    caption = (box["sentence"] if box else "PRIM found no box: the claim is supported (or "
               "not excluded) in no world, or in every world.")
    if len(restricted) > 2:
        caption += " The box's other restrictions are not drawn."
    return Plot(fig, caption, worlds["n_runs"])
