"""One figure per validation check, drawn from ``validation.json`` alone (never re-run):
the measured curve against the published value. Shares the project's style."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.style
import numpy as np
from matplotlib.figure import Figure

from sim.outputs.figures import writer
from sim.outputs.figures.common import FORMATS, SINGLE
from sim.outputs.palette import BLACK, BLUE, GREEN, GREY, LIGHT, STYLE, VERMILLION
from sim.studies.tipping.fit import wald_band

LOG = logging.getLogger(__name__)
COLOURS = (BLUE, VERMILLION, GREEN, BLACK)


def _axes(height: float = 3.0, rows: int = 1) -> tuple[Figure, Any]:
    figure = Figure(figsize=(SINGLE, height), layout="constrained")
    return figure, figure.subplots(rows, 1, sharex=True) if rows > 1 else figure.subplots()


def _legend(figure: Figure) -> None:
    """One legend under the axes, where it hides no data."""
    figure.legend(loc="outside lower center", ncols=2, frameon=False)


def _fit(ax: Any, fit: dict[str, Any], colour: str, label: str) -> None:
    """Design points (share of runs with the outcome, size by runs), the fitted curve and
    its band, and the estimate with its interval at the target probability."""
    design = fit["design"]
    x = np.array([d["x"] for d in design])
    runs = np.array([d["runs"] for d in design])
    share = np.array([d["events"] for d in design]) / runs
    ax.scatter(x, share, s=4 + 3 * np.sqrt(runs), color=colour, alpha=0.6, linewidths=0)
    if fit["estimate"] is None:
        return
    grid = np.linspace(fit["low"], fit["high"], 300)
    eta = fit["intercept"] + fit["slope"] * grid
    ax.plot(grid, 1 / (1 + np.exp(-eta)), color=colour, label=label)
    if fit["covariance"] is not None:
        low, high = wald_band(eta, grid, fit["covariance"], fit["level"])
        ax.fill_between(grid, low, high, color=colour, alpha=0.15, linewidth=0)
    target = fit.get("target") or 0.5
    left = fit["estimate"] - (fit["ci_low"] if fit["ci_low"] is not None else fit["low"])
    right = (fit["ci_high"] if fit["ci_high"] is not None else fit["high"]) - fit["estimate"]
    ax.errorbar([fit["estimate"]], [target], xerr=[[left], [right]], fmt="o", ms=3,
                color=colour, capsize=2)


def tipping_figure(check: dict[str, Any]) -> Figure:
    data = check["figure"]
    figure, ax = _axes()
    ax.axvspan(data["published"] - data["tolerance"], data["published"] + data["tolerance"],
               color=LIGHT, alpha=0.5, linewidth=0, label="published +- tolerance")
    ax.axvline(data["published"], color=GREY, linestyle="--", linewidth=0.8)
    for fit, label, colour in zip(data["fits"], data["labels"], COLOURS, strict=False):
        _fit(ax, fit, colour, label)
    ax.set(xlabel=data["x"].capitalize(), ylabel=data["y"], ylim=(-0.03, 1.03))
    _legend(figure)
    return figure


def watts_figure(check: dict[str, Any]) -> Figure:
    data = check["figure"]
    figure, ax = _axes()
    low, high = data["theory"]
    ax.axvspan(low, high, color=LIGHT, alpha=0.5, linewidth=0,
               label=f"cascade condition ({low:.2f} to {high:.2f})")
    ax.plot(data["z"], data["frequency"], "o-", color=BLUE, ms=3,
            label=f"measured (threshold {data['threshold']:g})")
    ax.axhline(0.1, color=GREY, linestyle=":", linewidth=0.8)
    for edge in data["edges"]:
        if edge["estimate"] is None:
            continue
        lo = edge["ci_low"] if edge["ci_low"] is not None else edge["low"]
        hi = edge["ci_high"] if edge["ci_high"] is not None else edge["high"]
        ax.errorbar([edge["estimate"]], [0.1], xerr=[[edge["estimate"] - lo],
                                                      [hi - edge["estimate"]]],
                    fmt="o", ms=3, color=VERMILLION, capsize=2)
    ax.set(xlabel="Mean degree z", ylabel="Frequency of global cascades", ylim=(-0.03, 1.03))
    _legend(figure)
    return figure


def bass_figure(check: dict[str, Any]) -> Figure:
    data = check["figure"]
    figure, (top, bottom) = _axes(3.8, rows=2)
    t = np.array(data["time"])
    top.plot(t, data["closed_form"], color=GREY, linestyle="--", label="closed form")
    top.plot(t, data["mean"], color=BLUE, label="replicate mean")
    top.axvline(data["published_peak"], color=GREY, linewidth=0.8, label="ln(q/p)/(p+q)")
    top.axvline(data["peak"], color=VERMILLION, linewidth=0.8, linestyle=":",
                label="measured peak")
    top.set(ylabel="Share adopted")
    _legend(figure)
    bottom.axhspan(-0.01, 0.01, color=LIGHT, alpha=0.5, linewidth=0)
    bottom.plot(t, np.array(data["mean"]) - np.array(data["closed_form"]), color=BLUE)
    bottom.set(xlabel="Time", ylabel="Mean - closed form")
    return figure


def granovetter_figure(check: dict[str, Any]) -> Figure:
    data = check["figure"]
    figure, ax = _axes()
    ax.plot(data["mean_field_sd"], data["mean_field"], color=GREY, linestyle="--",
            label="infinite population")
    ax.scatter(data["sd"], data["participation"], s=6, color=BLUE, alpha=0.5, linewidths=0,
               label="runs")
    for x, y in ((0.11, 0.1), (0.14, 0.95)):
        ax.axvline(x, color=LIGHT, linewidth=0.8)
        ax.axhline(y, color=LIGHT, linewidth=0.8)
    critical = data["critical"]
    if critical["estimate"] is not None:
        _fit(ax, critical, VERMILLION, "P(riot)")
    ax.set(xlabel="Spread of thresholds (sd)", ylabel="Participation", ylim=(-0.03, 1.03))
    _legend(figure)
    return figure


def reversible_figure(check: dict[str, Any]) -> Figure:
    """The mean-field map of reversible thresholds, its basin boundary, and the interval the
    fork experiment found."""
    from scipy import stats

    data = check["figure"]
    figure, ax = _axes()
    r = np.linspace(0, 1, 201)
    ax.plot(r, stats.norm.cdf((r - data["mean"]) / data["sd"]), color=GREY,
            label="r' = Phi((r - mean) / sd)")
    ax.plot(r, r, color=LIGHT, linewidth=0.8)
    if data["ci_low"] is not None and data["ci_high"] is not None:
        ax.axvspan(data["ci_low"], data["ci_high"], color=BLUE, alpha=0.3, linewidth=0,
                   label="fork experiment (release)")
    ax.axvline(data["boundary"], color=VERMILLION, linestyle="--", linewidth=0.8,
               label=f"boundary {data['boundary']:.3f}")
    ax.set(xlabel="Share taking part, r", ylabel="Share after revision, r'")
    _legend(figure)
    return figure


def accounting_figure(check: dict[str, Any]) -> Figure:
    data = check["figure"]
    figure, ax = _axes()
    share = np.array(data["fixed_cost_share"])
    line = np.linspace(share.min() - 0.05, share.max() + 0.05, 2)
    ax.fill_between(line, 1 - line - 0.02, 1 - line + 0.02, color=LIGHT, alpha=0.5,
                    linewidth=0, label="1 - fixed cost share +- 0.02")
    for x, fit in zip(share, data["fits"], strict=True):
        if fit["estimate"] is None:
            continue
        lo = fit["ci_low"] if fit["ci_low"] is not None else fit["low"]
        hi = fit["ci_high"] if fit["ci_high"] is not None else fit["high"]
        ax.errorbar([x], [fit["estimate"]], yerr=[[fit["estimate"] - lo],
                                                  [hi - fit["estimate"]]],
                    fmt="o", ms=3, color=BLUE, capsize=2)
    ax.set(xlabel="Fixed cost share of contribution", ylabel="Measured s*")
    _legend(figure)
    return figure


def seamans_zhu_figure(check: dict[str, Any]) -> Figure:
    """Each effect of the platform's entry, measured (with its interval) beside the
    published change: the check is on the signs, the sizes are shown."""
    effects = check["figure"]["effects"]
    figure, ax = _axes()
    y = np.arange(len(effects))[::-1]
    mean = np.array([e["mean"] for e in effects])
    err = np.array([[e["mean"] - e["low"] for e in effects], [e["high"] - e["mean"]
                                                              for e in effects]])
    ax.errorbar(mean, y + 0.12, xerr=err, fmt="o", ms=4, color=BLUE, capsize=2,
                label="this model (paired runs)")
    ax.plot([e["published"] for e in effects], y - 0.12, "D", ms=4, color=VERMILLION,
            ls="", label="Seamans & Zhu 2014")
    ax.axvline(0, color=BLACK, lw=0.6)
    ax.set_yticks(y, [e["label"] for e in effects])
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:+.0%}")
    ax.set_xlabel("Change after the platform's entry")
    _legend(figure)
    return figure


DRAW: dict[str, Callable[[dict[str, Any]], Figure]] = {
    "tipping": tipping_figure, "watts": watts_figure, "bass": bass_figure,
    "granovetter": granovetter_figure, "accounting": accounting_figure,
    "reversible": reversible_figure,
    "seamans_zhu": seamans_zhu_figure}


def save_figures(folder: Path | str) -> list[Path]:
    """Draw one figure per check of ``folder/validation.json`` into ``folder/figures`` (one
    INFO line each)."""
    folder = Path(folder)
    table = json.loads((folder / "validation.json").read_text(encoding="utf-8"))
    source = writer.provenance("validation", folder, None, table.get("code_version", ""))
    paths = []
    for check in table["checks"]:
        with matplotlib.style.context(STYLE):
            figure = DRAW[check["figure"]["kind"]](check)
            figure.suptitle(f"{check['title']}\n{check['source']}", fontsize=7)
        paths += writer.write_figure(figure, folder / "figures", check["name"], check["title"],
                                     f"The measured value against {check['source']}.", source,
                                     f"check={check['name']}")
        LOG.info("  figures/%s.{%s}", check["name"], ",".join(FORMATS))
    return paths
