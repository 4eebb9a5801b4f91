"""The verdict's figures, drawn from a verdict study's stored results only.

- :func:`fork_fall`: at each probed checkpoint of each fork run, the share of copies that
  still fell, against the platform's share of the gross then (the point of no return);
- :func:`arms`: each arm's tipping share of the gross and the gross share s* produced, with
  their intervals, against the claim and its margin;
- :func:`survival`: Kaplan-Meier curves of the incumbent per dose (the fall as a time to
  event, censored at the horizon).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

import matplotlib.style
import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter
from scipy import stats

from sim.experiments import storage
from sim.outputs.figures import BLACK, BLUE, GREEN, GREY, SINGLE, STYLE, VERMILLION, Plot, Result

ARM_COLOURS = {"no_switching": GREY, "price_only": BLUE, "full": VERMILLION}
ARM_LABELS = {"no_switching": "No switching", "price_only": "Price only", "full": "Full model"}


def _styled(draw: Callable[[Result], Plot]) -> Callable[[Result], Plot]:
    @wraps(draw)
    def wrapper(result: Result) -> Plot:
        with matplotlib.style.context(STYLE):
            return draw(result)
    return wrapper


def _claim_band(ax: Any, claim: float, margin: float, vertical: bool) -> None:
    span, line = (ax.axvspan, ax.axvline) if vertical else (ax.axhspan, ax.axhline)
    span(claim - margin, claim + margin, color=GREEN, alpha=0.12, lw=0)
    line(claim, color=GREEN, lw=1.0, ls="--")


def _arms(tip: dict[str, Any]) -> list[str]:
    return [name for name in tip["arms"] if name != "differences"]


@_styled
def fork_fall(result: Result) -> Plot:
    """Fork fall proportion (Wilson 95%) against the platform's share of the gross."""
    tip = result.json("tipping.json")
    fig = Figure(figsize=(SINGLE, 2.9))
    ax = fig.subplots()
    _claim_band(ax, tip["claim"], tip["margin"], vertical=True)
    n_runs = 0
    for name in _arms(tip):
        runs = storage.load_runs(result.path / "forks" / name)
        runs = runs[runs["status"] == "ok"] if len(runs) else runs
        n_runs += len(runs)
        shares, props, lows, highs = [], [], [], []
        for text in runs.get("checkpoints", []):
            for _, share, falls, made in json.loads(text) if text else []:
                if falls is None:
                    continue
                ci = stats.binomtest(int(falls), int(made)).proportion_ci(0.95, "wilson")
                shares.append(share)
                props.append(falls / made)
                lows.append(falls / made - ci.low)
                highs.append(ci.high - falls / made)
        if shares:
            ax.errorbar(shares, props, yerr=[lows, highs], fmt="o", ms=3, lw=0.6,
                        color=ARM_COLOURS.get(name, BLACK), label=ARM_LABELS.get(name, name),
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
    caption = ("The fork experiment: at checkpoints of each run the market is copied and the "
               "copies win no one new; dots are the share of copies that still fall (Wilson 95% "
               "bars) against the platform's share of the gross then. The dotted line is one "
               "half, the black line the median tipping share of the full model, the green "
               f"band the claim {100 * tip['claim']:.0f}% +- {100 * tip['margin']:.0f} points.")
    return Plot(fig, caption, n_runs)


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


@_styled
def arms(result: Result) -> Plot:
    """Each arm's tipping share of the gross and the gross share at s*, with intervals."""
    tip = result.json("tipping.json")
    names = _arms(tip)
    fig = Figure(figsize=(SINGLE, 0.5 + 0.55 * len(names)))
    ax = fig.subplots()
    _claim_band(ax, tip["claim"], tip["margin"], vertical=True)
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
    ax.legend(loc="lower right", fontsize="small")
    n = sum(tip["arms"][a]["n_runs"] + tip["arms"][a]["n_fork_runs"] for a in names)
    caption = ("The three arms in one regime: the tipping share of the gross (median over fork "
               "runs, order-statistic 95% interval) and the gross share produced by the "
               "committed share s* (95% interval); arrowheads mark open sides. Green: the claim "
               f"{100 * tip['claim']:.0f}% +- {100 * tip['margin']:.0f} points. Verdict: "
               f"{tip['verdict']}.")
    return Plot(fig, caption, n)


@_styled
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


VERDICT_FIGURES = (("fork_fall", "The point of no return", fork_fall),
                   ("arms", "What trust does: the three arms", arms),
                   ("survival", "The fall in time", survival))


def make_verdict_figures(path: Any, say: Callable[[str], Any] = lambda text: None) -> list[str]:
    """Draw and save the verdict's figures of the result folder ``path`` (into
    ``path/figures``, as every figure is saved); returns their names."""
    from sim.outputs.figures import Spec, save

    result = Result(path)
    made = []
    for name, title, draw in VERDICT_FIGURES:
        paths = save(draw(result), result, Spec(name, title, draw, lambda r: True))
        say(f"  {name}: {', '.join(p.suffix[1:] for p in paths)}  ({title})")
        made.append(name)
    return made
