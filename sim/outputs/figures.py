"""Figures for papers, drawn only from the stored results in a result folder (never re-run).

One function per figure; each takes a :class:`Result`, reads its tables and returns a
:class:`Plot` (the matplotlib Figure and a caption). :func:`save` writes it as PDF (vector,
fonts embedded), SVG and PNG (300 dpi) with a caption file, provenance in each file's
metadata. :func:`make_figures` draws every figure that applies to what a folder holds.
All figures share ``sim/style.mplstyle``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, wraps
from pathlib import Path
from typing import Any, NamedTuple

import matplotlib
import matplotlib.style
import numpy as np
import pandas as pd
import pyarrow.dataset as ds
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.markers import CARETDOWN, CARETLEFT, CARETRIGHT, CARETUP
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter, StrMethodFormatter
from scipy import special, stats

from sim.experiments import storage
from sim.experiments.provenance import code_version
from sim.model.parameters import PARAMETERS
from sim.studies.tipping import wald_band

STYLE = Path(__file__).with_name("style.mplstyle")
SINGLE, DOUBLE = 3.5, 7.2  # journal column widths, inches
FORMATS = ("pdf", "svg", "png")
CLAIM = 0.20  # the essay's claim, when the result does not say
BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY, YELLOW, BLACK = (
    entry["color"] for entry in
    matplotlib.rc_params_from_file(STYLE, use_default_template=False)["axes.prop_cycle"])
GREY, LIGHT = "#777777", "#CCCCCC"
CHOICE_COLOURS = {"factory": BLUE, "platform": VERMILLION, "nothing": LIGHT}
OUTCOME_COLOURS = {"fell": VERMILLION, "did not fall": BLUE}
DIMENSIONLESS = {"", "share", "fraction", "probability", "factor"}
MAX_POINTS = 5
POINT_COLOURS = (BLUE, VERMILLION, GREEN, ORANGE, PURPLE)
OUTCOME_WORDS = {"incumbent_fell": "the incumbent falls"}
LABELS = {"factory_fixed_cost_share": "Fixed cost share of contribution ($F/C_0$)"}


class Plot(NamedTuple):
    """A drawn figure, what it shows in words, and how many runs it was drawn from."""

    figure: Figure
    caption: str
    n_runs: int
    made_by: str = ""  # code version of the data, when not the manifest's


class Result:
    """The stored tables of one result folder, each read once and only when asked for."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def has(self, name: str) -> bool:
        return (self.path / name).exists()

    def json(self, name: str) -> dict[str, Any]:
        """A JSON file of the folder, or {} when it is not there."""
        path = self.path / name
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

    @cached_property
    def manifest(self) -> dict[str, Any]:
        return self.json("manifest.json")

    @property
    def scenario(self) -> str:
        return self.manifest.get("scenario", {}).get("name") or self.path.name

    @cached_property
    def runs(self) -> pd.DataFrame:
        """The stored runs that finished (status "ok"); failed runs are left out."""
        runs = storage.load_runs(self.path) if self.has("runs") else pd.DataFrame()
        return runs[runs["status"] == "ok"].reset_index(drop=True) if len(runs) else runs

    @cached_property
    def series_columns(self) -> list[str]:
        """The reporters the series hold (their schema only, no rows read)."""
        return ds.dataset(self.path / "series").schema.names if self.has("series") else []

    def series(self, run_ids: list[str] | None = None) -> pd.DataFrame:
        """The per-week series of ``run_ids`` (all runs by default), sorted by run and week."""
        return storage.load_series(self.path, run_ids=run_ids)


# ---------------------------------------------------------------------- helpers
def styled(draw: Callable[..., Plot]) -> Callable[..., Plot]:
    """Draw inside the shared style."""
    @wraps(draw)
    def wrapper(*args: Any, **kwargs: Any) -> Plot:
        with matplotlib.style.context(STYLE):
            return draw(*args, **kwargs)
    return wrapper


