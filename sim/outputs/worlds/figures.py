"""The worlds study's figures, drawn from a stored result (``worlds.json`` and the world
table) alone: the tipping share across worlds, the verdicts, the sensitivity indices and
the first PRIM box. :func:`make_figures` writes each as PDF, SVG and PNG with a caption."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.style  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402
from matplotlib.ticker import PercentFormatter  # noqa: E402

HERE = Path(__file__).resolve().parents[1]
STYLE = next(p for p in (HERE / "figures" / "style.mplstyle", HERE / "style.mplstyle")
             if p.is_file())
FORMATS = ("pdf", "svg", "png")
COLOURS = {"supported": "#009E73", "excluded": "#D55E00", "inconclusive": "#999999"}
SINGLE, DOUBLE = 3.5, 7.2


def load(folder: Path) -> tuple[dict[str, Any], pd.DataFrame]:
    """The stored answers and the world table of a worlds results folder."""
    result = json.loads((folder / "worlds.json").read_text(encoding="utf-8"))
    return result, pd.read_parquet(folder / result["table"])


def _band(ax: Any, result: dict[str, Any], axis: str = "x") -> None:
    claim, margin = result["plan"]["budget"]["claim"], result["plan"]["budget"]["margin"]
    span, line = (ax.axvspan, ax.axvline) if axis == "x" else (ax.axhspan, ax.axhline)
    span(claim - margin, claim + margin, color="#009E73", alpha=0.12, lw=0)
    line(claim, color="black", lw=0.8, ls="--")


def distribution(result: dict[str, Any], table: pd.DataFrame) -> tuple[Figure, str]:
    """ECDF of the worlds' tipping shares, and each world's interval, the claim marked."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(DOUBLE, 3.0))
    share = pd.to_numeric(table["tipping_share_gross"], errors="coerce")
    n, finite = len(share), np.sort(share.dropna().to_numpy(float))
    left.step(np.r_[0.0, finite, 1.0], np.r_[0, np.arange(1, finite.size + 1),
                                            finite.size] / n, where="post", color="#0072B2")
    _band(left, result)
    left.set(xlim=(0, 1), ylim=(0, 1), xlabel="Tipping share of the gross",
             ylabel="Share of worlds at or below", title="a  Across worlds")
    left.xaxis.set_major_formatter(PercentFormatter(1.0))
    left.yaxis.set_major_formatter(PercentFormatter(1.0))
    order = table.assign(s=share.fillna(np.inf)).sort_values("s").reset_index(drop=True)
    for i, row in order.iterrows():
        low = row["ci_low"] if pd.notna(row["ci_low"]) else 0.0
        high = row["ci_high"] if pd.notna(row["ci_high"]) else 1.0
        colour = COLOURS.get(row["verdict"], "#999999")
        right.plot([low, high], [i, i], color=colour, lw=1.0)
        if np.isfinite(row["s"]):
            right.plot(row["s"], i, "o", color=colour, ms=2.5)
    _band(right, result)
    right.set(xlim=(0, 1), xlabel="Tipping share of the gross (median, 95% interval)",
              ylabel="World (sorted)", title="b  Each world", yticks=[])
    right.xaxis.set_major_formatter(PercentFormatter(1.0))
    right.legend(handles=[Patch(color=c, label=v) for v, c in COLOURS.items()],
                 loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=3)
    d = result["tipping_share_gross"]
    caption = (f"The tipping share of the gross in {n} worlds drawn over the plausible "
               f"ranges; {d['open']} worlds never reached a point of no return (open, off the "
               "right edge). Dashed: the claim; shaded: claim +- margin. (a) empirical "
               "distribution function; (b) each world's median over its runs with its "
               "order-statistic interval, coloured by verdict.")
    return fig, caption


def verdicts(result: dict[str, Any], table: pd.DataFrame) -> tuple[Figure, str]:
    """Share of worlds per verdict with Wilson intervals."""
    fig, ax = plt.subplots(figsize=(SINGLE, 2.2))
    shares = result["verdicts"]
    names = list(shares)
    values = [shares[v]["share"] or 0.0 for v in names]
    errors = np.array([[v - (shares[k]["ci_low"] or 0.0) for k, v in zip(names, values,
                                                                         strict=True)],
                       [(shares[k]["ci_high"] or 0.0) - v for k, v in zip(names, values,
                                                                         strict=True)]])
    ax.barh(names, values, xerr=errors, color=[COLOURS[v] for v in names])
    for i, k in enumerate(names):
        ax.text(0.99, i, f"{shares[k]['worlds']} of {len(table)}", va="center", ha="right",
                transform=ax.get_yaxis_transform())
    ax.set(xlim=(0, 1), xlabel="Share of worlds (95% Wilson interval)",
           title="The verdict on the claim across worlds")
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.invert_yaxis()
    return fig, "Share of worlds in which the claim is supported, excluded or inconclusive."


