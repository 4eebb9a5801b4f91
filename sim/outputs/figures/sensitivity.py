"""Figure 7: Morris and Sobol sensitivity indices."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.outputs.figures.common import (
    DOUBLE,
    SINGLE,
    Plot,
    Result,
    count,
    label,
    letter,
    styled,
)
from sim.outputs.palette import (
    BLUE,
    LIGHT,
    VERMILLION,
)

SOBOL = [("S1", "First order ($S_1$)", BLUE, "o", 0.14), ("ST", "Total ($S_T$)", VERMILLION,
                                                                 "s", -0.14)]


@styled
def sensitivity(result: Result) -> Plot:
    """Figure 7: Morris mu* and Sobol first-order and total indices of each parameter with
    their 95% confidence intervals, the most influential parameter on top."""
    sens = result.json("sensitivity.json")
    methods = [m for m in ("morris", "sobol") if m in sens]
    rank = "ST" if methods[-1] == "sobol" else "mu_star"
    order = sorted(sens[methods[-1]]["indices"],
                   key=lambda name: sens[methods[-1]]["indices"][name][rank])
    fig = Figure(figsize=(DOUBLE if len(methods) > 1 else SINGLE, 0.3 * len(order) + 1.1))
    axes = np.atleast_1d(fig.subplots(1, len(methods), sharey=True))
    y = np.arange(len(order))
    for i, (ax, method) in enumerate(zip(axes, methods, strict=True)):
        table = pd.DataFrame(sens[method]["indices"]).T.loc[order].astype(float)
        marks = SOBOL if method == "sobol" else [("mu_star", "μ*", BLUE, "o", 0.0)]
        for key, name, color, marker, shift in marks:
            ax.errorbar(table[key].to_numpy(), y + shift, xerr=table[f"{key}_conf"].to_numpy(),
                        fmt=marker, color=color, ms=3.5, lw=0.9, label=name,
                        gid=f"{method}-{key}")
        ax.axvline(0, color=LIGHT, lw=0.5, zorder=0)
        n = sens[method]["n_points"]
        if method == "sobol":
            letter(ax, i, f"Sobol indices ({count(n, 'point')})")
            ax.set_xlabel("Share of the output's variance")
            ax.legend(loc="lower right")
        else:
            letter(ax, i, f"Morris screening ({count(n, 'point')})")
            ax.set_xlabel("μ*, mean |elementary effect|")
    axes[0].set_yticks(y, [label(name) for name in order])
    output = sens["output"].replace("_", " ")
    replicates = sens.get("replicates")
    over = count(int(replicates), "run") if replicates is not None else "the runs"
    caption = (f"Global sensitivity of {output} within {sens['steps']} weeks (its mean over "
               f"{over} at each sample point): "
               + "; ".join("Morris mu*, the mean absolute elementary effect" if m == "morris"
                           else "Sobol first-order (S1) and total (ST) indices"
                           for m in methods)
               + f"; bars: 95% bootstrap confidence intervals; the parameter with the largest "
               f"{'ST' if rank == 'ST' else 'mu*'} on top.")
    return Plot(fig, caption, int(sens["n_runs"]) - int(sens.get("n_failed", 0)))
