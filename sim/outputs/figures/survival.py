"""The fall in time: Kaplan-Meier curves of the incumbent per dose (the verdict's main arm),
censored at the horizon."""

from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from sim.outputs.figures.common import SINGLE, Plot, Result, styled
from sim.outputs.palette import GREY


@styled
def survival(result: Result) -> Plot:
    """Kaplan-Meier survival of the incumbent per dose (main arm)."""
    tip = result.json("tipping.json")
    curves = tip["survival"]
    fig = Figure(figsize=(SINGLE, 2.8))
    ax = fig.subplots()
    cmap = colormaps["viridis"]
    doses = [c["x"] for c in curves]
    span = (min(doses), max(doses)) if doses else (0, 1)
    horizon = tip["steps"]
    for curve in curves:
        week = np.r_[curve["week"], horizon]
        surv = np.r_[curve["survival"], curve["survival"][-1]]
        shade = (curve["x"] - span[0]) / max(span[1] - span[0], 1e-12)
        ax.step(week / 52, surv, where="post", color=cmap(0.9 * shade), lw=1.0)
    for row in tip["horizons"]:
        ax.axvline(row["horizon"] / 52, color=GREY, lw=0.5, ls=":")
    sm = matplotlib.cm.ScalarMappable(cmap=cmap, norm=matplotlib.colors.Normalize(*span))
    bar = fig.colorbar(sm, ax=ax)
    bar.set_label("Committed share")
    bar.formatter = PercentFormatter(1.0, decimals=0)
    ax.set_xlabel("Years")
    ax.set_ylabel("Runs in which the\nincumbent still stands")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylim(-0.03, 1.03)
    n = sum(c["runs"] for c in curves)
    caption = ("The fall as a time to event: Kaplan-Meier curves of the incumbent per committed "
               f"share ({tip['main_arm']} arm), censored at {horizon} weeks; dotted lines mark "
               "the horizons at which s* is read.")
    return Plot(fig, caption, n)
