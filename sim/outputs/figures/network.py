"""Figure 5: the tie network at a few weeks of one stored run."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.outputs.figures.common import (
    DOUBLE,
    Plot,
    Result,
    count,
    letter,
    point_label,
    styled,
)
from sim.outputs.palette import (
    BLACK,
    CHOICE_COLORS,
    LIGHT,
)


def snapshot_source(result: Result, meta: dict[str, Any]) -> str:
    """Which run the network snapshots are of, in words: one of the stored runs (same seed
    and parameters), or an illustrative run of its own, with how it differs from them."""
    runs, params, seed = result.runs, meta.get("params", {}), meta.get("seed")
    if not len(runs):
        return f"one run (seed {seed})"
    names = [name for name in params if name in runs]
    same = runs[runs["seed"] == seed]
    for _, run in same.iterrows():
        if all(run[name] == params[name] for name in names):
            return f"one of the study's runs (run {run['run_id']}, seed {seed})"
    differ = [name for name in names if not (runs[name] == params[name]).any()]
    own = f" and parameters ({point_label(pd.Series(params), differ)})" if differ else ""
    return (f"an illustrative run stored for this figure, not one of the study's "
            f"{count(len(runs), 'run')}: it has its own seed ({seed}){own}")


@styled
def network(result: Result) -> Plot:
    """Figure 5: the tie network at a few weeks of one stored run, consumers coloured by
    what they bought that week; committed consumers ringed."""
    nodes = pd.read_parquet(result.path / "network" / "nodes.parquet")
    edges = pd.read_parquet(result.path / "network" / "edges.parquet")
    meta = result.json("network/snapshot.json")
    steps = sorted(nodes["step"].unique())
    fig = Figure(figsize=(DOUBLE, DOUBLE / len(steps) + 0.15))
    axes = np.atleast_1d(fig.subplots(1, len(steps)))
    first = nodes[nodes["step"] == steps[0]].set_index("node")
    strong = edges[edges["strong"]]
    segments = np.stack([first.loc[strong["u"], ["x", "y"]].to_numpy(),
                         first.loc[strong["v"], ["x", "y"]].to_numpy()], axis=1)
    for i, (ax, step) in enumerate(zip(axes, steps, strict=True)):
        week = nodes[nodes["step"] == step]
        ax.add_collection(LineCollection(segments, colors=LIGHT, linewidths=0.2, alpha=0.6,
                                         zorder=1))
        ax.scatter(week["x"], week["y"], s=6, c=week["choice"].map(CHOICE_COLORS),
                   edgecolors=np.where(week["committed"], BLACK, "none"), linewidths=0.5,
                   zorder=2, gid=f"week-{step}")
        buying = (week["choice"] != "nothing").sum()
        platform = (week["choice"] == "platform").sum() / max(buying, 1)
        letter(ax, i, f"Week {step}\n{platform:.0%} on the platform")
        ax.set_aspect("equal")
        ax.axis("off")
    marks = [Line2D([], [], ls="", marker="o", color=color, label=f"Bought from {name}"
                    if name != "nothing" else "Bought nothing")
             for name, color in CHOICE_COLORS.items()]
    marks.append(Line2D([], [], ls="", marker="o", mfc="white", mec=BLACK, label="Committed"))
    marks.append(Line2D([], [], color=LIGHT, lw=0.8, label="Strong tie"))
    fig.legend(handles=marks, loc="outside lower center", ncols=len(marks))
    fell = meta.get("outcomes", {}).get("fall_step")
    fate = f"the factory fell in week {fell}" if fell else "the factory did not fall"
    committed = meta.get("params", {}).get("committed_share")
    share = f", {committed:.0%} committed" if committed is not None else ""
    caption = (f"The strong-tie network ({count(len(first), 'consumer')}{share}) of "
               f"{snapshot_source(result, meta)}, at weeks {', '.join(map(str, steps))}; "
               f"each dot is a consumer coloured by what it bought that week, ringed if "
               "committed to the platform; titles: the share of that week's buyers who "
               "bought on the platform; weak ties are not drawn. Layout: spring layout of the "
               f"strong ties. In this run {fate} (horizon {meta.get('steps')} weeks).")
    return Plot(fig, caption, 1, meta.get("code_version", ""))