def label(name: str) -> str:
    """An axis label for a parameter: its name in words, with its unit when it has one."""
    if name in LABELS:
        return LABELS[name]
    unit = PARAMETERS[name].unit if name in PARAMETERS else ""
    words = name.replace("_", " ").capitalize()
    return words if unit in DIMENSIONLESS or unit in words.lower() else f"{words} ({unit})"


def is_share(name: str) -> bool:
    return name in PARAMETERS and PARAMETERS[name].unit in ("share", "fraction")


def value_text(name: str, value: Any) -> str:
    """A parameter value as a legend shows it: shares in percent, numbers to 3 digits."""
    if isinstance(value, str):
        return value.replace("_", " ")
    return f"{100 * value:.3g}%" if is_share(name) else f"{value:.3g}"


def varying(runs: pd.DataFrame) -> list[str]:
    """The parameters whose value differs between the runs' points."""
    return [name for name in PARAMETERS if name in runs and runs[name].nunique() > 1]


def count(n: int, noun: str) -> str:
    """``n`` and ``noun``, plural unless ``n`` is 1: "1 run", "3 runs"."""
    return f"{n} {noun}{'s' * (n != 1)}"


def interval_text(name: str, low: float | None, high: float | None) -> str:
    """An interval of ``name`` in words; ``None`` is an open side: "[5%, 30%]", "≥ 5%"."""
    if low is None:
        return "open on both sides" if high is None else f"≤ {value_text(name, high)}"
    return f"≥ {value_text(name, low)}" if high is None else \
        f"[{value_text(name, low)}, {value_text(name, high)}]"


def point_label(row: pd.Series, names: list[str], named: bool = True) -> str:
    """A point in words: its varying parameters' values, each after its name if ``named``."""
    return ", ".join(f"{n.replace('_', ' ')} {value_text(n, row[n])}" if named
                     else value_text(n, row[n]) for n in names) or "all runs"


