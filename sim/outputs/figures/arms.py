"""The verdict's three arms: each arm's tipping share of the gross and the gross share
produced by s*, with their intervals, against the claim and its margin."""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from sim.outputs.figures.common import (
    ARM_LABELS,
    SINGLE,
    Plot,
    Result,
    arm_names,
    claim_band,
    styled,
)
from sim.outputs.palette import BLUE, VERMILLION


def _interval(ax: Any, y: float, e: dict[str, Any], colour: str, marker: str,
              label: str | None) -> None:
    low, high, est = e.get("ci_low"), e.get("ci_high"), e.get("estimate")
    left, right = (0.0 if low is None else low), (1.0 if high is None else high)
    ax.plot([left, right], [y, y], color=colour, lw=2, solid_capstyle="butt", label=label)
    for side, value, mark in ((left, low, "<"), (right, high, ">")):
        if value is None:
            ax.plot(side, y, marker=mark, color=colour, ms=5)
    if est is not None:
        ax.plot(est, y, marker=marker, color="white", mec=colour, ms=6, mew=1.5)


@styled
def arms(result: Result) -> Plot:
    """Each arm's tipping share of the gross and the gross share at s*, with intervals."""
    tip = result.json("tipping.json")
    names = arm_names(tip)
    fig = Figure(figsize=(SINGLE, 0.5 + 0.55 * len(names)))
    ax = fig.subplots()
    claim_band(ax, tip["claim"], tip["margin"], vertical=True)
    for i, name in enumerate(names):
        arm = tip["arms"][name]
        _interval(ax, i + 0.15, arm["tipping_share_gross"], VERMILLION, "o",
                  "Tipping share (forks)" if i == 0 else None)
        _interval(ax, i - 0.15, arm["gross_start"], BLUE, "s",
                  "Gross share at s*" if i == 0 else None)
    ax.set_yticks(range(len(names)), [ARM_LABELS.get(n, n) for n in names])
    ax.set_ylim(-0.6, len(names) - 0.4)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel("Platform share of the gross")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncols=2, fontsize="small")
    n = sum(tip["arms"][a]["n_runs"] + tip["arms"][a]["n_fork_runs"] for a in names)
    caption = ("The three arms in one regime: the tipping share of the gross (median over fork "
               "runs, order-statistic 95% interval) and the gross share produced by the "
               "committed share s* (95% interval); arrowheads mark open sides. Green: the claim "
               f"{100 * tip['claim']:.0f}% +- {100 * tip['margin']:.0f} points. Verdict: "
               f"{tip['verdict']}.")
    return Plot(fig, caption, n)
