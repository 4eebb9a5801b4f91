"""The cascade study's report and figure, drawn from its stored tables (never re-run).

The figure: each sector's tipping share (the platform's share of its gross at its point of
no return) against the number of incumbents already fallen, one panel per spillover, one
colour per sector, points at the mean with 95% bootstrap intervals over runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.style
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from sim.outputs.figures import writer
from sim.outputs.palette import SECTOR_COLORS, STYLE
from sim.outputs.words import percent
from sim.studies.bootstrap import bootstrap_difference

COLOURS = SECTOR_COLORS


def figure(summary: pd.DataFrame, title: str) -> Figure:
    """Tipping share against incumbents already fallen, a panel per spillover."""
    spills = sorted(summary["spillover"].unique())
    sectors = list(dict.fromkeys(summary["sector"]))
    shown = summary[summary["fallen_before"] != "any"].dropna(subset=["tipping_share"])
    most = max([int(b) for b in shown["fallen_before"]] + [len(sectors) - 1])
    with matplotlib.style.context(STYLE):
        fig = Figure(figsize=(7.2, 2.8), layout="constrained")
        axes = fig.subplots(1, len(spills), sharey=True, squeeze=False)[0]
        for ax, spill in zip(axes, spills, strict=True):
            for k, sector in enumerate(sectors):
                rows = shown[(shown["spillover"] == spill) & (shown["sector"] == sector)]
                if rows.empty:
                    continue
                x = (rows["fallen_before"].astype(int).to_numpy()
                     + (k - (len(sectors) - 1) / 2) * 0.12)
                y = rows["tipping_share"].to_numpy()
                ax.errorbar(x, y, yerr=[y - rows["low"].to_numpy(),
                                        rows["high"].to_numpy() - y],
                            fmt="o", capsize=3, color=COLOURS.get(sector), label=sector)
                for xi, yi, n in zip(x, y, rows["runs"], strict=True):  # runs behind each
                    ax.annotate(f"{n}", (xi, yi), xytext=(4, -2), textcoords="offset points",
                                fontsize=6, color=COLOURS.get(sector))
            ax.set_title(f"spillover {spill:g}")
            ax.set_xticks(range(most + 1))
            ax.set_xlim(-0.5, most + 0.5)
            ax.set_xlabel("incumbents already fallen")
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        axes[0].set_ylabel("tipping share of the gross")
        axes[0].set_ylim(0, 1)
        handles = [matplotlib.lines.Line2D([], [], marker="o", ls="", color=COLOURS.get(s),
                                           label=s) for s in sectors]
        fig.legend(handles=handles, loc="outside lower center", ncols=len(sectors))
        fig.suptitle(title)
    return fig


def save_figure(fig: Figure, out: Path, caption: str) -> list[Path]:
    """Write the figure as out/cascade.{pdf,svg,png,txt} with the provenance of the stored
    tables in the folder above ``out``."""
    folder = Path(out).parent
    manifest = (json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
                if (folder / "manifest.json").is_file() else {})
    source = writer.provenance(manifest.get("scenario", {}).get("name") or folder.name, folder,
                               manifest.get("study", {}).get("n_runs"),
                               manifest.get("code_version", ""))
    return writer.write_figure(fig, out, "cascade", "The cascade across sectors", caption,
                               source)


def answer(runs: pd.DataFrame, seed: int, resamples: int) -> list[str]:
    """Per sector and spillover above 0: its tipping share against spillover 0."""
    rng = np.random.default_rng(seed)
    lines = []
    for spill, group in runs[runs["fell"]].groupby("spillover"):
        first = int((group["fallen_before"] == 0).sum())
        lines.append(f"- spillover {spill:g}: {first} of {len(group)} points of no return "
                     "came before any other incumbent had fallen.")
    for sector, group in runs.groupby("sector", sort=False):
        base = group[(group["spillover"] == 0) & group["fell"]]["tipping_share"].to_numpy()
        never = group[(group["spillover"] == 0)]
        for spill in sorted(s for s in group["spillover"].unique() if s > 0):
            now = group[(group["spillover"] == spill) & group["fell"]]["tipping_share"].to_numpy()
            if not now.size:
                lines.append(f"- {sector}, spillover {spill:g}: no fall within the horizon.")
            elif base.size:
                d, lo, hi = bootstrap_difference(now, base, rng, resamples)
                lines.append(f"- {sector}, spillover {spill:g}: tipping share "
                             f"{percent(now.mean())} against {percent(base.mean())} at "
                             "spillover 0: a change of "
                             f"{d:+.1%} (95% interval {lo:+.1%} to {hi:+.1%}).")
            else:
                lines.append(f"- {sector}, spillover {spill:g}: tipping share "
                             f"{percent(now.mean())} ({now.size} falls); at spillover 0 no "
                             f"fall in {len(never)} runs "
                             f"(its tipping share there lies above the largest platform share "
                             f"reached, {percent(never['share_max'].max())}).")
    return lines


def report(runs: pd.DataFrame, summary: pd.DataFrame, meta: dict[str, Any]) -> str:
    """The study's report.md."""
    lines = [f"# Cascade study: {meta['name']}", "", meta["description"], "",
             f"{meta['n_runs']} runs ({meta['replicates']} per spillover) of {meta['steps']} "
             f"weeks, {meta['n_consumers']} consumers, sectors {meta['sectors']}; checkpoints "
             f"every {meta['interval']} weeks, {meta['forks']} fork(s) per checkpoint; "
             f"{int(runs['forks_run'].sum())} forks; {meta['seconds']:.0f} s with "
             f"{meta['workers']} worker(s).", "",
             "**Tipping share**: the platform's share of the sector's gross at its point of no "
             "return (the earliest checkpoint from which the incumbent still falls with the "
             "sector closed to newcomers). **Already fallen**: other incumbents fallen by "
             "then. Intervals: 95% percentile bootstrap over runs.", "",
             "## Answer", "", *answer(runs, meta["seed"], meta["bootstrap"]), "",
             "## Table", "",
             "| spillover | sector | already fallen | runs | falls | tipping share "
             "| 95% interval |",
             "|---|---|---|---|---|---|---|"]
    for row in summary.itertuples():
        lines.append(f"| {row.spillover:g} | {row.sector} | {row.fallen_before} | {row.runs} | "
                     f"{row.falls} | {percent(row.tipping_share)} | {percent(row.low)} to "
                     f"{percent(row.high)} |")
    lines += ["", "Share at lasting loss (the week after the incumbent's last non-negative "
              "operating profit), for comparison: " + ", ".join(
                  f"{sector} at spillover {spill:g}: {percent(g['share_at_loss'].mean())}"
                  for (spill, sector), g in runs[runs["fell"]].groupby(
                      ["spillover", "sector"], sort=False)) + ".", ""]
    return "\n".join(lines)