def shown_points(runs: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """One row per point (point_id and the varying parameters), sorted by them; of more
    than ``MAX_POINTS``, a spread of them (:func:`spread`)."""
    points = runs.drop_duplicates("point_id").sort_values([*names, "point_id"])
    return spread(points[["point_id", *names]].reset_index(drop=True), names)


def spread(points: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """At most ``MAX_POINTS`` of ``points`` (rows sorted by ``names``): those nearest to
    evenly spread values of the first name (one, numeric) or evenly spread in order."""
    if len(points) <= MAX_POINTS:
        return points
    if len(names) == 1 and pd.api.types.is_numeric_dtype(points[names[0]]):
        values = points[names[0]].to_numpy(float)
        targets = np.linspace(values.min(), values.max(), MAX_POINTS)
        keep = np.unique([np.abs(values - t).argmin() for t in targets])
    else:
        keep = np.unique(np.linspace(0, len(points) - 1, MAX_POINTS).round().astype(int))
    return points.iloc[keep].reset_index(drop=True)


def events(outcome: str) -> str:
    """An outcome in words, as in 'the chance that ...'."""
    return OUTCOME_WORDS.get(outcome, f"'{outcome}'")


def claim_of(result: Result) -> float:
    return float(result.json("tipping.json").get("claim", CLAIM))


def percent_axis(axis: Any) -> None:
    axis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def letter(ax: Any, index: int, title: str) -> None:
    """Panel title with its letter (a, b, ...) as journals want it."""
    ax.set_title(f"{'abcdefgh'[index]}   {title}")


# ---------------------------------------------------------------------- figure 1
@styled
def share_over_time(result: Result) -> Plot:
    """Figure 1: platform share of the sector's gross by week, median and 50% and 90% bands
    across replicates, one colour per parameter point, with the claim's line."""
    runs, claim = result.runs, claim_of(result)
    names = varying(runs)
    points = shown_points(runs, names)
    shown = runs[runs["point_id"].isin(points["point_id"])]
    series = result.series(shown["run_id"].tolist()).merge(shown[["run_id", "point_id"]],
                                                           on="run_id")
    fig = Figure(figsize=(SINGLE, 3.0))
    ax = fig.subplots()
    handles = []
    for colour, point in zip(POINT_COLOURS, points.itertuples(index=False), strict=False):
        q = (series[series["point_id"] == point.point_id].groupby("step")["platform_share"]
             .quantile([0.05, 0.25, 0.5, 0.75, 0.95]).unstack())
        ax.fill_between(q.index, q[0.05], q[0.95], color=colour, alpha=0.12, lw=0,
                        gid=f"band90-{point.point_id}")
        ax.fill_between(q.index, q[0.25], q[0.75], color=colour, alpha=0.3, lw=0,
                        gid=f"band50-{point.point_id}")
        handles += ax.plot(q.index, q[0.5], color=colour, gid=f"point-{point.point_id}",
                           label=point_label(pd.Series(point._asdict()), names, named=False))
    ax.set(xlabel="Week", ylabel="Platform share of gross", ylim=(-0.02, 1.02),
           xlim=(series["step"].min(), series["step"].max()))
    percent_axis(ax.yaxis)
    keys = [ax.axhline(claim, color=BLACK, ls="--", lw=0.8, label=f"Claim ({claim:.0%})",
                       gid="claim"),
            Patch(color=GREY, alpha=0.55, label="50% of runs"),
            Patch(color=GREY, alpha=0.2, label="90% of runs")]
    title = ", ".join(label(n) if i == 0 else label(n).lower() for i, n in enumerate(names))
    fig.legend(handles=handles + keys, loc="outside upper center", ncols=3, title=title or None)
    n_points = runs["point_id"].nunique()
    subset = "" if len(points) == n_points else \
        f" ({len(points)} of {n_points} points, spread over the range)"
    caption = (f"Platform share of the sector's gross by week: median (line) and the central "
               f"50% and 90% of replicate runs (bands) at each parameter point{subset}; the "
               f"dashed line is the essay's claim of {claim:.0%}.")
    return Plot(fig, caption, len(shown))


# ---------------------------------------------------------------------- figure 2
def wilson(events: np.ndarray, runs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """95% Wilson score intervals of ``events`` out of ``runs``."""
    bounds = [stats.binomtest(int(k), int(n)).proportion_ci(0.95, method="wilson")
              for k, n in zip(events, runs, strict=True)]
    return np.array([b.low for b in bounds]), np.array([b.high for b in bounds])


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
    low, high = wilson(k, runs)
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


# ---------------------------------------------------------------------- figure 3
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
    for i, ((value, part), colour, marker) in enumerate(
            zip(parts, POINT_COLOURS, "osD^v", strict=False)):  # at most five parts
        part = part.sort_values(x_name)
        x = part[x_name].to_numpy(float) + dodge * (i - (len(parts) - 1) / 2)
        y = part["estimate"].astype(float).to_numpy()
        found = np.isfinite(y)
        lo, hi = (part[key].astype(float).to_numpy() for key in ("ci_low", "ci_high"))
        open_lo, open_hi = found & np.isnan(lo), found & np.isnan(hi)
        lo, hi = np.where(open_lo, part["low"], lo), np.where(open_hi, part["high"], hi)
        handles.append(ax.errorbar(
            x[found], y[found], yerr=[y[found] - lo[found], hi[found] - y[found]], capsize=0,
            fmt=f"{marker}-", color=colour, ms=3.5, lw=0.9, gid=f"estimates-{i}",
            label=value_text(group, value) if group else "s*"))
        for bound, is_open, arrow, side in ((lo, open_lo, CARETDOWN, "low"),
                                            (hi, open_hi, CARETUP, "high")):
            closed = found & ~is_open  # a cap at a bound, an arrowhead at an open end
            ax.plot(x[closed], bound[closed], ls="", marker="_", ms=3, mew=0.9, color=colour,
                    gid=f"cap-{side}-{i}")
            if is_open.any():  # unclipped, so never empty (it would stretch the layout)
                ax.plot(x[is_open], bound[is_open], ls="", marker=arrow, ms=4, color=colour,
                        clip_on=False, gid=f"open-{side}-{i}")
                any_open = True
        for side, edge, mark in (("above", "high", "^"), ("below", "low", "v")):
            out = ~found & (part["transition"] == side).to_numpy()
            ax.plot(x[out], part[edge].to_numpy(float)[out], ls="", marker=mark, mfc="white",
                    color=colour, gid=f"{side}-{i}")
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
    colours = ""
    if group:
        subset = "" if len(shown) == len(values) else (
            f" ({len(shown)} of its {len(values)} values, spread over the range: "
            f"{', '.join(value_text(group, v) for v in shown)})")
        colours = (f", one colour per {group.replace('_', ' ')}{subset} (set slightly apart "
                   "to keep the bars readable)")
    coincide = np.allclose(rows["break_even_share"].astype(float), tip["claim"])
    caption = (f"The critical {variable.replace('_', ' ')} s* (where the chance that "
               f"{events(tip['outcome'])} is one half; bars: 95% intervals"
               + ("; an arrowhead at the end of the range marks a side on which the data "
                  "set no bound" if any_open else "")
               + "; open triangles: the outcome never (up) or always (down) happened in the "
               f"range) against {x_name.replace('_', ' ')}{colours}; the dotted line is the "
               "break-even share (1 - factory fixed cost share), the dashed line the essay's "
               f"claim{', which coincide here' if coincide else ''}. "
               f"{count(len(drawn), 'point')}, "
               f"{count(int(drawn['n_runs'].sum()), 'run')}.")
    return Plot(fig, caption, int(drawn["n_runs"].sum()))


# ---------------------------------------------------------------------- figure 4
SPIRAL = [("factory_price", "Price", "Price (price units)"),
          ("factory_volume", "Volume", "Units sold per week"),
          ("factory_profit", "Operating profit", "Price units per week"),
          ("factory_cash", "Cash", "Price units")]


def typical(runs: pd.DataFrame, column: str) -> pd.Series:
    """The run whose ``column`` is closest to the median of ``runs`` (ties: lowest run_id)."""
    distance = (runs[column].astype(float) - runs[column].astype(float).median()).abs()
    return runs.assign(_d=distance).sort_values(["_d", "run_id"]).iloc[0]


def mixed_point(runs: pd.DataFrame) -> Any:
    """The point where the fall is closest to a coin toss (most runs first), or None if no
    point has runs that fell and runs that did not."""
    rate = runs.groupby("point_id")["incumbent_fell"].agg(["mean", "size"])
    rate = rate[(rate["mean"] > 0) & (rate["mean"] < 1)]
    if rate.empty:
        return None
    rate = rate.assign(d=(rate["mean"] - 0.5).abs(), n=-rate["size"]).sort_values(["d", "n"])
    return rate.index[0]


@styled
def death_spiral(result: Result) -> Plot:
    """Figure 4: the factory's price, volume, profit and cash by week for a typical run that
    fell and a typical run that did not, at the same parameter point when there is one."""
    runs = result.runs.assign(incumbent_fell=lambda r: r["incumbent_fell"].fillna(False)
                              .astype(bool))
    point = mixed_point(runs)
    pool = runs if point is None else runs[runs["point_id"] == point]
    chosen = {}
    if pool["incumbent_fell"].any():
        chosen["fell"] = typical(pool[pool["incumbent_fell"]], "fall_step")
    if not pool["incumbent_fell"].all():
        chosen["did not fall"] = typical(pool[~pool["incumbent_fell"]], "platform_share_max")
    series = result.series([run["run_id"] for run in chosen.values()])
    fig = Figure(figsize=(DOUBLE, 4.0))
    axes = fig.subplots(2, 2, sharex=True).ravel()
    for outcome, run in chosen.items():
        rows = series[series["run_id"] == run["run_id"]]
        text = f"fell in week {int(run['fall_step'])}" if outcome == "fell" else "did not fall"
        for ax, (column, _, _) in zip(axes, SPIRAL, strict=True):
            ax.plot(rows["step"], rows[column], color=OUTCOME_COLOURS[outcome],
                    label=f"Run that {text}", gid=f"{column}-{run['run_id']}")
            if outcome == "fell":
                ax.axvline(run["fall_step"], color=OUTCOME_COLOURS[outcome], ls=":", lw=0.8)
    for i, (ax, (column, title, ylabel)) in enumerate(zip(axes, SPIRAL, strict=True)):
        letter(ax, i, title)
        ax.set_ylabel(ylabel)
        if column != "factory_price":
            ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        if column in ("factory_profit", "factory_cash"):
            ax.axhline(0, color=GREY, lw=0.5)
    for ax in axes[2:]:
        ax.set_xlabel("Week")
    axes[0].set_xlim(series["step"].min(), series["step"].max())
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper center", ncols=len(handles))
    where = ("at the parameter point where the fall was closest to even odds "
             f"({point_label(pool.iloc[0], varying(runs))}, {count(len(pool), 'run')})"
             if point is not None else f"among all {count(len(pool), 'run')}")
    caption = ("The factory's price, weekly volume, operating profit and "
               "cash by week, for the typical run that fell (median week of the fall; the "
               "dotted line marks it) and the typical run that did not (median peak platform "
               f"share), {where}.")
    return Plot(fig, caption, len(chosen))


# ---------------------------------------------------------------------- figure 5
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
        ax.scatter(week["x"], week["y"], s=6, c=week["choice"].map(CHOICE_COLOURS),
                   edgecolors=np.where(week["committed"], BLACK, "none"), linewidths=0.5,
                   zorder=2, gid=f"week-{step}")
        buying = (week["choice"] != "nothing").sum()
        platform = (week["choice"] == "platform").sum() / max(buying, 1)
        letter(ax, i, f"Week {step}\n{platform:.0%} on the platform")
        ax.set_aspect("equal")
        ax.axis("off")
    marks = [Line2D([], [], ls="", marker="o", color=colour, label=f"Bought from {name}"
                    if name != "nothing" else "Bought nothing")
             for name, colour in CHOICE_COLOURS.items()]
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


# ---------------------------------------------------------------------- figure 6
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
        colour, group = OUTCOME_COLOURS[outcome], ews[ews["fell"] == fell]
        for i, key in enumerate(keys):
            tau = group[key].dropna().to_numpy(float)
            if tau.size == 0:
                continue
            lines = {"color": colour, "lw": 0.7}
            ax.boxplot(tau, positions=[i + offset], widths=0.3, showfliers=False,
                       medianprops={"color": colour, "lw": 1.4}, boxprops=lines,
                       whiskerprops=lines, capprops=lines)
            ax.scatter(i + offset + jitter.uniform(-0.09, 0.09, tau.size), tau, s=5,
                       color=colour, alpha=0.7, lw=0, gid=f"{key}-{'fell' if fell else 'survived'}")
        handles.append(Patch(facecolor="white", edgecolor=colour,
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


# ---------------------------------------------------------------------- figure 7
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
        for key, name, colour, marker, shift in marks:
            ax.errorbar(table[key].to_numpy(), y + shift, xerr=table[f"{key}_conf"].to_numpy(),
                        fmt=marker, color=colour, ms=3.5, lw=0.9, label=name,
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


# ---------------------------------------------------------------------- saving
@dataclass(frozen=True)
class Spec:
    """A figure: its file name, title, drawing function and whether a result has its data."""

    name: str
    title: str
    draw: Callable[[Result], Plot]
    applies: Callable[[Result], bool]


def _has_series(result: Result, columns: list[str]) -> bool:
    return (result.has("runs") and len(result.runs) > 0
            and set(columns) <= set(result.series_columns))


def _tipping(result: Result) -> dict[str, Any]:
    return result.json("tipping.json")


FIGURES = [
    Spec("share_over_time", "Platform share over time", share_over_time,
         lambda r: _has_series(r, ["platform_share"]) and len(varying(r.runs)) <= 2),
    Spec("fall_probability", "Probability of the fall", fall_probability,
         lambda r: bool(_tipping(r).get("design"))),
    Spec("phase_map", "The phase map", phase_map,
         lambda r: len(_tipping(r).get("estimates", [])) > 1
         and 1 <= len(_tipping(r)["varied"]) <= 2),
    Spec("death_spiral", "The death spiral", death_spiral,
         lambda r: _has_series(r, [column for column, _, _ in SPIRAL])),
    Spec("network", "The network at a few moments", network,
         lambda r: r.has("network/nodes.parquet") and r.has("network/edges.parquet")),
    Spec("early_warning", "Early-warning signals before the fall", early_warning,
         lambda r: r.has("ews.parquet") and len(pd.read_parquet(r.path / "ews.parquet")) > 0),
    Spec("sensitivity", "Sensitivity indices", sensitivity,
         lambda r: any(m in r.json("sensitivity.json") for m in ("morris", "sobol"))),
]


def provenance(result: Result, plot: Plot) -> str:
    """Where a figure's data come from, in one sentence."""
    made_by = plot.made_by or result.manifest.get("code_version", "unknown")
    return (f"Data: scenario '{result.scenario}' ({result.path}), "
            f"{count(plot.n_runs, 'run')}, results made by code version {made_by}; "
            f"figure drawn by trust-tipping {code_version()}.")


def _replace(path: Path, write: Callable[[Path], Any]) -> Path:
    """Write ``path`` through a temporary name, so it is whole or absent."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(tmp)
    os.replace(tmp, path)
    return path


def save(plot: Plot, result: Result, spec: Spec, out: Path | None = None) -> list[Path]:
    """Write ``plot`` as out/NAME.{pdf,svg,png,txt} (default out: DIR/figures); the caption
    and provenance go in the .txt file and in each file's metadata."""
    out = Path(out or result.path / "figures")
    out.mkdir(parents=True, exist_ok=True)
    source = provenance(result, plot)
    creator = (f"trust-tipping {code_version()} (sim.outputs.figures), "
               f"matplotlib {matplotlib.__version__}")
    keywords = f"scenario={result.scenario}; runs={plot.n_runs}"
    metadata = {
        "pdf": {"Title": spec.title, "Subject": f"{plot.caption} {source}",
                "Keywords": keywords, "Creator": creator, "CreationDate": None},
        "svg": {"Title": spec.title, "Description": f"{plot.caption} {source}",
                "Keywords": keywords, "Creator": creator, "Date": None},
        "png": {"Title": spec.title, "Description": plot.caption, "Source": source,
                "Software": creator},
    }
    with matplotlib.style.context(STYLE):
        paths = [_replace(out / f"{spec.name}.{fmt}", lambda tmp, fmt=fmt: plot.figure.savefig(
            tmp, format=fmt, metadata=metadata[fmt])) for fmt in FORMATS]
    text = f"{spec.title}. {plot.caption}\n\n{source}\n"
    paths.append(_replace(out / f"{spec.name}.txt",
                          lambda tmp: tmp.write_text(text, encoding="utf-8")))
    return paths


def applicable(result: Result) -> list[Spec]:
    """The figures whose data ``result`` holds."""
    return [spec for spec in FIGURES if spec.applies(result)]


def make_figures(result: Result | Path | str, names: list[str] | None = None,
                 say: Callable[[str], Any] = lambda text: None) -> dict[str, list[Path]]:
    """Draw and save every figure that applies to ``result`` (a Result or its folder), or
    only those in ``names``; ``say`` hears one line per figure written."""
    result = result if isinstance(result, Result) else Result(result)
    made = {}
    for spec in applicable(result):
        if names is None or spec.name in names:
            made[spec.name] = save(spec.draw(result), result, spec)
            say(f"  {spec.name}: {', '.join(p.suffix[1:] for p in made[spec.name])}"
                f"  ({spec.title})")
    return made
