"""The cascade study's answer, report and figure, drawn from its stored ``cascade.json``.

The figure: per spillover, the fork sector's tipping share of its gross with the other
incumbent standing and fallen (median over runs with the interval covering the censoring),
and the paired difference with its bootstrap interval.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.style
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from sim.outputs.figures import writer
from sim.outputs.palette import BLUE, STYLE, VERMILLION
from sim.outputs.words import percent

ARM_COLOURS = {"standing": BLUE, "fallen": VERMILLION}


def answer(result: dict[str, Any]) -> list[str]:
    """One line per spillover: both arms' tipping shares and their difference."""
    sector, other = result["fork_sector"], result["other"]
    lines = []
    for row in result["by_spillover"]:
        d, s, f = row["difference"], row["standing"], row["fallen"]
        lines.append(
            f"- spillover {row['spillover']:g}: {sector}'s tipping share {percent(f['estimate'])} "
            f"with {other}'s incumbent fallen ({f['other_fell']} of {f['runs']} runs, by week "
            f"{f['other_last_fall_week']}) against "
            f"{percent(s['estimate'])} with it standing ({s['other_fell']} fell): a difference of "
            f"{percent(d['estimate'], signed=True)} (95% interval "
            f"{percent(d['ci_low'], signed=True)} to {percent(d['ci_high'], signed=True)})."
            + _from_start(row, sector))
    return lines


def _from_start(row: dict[str, Any], sector: str) -> str:
    """What a spillover cannot test: where, in both arms, most runs had their first
    checkpoint already past, the fall was inevitable from the start and there is no
    threshold for the other fall to lower."""
    s, f = row["standing"], row["fallen"]
    if "past_at_first" not in s or 2 * min(s["past_at_first"], f["past_at_first"]) < min(
            s["runs"], f["runs"]):
        return ""
    return (f" In both arms the first checkpoint was already past ({s['past_at_first']} and "
            f"{f['past_at_first']} of {s['runs']} runs): {sector}'s fall was inevitable from "
            "the start, so there is no threshold here for the other fall to lower, and this "
            "spillover does not test the cascade.")


def figure(result: dict[str, Any]) -> Figure:
    """Both arms' tipping shares and their difference, against spillover."""
    rows = result["by_spillover"]
    x = np.arange(len(rows))
    with matplotlib.style.context(STYLE):
        fig = Figure(figsize=(7.2, 2.8), layout="constrained")
        left, right = fig.subplots(1, 2)
        for k, (arm, colour) in enumerate(ARM_COLOURS.items()):
            for i, row in enumerate(rows):
                e = row[arm]
                low = e["ci_low"] if e["ci_low"] is not None else 0.0
                high = e["ci_high"] if e["ci_high"] is not None else 1.0
                xi = i + (k - 0.5) * 0.15
                left.plot([xi, xi], [low, high], color=colour, lw=1.2)
                if e["estimate"] is not None:
                    left.plot(xi, e["estimate"], "o", color=colour,
                              label=f"{result['other']} {arm}" if i == 0 else None)
        left.set(ylim=(0, 1), ylabel=f"{result['fork_sector']}: tipping share of the gross")
        if left.get_legend_handles_labels()[0]:
            left.legend(loc="upper left")
        for i, row in enumerate(rows):
            d = row["difference"]
            if d["ci_low"] is not None and d["ci_high"] is not None:
                right.plot([i, i], [d["ci_low"], d["ci_high"]], color="black", lw=1.2)
            if d["estimate"] is not None:
                right.plot(i, d["estimate"], "o", color="black")
        right.axhline(0, color="grey", lw=0.8, ls="--")
        right.set(ylabel="fallen - standing")
        for ax in (left, right):
            ax.set_xticks(x, [f"{r['spillover']:g}" for r in rows])
            ax.set_xlabel("spillover")
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
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


def report(result: dict[str, Any], description: str = "") -> str:
    """The study's report.md."""
    f = result["forks"]
    lines = [f"# Cascade study: {result['scenario']}", "",
             *([description.strip(), ""] if description.strip() else []),
             f"The fork experiment (release) on {result['fork_sector']}, with "
             f"{result['other_push']:.0%} of {result['other']}'s buyers committed to the "
             f"platform in both arms and {result['other']}'s incumbent standing (a cash "
             "reserve it cannot exhaust within the horizon) or fallen (no reserve, fixed cost "
             "equal to its contribution: it falls in its first week); the same seeds, "
             "checkpoints and push in both arms: time is held fixed, only the other fall "
             "differs.", "",
             f"{result['n_runs']} fork runs of {result['steps']} weeks, "
             f"{result['n_consumers']} consumers; {f['runs']} runs per arm and spillover, "
             f"checkpoints every {f['every']} weeks, at most {f['copies']} copies each, push "
             f"from {f['committed_share'] or 0:.0%} gaining {f['ramp']:g} per checkpoint; "
             f"{result['seconds']:.0f} s.", "", "## Answer", "", *answer(result), "",
             "Tipping share: the median of the runs' censoring midpoints with the interval "
             "covering the censoring; difference: paired bootstrap of medians "
             f"({result['bootstrap']} resamples, 95% percentile interval).", "",
             "![cascade](figures/cascade.png)", ""]
    return "\n".join(lines)
