"""The worlds study's figures, from ``worlds.json`` and the world table alone: the regimes,
the tipping share across threshold worlds, their verdicts, the sensitivity, and the worlds
on the first PRIM box's parameters. A figure that cannot apply to a result is not drawn;
:func:`not_drawn` says why, and the report prints that line in its place."""

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
from sim.outputs.palette import BLACK, BLUE, GREEN, GREY, ORANGE, VERMILLION

VERDICT_COLORS = {"supported": GREEN, "excluded": VERMILLION, "inconclusive": GREY}
REGIME_COLORS = {"platform-dominant": ORANGE, "threshold": BLUE, "incumbent-stable": BLACK}


def _data(result: Result) -> tuple[dict[str, Any], pd.DataFrame]:
    worlds = result.json("worlds.json")
    return worlds, pd.read_parquet(result.path / worlds["table"])


def _ranked(s: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The sensitivity answers that have indices: (outcome, answer)."""
    return [(k, v) for k, v in s.items() if v.get("ranking")]


def first_box(worlds: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The first box for supported worlds, else for threshold worlds: (target, box)."""
    for target in ("supported", "threshold"):
        if worlds["boxes"][target]["boxes"]:
            return target, worlds["boxes"][target]["boxes"][0]
    return None


def not_drawn(worlds: dict[str, Any]) -> dict[str, str]:
    """Each worlds figure that cannot apply to ``worlds`` (a stored ``worlds.json``), with
    the reason in one line."""
    why = {}
    threshold = worlds["regimes"]["threshold"]["worlds"]
    if not threshold:
        why["worlds_tipping"] = "no threshold world, so no tipping share to show"
        why["worlds_verdicts"] = "no threshold world, so no verdict on the claim to show"
    elif not worlds["tipping_share_gross"]["reached"]:
        why["worlds_tipping"] = "no threshold world reached a tipping share"
    if not _ranked(worlds["sensitivity"]):
        why["worlds_sensitivity"] = "no sensitivity indices (too few worlds or no spread)"
    if len(worlds["plan"]["ranges"]) < 2:
        why["worlds_boxes"] = "one varying parameter: there is no plane to draw the worlds on"
    return why


def _band(ax: Any, worlds: dict[str, Any]) -> None:
    """The claim (dashed) and claim +- margin (shaded) along x."""
    plan = worlds["plan"]
    ax.axvspan(plan["claim"] - plan["margin"], plan["claim"] + plan["margin"],
               color=GREEN, alpha=0.12, lw=0)
    ax.axvline(plan["claim"], color="black", lw=0.8, ls="--")


def _bars(ax: Any, shares: dict[str, dict[str, Any]], colors: dict[str, str], of: int) -> None:
    names = list(shares)
    values = np.array([shares[v]["share"] or 0.0 for v in names])
    low = np.array([shares[v]["ci_low"] or 0.0 for v in names])
    high = np.array([shares[v]["ci_high"] or 0.0 for v in names])
    ax.barh(names, values, xerr=[values - low, high - values], color=[colors[v] for v in names])
    for i, v in enumerate(names):
        ax.text(1.0, i, f"{shares[v]['worlds']} of {of}", va="center", ha="right",
                transform=ax.get_yaxis_transform())
    ax.set(xlim=(0, 1), xlabel="Share of worlds (Wilson interval)")
    percent_axis(ax.xaxis)
    ax.invert_yaxis()


@styled
def regimes_across_worlds(result: Result) -> Plot:
    """Share of worlds per regime, with Wilson intervals."""
    worlds, table = _data(result)
    fig = Figure(figsize=(SINGLE, 1.9))
    _bars(fig.subplots(), worlds["regimes"], REGIME_COLORS, len(table))
    level = worlds["plan"]["level"]
    return Plot(fig, f"Share of the {len(table)} worlds in each regime: the incumbent falls "
                "on the natural course (platform-dominant), survives it but falls under the "
                f"largest push ({worlds['plan']['largest_push']:.0%} committed; threshold), "
                f"or survives both (incumbent-stable), with {level:.0%} Wilson intervals.",
                worlds["n_runs"])


@styled
def tipping_across_worlds(result: Result) -> Plot:
    """ECDF of the threshold worlds' tipping shares, and each world's estimate and interval."""
    worlds, table = _data(result)
    table = table[table["regime"] == "threshold"]
    fig = Figure(figsize=(DOUBLE, 3.0))
    left, right = fig.subplots(1, 2)
    share = pd.to_numeric(table["tipping_share_gross"], errors="coerce")
    n, finite = len(share), np.sort(share.dropna().to_numpy(float))
    left.step(np.r_[0.0, finite, 1.0], np.r_[0, np.arange(1, finite.size + 1), finite.size] / n,
              where="post", color=BLUE)
    _band(left, worlds)
    left.set(xlim=(0, 1), ylim=(0, 1), xlabel="Tipping share of the gross",
             ylabel="Share of threshold worlds at or below")
    letter(left, 0, "Across threshold worlds")
    order = table.assign(s=share.fillna(np.inf)).sort_values("s").reset_index(drop=True)
    for i, row in order.iterrows():
        color = VERDICT_COLORS.get(row["verdict"], GREY)
        low = row["ci_low"] if pd.notna(row["ci_low"]) else 0.0
        high = row["ci_high"] if pd.notna(row["ci_high"]) else 1.0
        right.plot([low, high], [i, i], color=color, lw=1.0)
        if np.isfinite(row["s"]):
            right.plot(row["s"], i, "o", color=color, ms=2.5)
    _band(right, worlds)
    right.set(xlim=(0, 1), xlabel="Tipping share of the gross (estimate, interval)",
              ylabel="Threshold world (sorted)", yticks=[])
    letter(right, 1, "Each threshold world")
    right.legend(handles=[Patch(color=c, label=v) for v, c in VERDICT_COLORS.items()],
                 loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=3)
    for ax in (left, right):
        percent_axis(ax.xaxis)
    percent_axis(left.yaxis)
    level = worlds["plan"]["level"]
    caption = (f"The tipping share of the gross by release in the {count(n, 'threshold world')}"
               f"; {worlds['tipping_share_gross']['open']} reached none within the horizon "
               "(open: off the right edge). Dashed: the claim; shaded: claim ± margin. "
               "(a) Empirical distribution; (b) each world's estimate with its "
               f"{level:.0%} interval covering the censoring, coloured by verdict.")
    return Plot(fig, caption, worlds["n_runs"])


@styled
def verdicts_across_worlds(result: Result) -> Plot:
    """Share of threshold worlds per verdict, with Wilson intervals."""
    worlds, _ = _data(result)
    n = worlds["regimes"]["threshold"]["worlds"]
    fig = Figure(figsize=(SINGLE, 1.9))
    _bars(fig.subplots(), worlds["verdicts"], VERDICT_COLORS, n)
    plan = worlds["plan"]
    return Plot(fig, f"Share of the {count(n, 'threshold world')} in which the claim of "
                f"{plan['claim']:.0%} is supported, excluded or inconclusive, with "
                f"{plan['level']:.0%} Wilson intervals.", worlds["n_runs"])


@styled
def tipping_sensitivity(result: Result) -> Plot:
    """First-order indices with their intervals, largest on top, one panel per outcome."""
    worlds, _ = _data(result)
    ranked = _ranked(worlds["sensitivity"])
    rows = max(len(v["ranking"]) for _, v in ranked)
    fig = Figure(figsize=(SINGLE * len(ranked), 0.25 * max(rows, 2) + 1.2))
    notes = []
    for i, (outcome, s) in enumerate(ranked):
        ax = fig.add_subplot(1, len(ranked), i + 1)
        names = s["ranking"]
        ax.barh(names, [s["indices"][k]["S1"] or 0.0 for k in names],
                xerr=[s["indices"][k]["S1_conf"] or 0.0 for k in names], color=BLUE)
        ax.invert_yaxis()
        ax.axvline(0, color="black", lw=0.6)
        ax.set(xlabel=f"$S_1$ ({s['estimator']})", title=outcome.replace("_", " "))
        notes.append(f"{outcome} on {count(s['worlds'], 'world')}")
    return Plot(fig, "First-order sensitivity (SALib, the worlds themselves as the sample) "
                "with bootstrap intervals: " + "; ".join(notes) + ".", worlds["n_runs"])


@styled
def where_the_claim_holds(result: Result) -> Plot:
    """The worlds on the two parameters of the first box (or the two most sensitive), by
    regime and verdict, the box drawn."""
    worlds, table = _data(result)
    found = first_box(worlds)
    box = found[1] if found else None
    ranges = worlds["plan"]["ranges"]
    restricted = [r["parameter"] for r in box["restrictions"]] if box else []
    ranking = [n for _, s in _ranked(worlds["sensitivity"]) for n in s["ranking"]]
    x_name, y_name = list(dict.fromkeys(restricted + ranking + list(ranges)))[:2]
    fig = Figure(figsize=(SINGLE + 1.2, 2.8))
    ax = fig.subplots()
    label = table["verdict"].where(table["regime"] == "threshold", table["regime"])
    for name, color in {**VERDICT_COLORS, **REGIME_COLORS}.items():
        if name == "threshold":
            continue
        mine = table[label == name]
        if mine.empty:  # no legend entry for a kind of world there is none of
            continue
        ax.scatter(mine[x_name], mine[y_name], s=10, color=color, label=name)
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
    caption = (box["sentence"] if box else "PRIM found no box (for supported or threshold "
               "worlds); the worlds are drawn on the two most sensitive parameters.")
    if len(restricted) > 2:
        caption += " The box's other restrictions are not drawn."
    return Plot(fig, caption, worlds["n_runs"])
