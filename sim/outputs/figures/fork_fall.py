"""The verdict's fork experiment: the share of copies that still fell at each probed
checkpoint, against the platform's share of the gross then (the point of no return)."""

from __future__ import annotations

import json

from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from sim.experiments import storage
from sim.model.proportions import wilson
from sim.outputs.figures.common import (
    ARM_LABELS,
    SINGLE,
    Plot,
    Result,
    arm_names,
    claim_band,
    styled,
)
from sim.outputs.palette import ARM_COLORS, BLACK, GREY


@styled
def fork_fall(result: Result) -> Plot:
    """Fork fall proportion (Wilson 95%) against the platform's share of the gross."""
    tip = result.json("tipping.json")
    fig = Figure(figsize=(SINGLE, 2.9))
    ax = fig.subplots()
    claim_band(ax, tip["claim"], tip["margin"], vertical=True)
    n_runs = 0
    for name in arm_names(tip):
        runs = storage.load_runs(result.path / "forks" / name)
        runs = runs[runs["status"] == "ok"] if len(runs) else runs
        n_runs += len(runs)
        shares, props, lows, highs = [], [], [], []
        for text in runs.get("checkpoints", []):
            for _, share, falls, made in json.loads(text) if text else []:
                if falls is None:
                    continue
                low, high = wilson(falls, made)
                shares.append(share)
                props.append(falls / made)
                lows.append(falls / made - low)
                highs.append(high - falls / made)
        if shares:
            ax.errorbar(shares, props, yerr=[lows, highs], fmt="o", ms=3, lw=0.6,
                        color=ARM_COLORS.get(name, BLACK), label=ARM_LABELS.get(name, name),
                        alpha=0.8)
    ax.axhline(0.5, color=GREY, lw=0.6, ls=":")
    median = tip["tipping_share_gross"]["estimate"]
    if median is not None:
        ax.axvline(median, color=BLACK, lw=1.0)
    ax.set_xlabel("Platform share of the gross at the checkpoint")
    ax.set_ylabel("Copies in which the incumbent\nstill falls")
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.04, 1.04)
    ax.legend(loc="lower right", fontsize="small")
    caption = ("The fork experiment: at checkpoints of each run the market is copied and, in "
               "the copies, the push is withdrawn (release); dots are the share of copies that "
               "still fall (Wilson 95% bars) against the platform's share of the gross "
               "then. The dotted line is one half, the black line the median tipping share "
               "of the full model, the green "
               f"band the claim {100 * tip['claim']:.0f}% +- {100 * tip['margin']:.0f} points.")
    return Plot(fig, caption, n_runs)
