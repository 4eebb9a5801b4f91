"""Figure 4: the death spiral of a typical run that fell and one that did not."""

from __future__ import annotations

from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import StrMethodFormatter

from sim.outputs.figures.common import (
    DOUBLE,
    Plot,
    Result,
    count,
    letter,
    point_label,
    styled,
    varying,
)
from sim.outputs.palette import (
    GREY,
    OUTCOME_COLORS,
)

SPIRAL = [("factory_price", "Price", "Price (price units)"),
          ("factory_volume", "Volume", "Units sold per week"),
          ("factory_profit", "Operating profit", "Price units per week"),
          ("factory_cash", "Cash", "Price units")]


def typical(runs: pd.DataFrame, column: str) -> pd.Series:
    """The run whose ``column`` is closest to the median of ``runs`` (ties: lowest run_id)."""
    distance = (runs[column].astype(float) - runs[column].astype(float).median()).abs()
    return runs.assign(_d=distance).sort_values(["_d", "run_id"]).iloc[0]


def mixed_point(runs: pd.DataFrame) -> Any:
    """The point where the fall is closest to a coin toss (most runs first), or None if no
    point has runs that fell and runs that did not."""
    rate = runs.groupby("point_id")["incumbent_fell"].agg(["mean", "size"])
    rate = rate[(rate["mean"] > 0) & (rate["mean"] < 1)]
    if rate.empty:
        return None
    rate = rate.assign(d=(rate["mean"] - 0.5).abs(), n=-rate["size"]).sort_values(["d", "n"])
    return rate.index[0]


@styled
def death_spiral(result: Result) -> Plot:
    """Figure 4: the factory's price, volume, profit and cash by week for a typical run that
    fell and a typical run that did not, at the same parameter point when there is one."""
    runs = result.runs.assign(incumbent_fell=lambda r: r["incumbent_fell"].fillna(False)
                              .astype(bool))
    point = mixed_point(runs)
    pool = runs if point is None else runs[runs["point_id"] == point]
    chosen = {}
    if pool["incumbent_fell"].any():
        chosen["fell"] = typical(pool[pool["incumbent_fell"]], "fall_step")
    if not pool["incumbent_fell"].all():
        chosen["did not fall"] = typical(pool[~pool["incumbent_fell"]], "platform_share_max")
    series = result.series([run["run_id"] for run in chosen.values()])
    fig = Figure(figsize=(DOUBLE, 4.0))
    axes = fig.subplots(2, 2, sharex=True).ravel()
    for outcome, run in chosen.items():
        rows = series[series["run_id"] == run["run_id"]]
        text = f"fell in week {int(run['fall_step'])}" if outcome == "fell" else "did not fall"
        for ax, (column, _, _) in zip(axes, SPIRAL, strict=True):
            ax.plot(rows["step"], rows[column], color=OUTCOME_COLORS[outcome],
                    label=f"Run that {text}", gid=f"{column}-{run['run_id']}")
            if outcome == "fell":
                ax.axvline(run["fall_step"], color=OUTCOME_COLORS[outcome], ls=":", lw=0.8)
    for i, (ax, (column, title, ylabel)) in enumerate(zip(axes, SPIRAL, strict=True)):
        letter(ax, i, title)
        ax.set_ylabel(ylabel)
        if column != "factory_price":
            ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        if column in ("factory_profit", "factory_cash"):
            ax.axhline(0, color=GREY, lw=0.5)
    for ax in axes[2:]:
        ax.set_xlabel("Week")
    axes[0].set_xlim(series["step"].min(), series["step"].max())
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper center", ncols=len(handles))
    where = ("at the parameter point where the fall was closest to even odds "
             f"({point_label(pool.iloc[0], varying(runs))}, {count(len(pool), 'run')})"
             if point is not None else f"among all {count(len(pool), 'run')}")
    caption = ("The factory's price, weekly volume, operating profit and "
               "cash by week, for the typical run that fell (median week of the fall; the "
               "dotted line marks it) and the typical run that did not (median peak platform "
               f"share), {where}.")
    return Plot(fig, caption, len(chosen))
