"""Figure 6: early-warning indicator trends before the fall."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.outputs.figures.common import (
    SINGLE,
    Plot,
    Result,
    styled,
)
from sim.outputs.palette import (
    LIGHT,
    OUTCOME_COLORS,
)

INDICATOR_NAMES = {"factory_volume_variance": "Volume\nvariance",
                   "factory_volume_ac1": "Volume\nlag-1 AC",
                   "factory_profit_variance": "Profit\nvariance",
                   "factory_profit_ac1": "Profit\nlag-1 AC"}


@styled
def early_warning(result: Result) -> Plot:
    """Figure 6: Kendall tau trends of the early-warning indicators before the fall, runs
    that fell against runs that did not, with each indicator's ROC AUC."""
    ews = pd.read_parquet(result.path / "ews.parquet")
    summary = result.json("analysis.json").get("early_warning", {})
    keys = [k for k in INDICATOR_NAMES if k in ews]
    fig = Figure(figsize=(SINGLE, 3.0))
    ax = fig.subplots()
    jitter = np.random.default_rng(0)  # only spreads the dots sideways
    handles = []
    for offset, (outcome, fell) in zip((-0.19, 0.19), (("fell", True), ("did not fall", False)),
                                       strict=True):
        color, group = OUTCOME_COLORS[outcome], ews[ews["fell"] == fell]
        for i, key in enumerate(keys):
            tau = group[key].dropna().to_numpy(float)
            if tau.size == 0:
                continue
            lines = {"color": color, "lw": 0.7}
            ax.boxplot(tau, positions=[i + offset], widths=0.3, showfliers=False,
                       medianprops={"color": color, "lw": 1.4}, boxprops=lines,
                       whiskerprops=lines, capprops=lines)
            ax.scatter(i + offset + jitter.uniform(-0.09, 0.09, tau.size), tau, s=5,
                       color=color, alpha=0.7, lw=0, gid=f"{key}-{'fell' if fell else 'survived'}")
        handles.append(Patch(facecolor="white", edgecolor=color,
                             label=f"Runs that {outcome} ({len(group)})"))
    for i, key in enumerate(keys):
        auc = summary.get("indicators", {}).get(key, {}).get("auc")
        if auc is not None and np.isfinite(auc):
            ax.annotate(f"AUC {auc:.2f}", (i, 1.0), xycoords=("data", "axes fraction"),
                        ha="center", va="bottom", fontsize=7)
    ax.axhline(0, color=LIGHT, lw=0.5, zorder=0)
    ax.set_xticks(range(len(keys)), [INDICATOR_NAMES[k] for k in keys])
    ax.set(ylabel="Kendall τ (trend before the fall)", ylim=(-1.05, 1.05),
           xlim=(-0.6, len(keys) - 0.4), yticks=np.linspace(-1, 1, 5))
    fig.legend(handles=handles, loc="outside upper center", ncols=2)
    start = summary.get("burn_in", 0) + 1
    caption = (f"The Kendall tau trend of the rolling variance and "
               f"lag-1 autocorrelation (AC) of the factory's weekly volume and operating "
               f"profit (Gaussian-detrended), from week {start} to the week before the fall "
               f"(runs that fell) or to the median week of the fall (runs that did not); "
               f"boxes: quartiles, whiskers: 1.5 interquartile ranges, dots: runs; AUC: how "
               f"well each tau tells the runs that fell from the others (0.5: not at all).")
    return Plot(fig, caption, len(ews))