def sensitivity(result: dict[str, Any], table: pd.DataFrame) -> tuple[Figure, str]:
    """First-order indices of the tipping share, largest first."""
    s = result["sensitivity"]
    fig, ax = plt.subplots(figsize=(SINGLE, 2.6))
    names = s.get("ranking", [])
    values = [s["indices"][k]["S1"] or 0.0 for k in names]
    conf = [s["indices"][k]["S1_conf"] or 0.0 for k in names]
    ax.barh(names, values, xerr=conf, color="#0072B2")
    ax.invert_yaxis()
    ax.axvline(0, color="black", lw=0.6)
    ax.set(xlabel=f"First-order index S1 ({s['estimator']})",
           title="What moves the tipping share")
    caption = (f"First-order sensitivity of the tipping share of the gross ({s['estimator']}"
               f", SALib) on {s['worlds']} worlds with a tipping share; bars: 95% intervals."
               + (f" {s['note']}." if s.get("note") else ""))
    return fig, caption


def discovery(result: dict[str, Any], table: pd.DataFrame) -> tuple[Figure, str]:
    """The worlds on the two parameters of the first box (or the two most sensitive), by
    verdict, with the box drawn."""
    boxes = result["boxes"]["supported"] or result["boxes"]["not_excluded"]
    box = boxes[0] if boxes else None
    restricted = [r["parameter"] for r in box["restrictions"]] if box else []
    ranked = restricted + [k for k in result["sensitivity"].get("ranking", [])
                           + list(result["plan"]["ranges"]) if k not in restricted]
    x_name, y_name = ranked[0], ranked[1]
    ranges = result["plan"]["ranges"]
    fig, ax = plt.subplots(figsize=(SINGLE, 2.8))
    for verdict, colour in COLOURS.items():
        mine = table[table["verdict"] == verdict]
        ax.scatter(mine[x_name], mine[y_name], s=10, color=colour, label=verdict)
    if box:
        limits = {r["parameter"]: (r["low"], r["high"]) for r in box["restrictions"]}
        (x0, x1), (y0, y1) = ((limits.get(k, (None, None))[0] or ranges[k][0],
                               limits.get(k, (None, None))[1] or ranges[k][1])
                              for k in (x_name, y_name))
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, lw=1.0, ls="--"))
    pad = {k: 0.03 * (ranges[k][1] - ranges[k][0]) for k in (x_name, y_name)}
    ax.set(xlim=(ranges[x_name][0] - pad[x_name], ranges[x_name][1] + pad[x_name]),
           ylim=(ranges[y_name][0] - pad[y_name], ranges[y_name][1] + pad[y_name]),
           xlabel=x_name, ylabel=y_name, title="Where the claim holds")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    caption = (box["sentence"] if box else "PRIM found no box: no world has the claim "
               "supported or not excluded, or every world has.") + (
        " Other restrictions of the box are not drawn." if len(restricted) > 2 else "")
    return fig, caption


FIGURES: dict[str, Callable[[dict[str, Any], pd.DataFrame], tuple[Figure, str]]] = {
    "worlds_distribution": distribution, "worlds_verdicts": verdicts,
    "worlds_sensitivity": sensitivity, "worlds_boxes": discovery}


def make_figures(folder: Path | str) -> dict[str, list[Path]]:
    """Draw every figure of the worlds result in ``folder`` into ``folder/figures``."""
    folder = Path(folder)
    result, table = load(folder)
    out = folder / "figures"
    out.mkdir(parents=True, exist_ok=True)
    made = {}
    for name, draw in FIGURES.items():
        with matplotlib.style.context(STYLE):
            fig, caption = draw(result, table)
            meta = {"pdf": {"Title": name, "Subject": caption},
                    "svg": {"Title": name, "Description": caption},
                    "png": {"Title": name, "Description": caption}}
            paths = []
            for fmt in FORMATS:
                path, tmp = out / f"{name}.{fmt}", out / f".{name}.{fmt}.{os.getpid()}.tmp"
                fig.savefig(tmp, format=fmt, metadata=meta[fmt])
                os.replace(tmp, path)
                paths.append(path)
            plt.close(fig)
        (out / f"{name}.txt").write_text(caption + "\n", encoding="utf-8")
        made[name] = paths + [out / f"{name}.txt"]
    return made
