"""Figure 1: the platform's share of the sector's gross by week."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.outputs.figures.common import (
    SINGLE,
    Plot,
    Result,
    claim_of,
    label,
    percent_axis,
    point_label,
    shown_points,
    styled,
    varying,
)
from sim.outputs.palette import (
    BLACK,
    GREY,
    POINT_COLORS,
)


@styled
def share_over_time(result: Result) -> Plot:
    """Figure 1: platform share of the sector's gross by week, median and 50% and 90% bands
    across replicates, one colour per parameter point, with the claim's line; a panel per
    sector when the results have sectors."""
    runs, claim = result.runs, claim_of(result)
    names = varying(runs)
    points = shown_points(runs, names)
    shown = runs[runs["point_id"].isin(points["point_id"])]
    series = result.series(shown["run_id"].tolist()).merge(shown[["run_id", "point_id"]],
                                                           on="run_id")
    sectors = list(dict.fromkeys(series["sector"])) if "sector" in series else [None]
    fig = Figure(figsize=(SINGLE * min(len(sectors), 2), 3.0 * -(-len(sectors) // 2)))
    axes = fig.subplots(-(-len(sectors) // 2), min(len(sectors), 2), sharex=True,
                        sharey=True, squeeze=False).ravel()
    handles = []
    for ax, sector in zip(axes, sectors, strict=False):  # a panel per sector, if any
        rows = series if sector is None else series[series["sector"] == sector]
        lines = []
        for color, point in zip(POINT_COLORS, points.itertuples(index=False), strict=False):
            q = (rows[rows["point_id"] == point.point_id].groupby("step")["platform_share"]
                 .quantile([0.05, 0.25, 0.5, 0.75, 0.95]).unstack())
            ax.fill_between(q.index, q[0.05], q[0.95], color=color, alpha=0.12, lw=0,
                            gid=f"band90-{point.point_id}")
            ax.fill_between(q.index, q[0.25], q[0.75], color=color, alpha=0.3, lw=0,
                            gid=f"band50-{point.point_id}")
            lines += ax.plot(q.index, q[0.5], color=color, gid=f"point-{point.point_id}",
                             label=point_label(pd.Series(point._asdict()), names, named=False))
        handles = handles or lines
        ax.set(xlabel="Week", ylabel="Platform share of gross", ylim=(-0.02, 1.02),
               xlim=(series["step"].min(), series["step"].max()))
        if sector is not None:
            ax.set_title(sector)
        claim_line = ax.axhline(claim, color=BLACK, ls="--", lw=0.8,
                                label=f"Claim ({claim:.0%})", gid="claim")
        percent_axis(ax.yaxis)
    for ax in axes[len(sectors):]:
        ax.set_visible(False)
    keys = [claim_line,
            Patch(color=GREY, alpha=0.55, label="50% of runs"),
            Patch(color=GREY, alpha=0.2, label="90% of runs")]
    title = ", ".join(label(n) if i == 0 else label(n).lower() for i, n in enumerate(names))
    fig.legend(handles=handles + keys, loc="outside upper center", ncols=3, title=title or None)
    n_points = runs["point_id"].nunique()
    subset = "" if len(points) == n_points else \
        f" ({len(points)} of {n_points} points, spread over the range)"
    each = "" if sectors == [None] else f" (a panel per sector: {', '.join(sectors)})"
    caption = (f"Platform share of the sector's gross by week{each}: median (line) and the "
               f"central 50% and 90% of replicate runs (bands) at each parameter "
               f"point{subset}; the dashed line is the essay's claim of {claim:.0%}.")
    return Plot(fig, caption, len(shown))
