"""Figure 2: the chance of the outcome against the tipping study's variable."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.markers import CARETLEFT, CARETRIGHT
from scipy import special

from sim.model.proportions import wilson
from sim.outputs.figures.common import (
    SINGLE,
    Plot,
    Result,
    count,
    events,
    interval_text,
    is_share,
    label,
    percent_axis,
    styled,
    value_text,
)
from sim.outputs.palette import (
    BLACK,
    GREEN,
    GREY,
    LIGHT,
)
from sim.studies.tipping.fit import wald_band


@styled
def fall_probability(result: Result) -> Plot:
    """Figure 2: observed chance of the outcome at each value of the variable (95% Wilson
    intervals), the fitted logistic curve with its band, s* with its interval, and the
    claim and break-even lines."""
    tip = result.json("tipping.json")
    variable, outcome = tip["variable"], tip["outcome"].replace("_", " ")
    x_seen, runs, k = (np.array([d[key] for d in tip["design"]], float)
                       for key in ("x", "runs", "events"))
    p = k / runs
    low, high = np.array([wilson(e, n) for e, n in zip(k, runs, strict=True)]).T
    fig = Figure(figsize=(SINGLE, 3.1))
    ax = fig.subplots()
    x = np.linspace(tip["low"], tip["high"], 400)
    handles = [ax.errorbar(x_seen, p, yerr=[p - low, high - p], fmt="o", color=BLACK,
                           ecolor=GREY, elinewidth=0.6, ms=3, label="Observed (95% interval)",
                           gid="observed", zorder=3)]
    if tip.get("slope"):
        a, b = tip["intercept"], tip["slope"]
        if tip.get("covariance"):  # pointwise Wald band from the fit's covariance
            band = wald_band(a + b * x, x, tip["covariance"], tip.get("level", 0.95))
            band_label = f"{tip.get('level', 0.95):.0%} band of the fit"
        else:  # results from before the covariance was stored
            band = sorted((special.expit(b * (x - (m if m is not None else edge)))
                           for m, edge in ((tip["ci_low"], -np.inf),
                                           (tip["ci_high"], np.inf))), key=np.sum)
            band_label = "Curve across the interval of s*"
        handles.append(ax.fill_between(x, np.minimum(*band), np.maximum(*band), color=GREEN,
                                       alpha=0.25, lw=0, label=band_label, gid="band"))
        handles += ax.plot(x, special.expit(a + b * x), color=GREEN, label="Fitted logistic",
                           gid="fit")
    open_sides = []
    if tip.get("estimate") is not None:
        ci_low, ci_high = tip["ci_low"], tip["ci_high"]
        ax.axvspan(tip["low"] if ci_low is None else ci_low,
                   tip["high"] if ci_high is None else ci_high, color=GREEN, alpha=0.12, lw=0,
                   gid="interval")
        for bound, edge, arrow, side in ((ci_low, tip["low"], CARETLEFT, "below"),
                                         (ci_high, tip["high"], CARETRIGHT, "above")):
            if bound is None:  # open: shaded to the range's edge, an arrowhead there
                ax.plot(edge, 0.5, ls="", marker=arrow, ms=5, color=GREEN, clip_on=False,
                        gid=f"open-{side}")
                open_sides.append(side)
        handles.append(ax.axvline(tip["estimate"], color=GREEN, lw=0.8, gid="estimate",
                                  label=f"s* = {value_text(variable, tip['estimate'])}, "
                                        f"interval {interval_text(variable, ci_low, ci_high)}"))
    break_even = tip.get("break_even_share")
    if break_even is not None:
        handles.append(ax.axvline(break_even, color=LIGHT, lw=2.5, zorder=0,
                                  label=f"Break-even share ({break_even:.0%})",
                                  gid="break-even"))
    handles.append(ax.axvline(tip["claim"], color=BLACK, ls="--", lw=0.8, gid="claim",
                              label=f"Claim ({value_text(variable, tip['claim'])})"))
    ax.axhline(0.5, color=LIGHT, lw=0.5, zorder=0)
    margin = 0.02 * (tip["high"] - tip["low"])
    ax.set(xlabel=label(variable), ylabel=f"P({outcome})", ylim=(-0.03, 1.03),
           xlim=(tip["low"] - margin, tip["high"] + margin))
    if is_share(variable):
        percent_axis(ax.xaxis)
    fig.legend(handles=handles, loc="outside upper center", ncols=2)
    n = int(runs.sum())
    band_text = (f"its pointwise {tip.get('level', 0.95):.0%} Wald band (shaded)"
                 if tip.get("covariance") else "the fitted curve shifted across the "
                 f"{tip.get('level', 0.95):.0%} profile-likelihood interval of s* (band)")
    open_text = (f"; the data set no bound {' or '.join(open_sides)} it, so it is shaded to "
                 "the end of the range, where an arrowhead marks the open side"
                 if open_sides else "")
    lines_text = "the essay's claim (dashed)"
    if break_even is not None:
        lines_text += (f" and the break-even share (wide grey line), which coincide here at "
                       f"{value_text(variable, tip['claim'])}"
                       if np.isclose(break_even, tip["claim"])
                       else " and the break-even share (wide grey line)")
    caption = (f"Chance that {events(tip['outcome'])} within {tip.get('steps', '?')} weeks against "
               f"{variable.replace('_', ' ')}: the share of runs in which it happened at each "
               f"design value (dots, 95% Wilson intervals; {count(n, 'run')} in all), the "
               f"Firth-penalized logistic fit (line) with {band_text}, s* "
               f"where the fitted chance is one half (vertical line, its interval "
               f"shaded{open_text}), {lines_text}.")
    return Plot(fig, caption, n)
