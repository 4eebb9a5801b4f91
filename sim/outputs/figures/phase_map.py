"""Figure 3: the phase map, s* against the fixed-cost share."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.markers import CARETDOWN, CARETUP

from sim.outputs.figures.common import (
    SINGLE,
    Plot,
    Result,
    count,
    events,
    is_share,
    label,
    percent_axis,
    spread,
    styled,
    value_text,
)
from sim.outputs.palette import (
    BLACK,
    GREY,
    POINT_COLORS,
)


@styled
def phase_map(result: Result) -> Plot:
    """Figure 3: s* with its interval against the fixed-cost share, one colour per value of
    the trust parameter (at most five, spread over its range), with the break-even line and
    the claim's line."""
    tip = result.json("tipping.json")
    rows = pd.DataFrame([{**e["params"], **{k: v for k, v in e.items() if k != "params"}}
                         for e in tip["estimates"]])
    varied, variable = tip["varied"], tip["variable"]
    x_name = "factory_fixed_cost_share" if "factory_fixed_cost_share" in varied else varied[0]
    group = next((name for name in varied if name != x_name), None)
    if group:
        values = sorted(rows[group].unique())
        shown = spread(pd.DataFrame({group: values}), [group])[group].tolist()
        parts = [(value, rows[rows[group] == value]) for value in shown]
    else:
        values, shown, parts = [None], [None], [(None, rows)]
    fig = Figure(figsize=(SINGLE, 3.4))
    ax = fig.subplots()
    xs = np.sort(rows[x_name].unique())
    dodge = 0.1 * (np.diff(xs).min() if len(xs) > 1 else 1.0)
    handles, any_open = [], False
    for i, ((value, part), color, marker) in enumerate(
            zip(parts, POINT_COLORS, "osD^v", strict=False)):  # at most five parts
        part = part.sort_values(x_name)
        x = part[x_name].to_numpy(float) + dodge * (i - (len(parts) - 1) / 2)
        y = part["estimate"].astype(float).to_numpy()
        found = np.isfinite(y)
        lo, hi = (part[key].astype(float).to_numpy() for key in ("ci_low", "ci_high"))
        open_lo, open_hi = found & np.isnan(lo), found & np.isnan(hi)
        lo, hi = np.where(open_lo, part["low"], lo), np.where(open_hi, part["high"], hi)
        handles.append(ax.errorbar(
            x[found], y[found], yerr=[y[found] - lo[found], hi[found] - y[found]], capsize=0,
            fmt=f"{marker}-", color=color, ms=3.5, lw=0.9, gid=f"estimates-{i}",
            label=value_text(group, value) if group else "s*"))
        for bound, is_open, arrow, side in ((lo, open_lo, CARETDOWN, "low"),
                                            (hi, open_hi, CARETUP, "high")):
            closed = found & ~is_open  # a cap at a bound, an arrowhead at an open end
            ax.plot(x[closed], bound[closed], ls="", marker="_", ms=3, mew=0.9, color=color,
                    gid=f"cap-{side}-{i}")
            if is_open.any():  # unclipped, so never empty (it would stretch the layout)
                ax.plot(x[is_open], bound[is_open], ls="", marker=arrow, ms=4, color=color,
                        clip_on=False, gid=f"open-{side}-{i}")
                any_open = True
        for side, edge, mark in (("above", "high", "^"), ("below", "low", "v")):
            out = ~found & (part["transition"] == side).to_numpy()
            ax.plot(x[out], part[edge].to_numpy(float)[out], ls="", marker=mark, mfc="white",
                    color=color, gid=f"{side}-{i}")
    edge = rows.drop_duplicates(x_name).sort_values(x_name)
    keys = ax.plot(edge[x_name], edge["break_even_share"], color=GREY, ls=":", lw=1.0,
                   label="Break-even share", zorder=0, gid="break-even")
    keys.append(ax.axhline(tip["claim"], color=BLACK, ls="--", lw=0.8, zorder=0, gid="claim",
                           label=f"Claim ({value_text(variable, tip['claim'])})"))
    ax.set(xlabel=label(x_name), ylabel=f"Critical {label(variable).lower()} s*",
           ylim=(0, rows["high"].max() * 1.04))
    for axis, name in ((ax.xaxis, x_name), (ax.yaxis, variable)):
        if is_share(name):
            percent_axis(axis)
    fig.legend(handles=handles, loc="outside upper left", ncols=len(handles),
               title=label(group) if group else None)
    fig.legend(handles=keys, loc="outside lower center", ncols=len(keys))
    drawn = rows[rows[group].isin(shown)] if group else rows
    colors = ""
    if group:
        subset = "" if len(shown) == len(values) else (
            f" ({len(shown)} of its {len(values)} values, spread over the range: "
            f"{', '.join(value_text(group, v) for v in shown)})")
        colors = (f", one colour per {group.replace('_', ' ')}{subset} (set slightly apart "
                  "to keep the bars readable)")
    coincide = np.allclose(rows["break_even_share"].astype(float), tip["claim"])
    caption = (f"The critical {variable.replace('_', ' ')} s* (where the chance that "
               f"{events(tip['outcome'])} is one half; bars: 95% intervals"
               + ("; an arrowhead at the end of the range marks a side on which the data "
                  "set no bound" if any_open else "")
               + "; open triangles: the outcome never (up) or always (down) happened in the "
               f"range) against {x_name.replace('_', ' ')}{colors}; the dotted line is the "
               "break-even share (1 - factory fixed cost share), the dashed line the essay's "
               f"claim{', which coincide here' if coincide else ''}. "
               f"{count(len(drawn), 'point')}, "
               f"{count(int(drawn['n_runs'].sum()), 'run')}.")
    return Plot(fig, caption, int(drawn["n_runs"].sum()))
