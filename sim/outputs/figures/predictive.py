"""The essay's predictive reading: the chance of a fall within two and five years once the
platform first held a share of the gross."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from sim.outputs.figures.common import SINGLE, Plot, Result, claim_band, styled
from sim.outputs.palette import BLUE, GREY, VERMILLION

COLORS = (BLUE, VERMILLION)


@styled
def predictive(result: Result) -> Plot:
    """P(fall within each window | first held x of the gross), with Wilson 95% bands."""
    tip = result.json("tipping.json")
    reading = tip["predictive"]
    fig = Figure(figsize=(SINGLE, 2.9))
    ax = fig.subplots()
    claim_band(ax, tip["claim"], tip["margin"], vertical=True)
    for color, (window, curve) in zip(COLORS, reading["curves"].items(), strict=False):
        rows = [r for r in curve["curve"] if r["runs"]]
        if not rows:
            continue
        x = np.array([r["share"] for r in rows])
        p = np.array([r["p"] for r in rows], float)
        low = np.array([r["ci_low"] for r in rows], float)
        high = np.array([r["ci_high"] for r in rows], float)
        ax.fill_between(x, low, high, color=color, alpha=0.15, lw=0)
        ax.plot(x, p, color=color, lw=1.2, label=f"within {int(window) // 52} years")
    ax.axhline(0.5, color=GREY, lw=0.6, ls=":")
    ax.set_xlabel("Share of the gross the platform first held")
    ax.set_ylabel("Chance the incumbent falls")
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylim(-0.04, 1.04)
    ax.legend(loc="lower right", fontsize="small")
    caption = ("The essay's predictive reading, from natural and pushed runs alike: for each "
               "share of the gross, the runs whose platform first held it before the fall, and "
               "the share of them whose incumbent fell within two (or five) years after; runs "
               "the horizon cut short are left out. Bands are Wilson 95% intervals, the dotted "
               "line one half, the green band the claim "
               f"{100 * tip['claim']:.0f}% +- {100 * tip['margin']:.0f} points. In a "
               "platform-dominant world the chance can be high at every share: that is no "
               "threshold.")
    return Plot(fig, caption, int(reading["runs"]))
