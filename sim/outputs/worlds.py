"""The worlds study in words: one paragraph (for ``make run`` and the command line) and
``report.md`` with every answer, read from a stored ``worlds.json`` alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiments import results
from sim.outputs.words import OPEN, percent

FIGURE_NAMES = ("worlds_tipping", "worlds_verdicts", "worlds_sensitivity", "worlds_boxes")


def _share(entry: dict[str, Any], level: float) -> str:
    noun = "world" if entry["worlds"] == 1 else "worlds"
    return (f"{percent(entry['share'], 0)} ({entry['worlds']} {noun}; {level:.0%} interval "
            f"{percent(entry['ci_low'], 0)}-{percent(entry['ci_high'], 0)})")


def paragraph(result: dict[str, Any]) -> str:
    """The study's answer in one paragraph."""
    budget = result["plan"]["budget"]
    claim, margin, level = budget["claim"], budget["margin"], budget["level"]
    v, d = result["verdicts"], result["tipping_share_gross"]
    n = result["worlds"]
    median = (f"its median across the {d['reached']} worlds that reached one is "
              f"{percent(d.get('q50'), 0)} (middle half {percent(d.get('q25'), 0)}-"
              f"{percent(d.get('q75'), 0)})"
              if d["reached"] else "no world reached one")
    lines = [f"Across {n} worlds drawn over the plausible ranges of "
             f"{len(result['plan']['ranges'])} parameters, the claim that the incumbent's fall "
             f"becomes inevitable at {claim:.0%} of the gross (within {margin * 100:.0f} points) "
             f"is supported in {_share(v['supported'], level)}, excluded in "
             f"{_share(v['excluded'], level)} and inconclusive in "
             f"{_share(v['inconclusive'], level)}.",
             f"The tipping share of the gross is at most {claim:.0%} in "
             f"{percent(d['at_most_claim'], 0)} of the worlds; {median}; in {d['open']} worlds "
             "at least half the runs met no point of no return within the horizon (open)."]
    fall = result["p_fall_at_claim"]
    if fall["mean"] is not None:
        lines.append(f"Once the platform holds {claim:.0%} of the gross and wins no one new, "
                     f"the incumbent still falls with a chance of {percent(fall['mean'], 0)} on "
                     f"average over {fall['worlds']} worlds.")
    s = result["sensitivity"]
    if s.get("ranking"):
        top = s["ranking"][:2]
        lines.append("The tipping share moves most with " + " and ".join(
            f"`{k}` (S1 {s['indices'][k]['S1']:.2f} ± {s['indices'][k]['S1_conf'] or 0:.2f})"
            for k in top) + f" ({s['estimator']}, on {s['worlds']} worlds).")
    boxes = result["boxes"]["supported"] or result["boxes"]["not_excluded"]
    lines.append(boxes[0]["sentence"] if boxes else
                 "PRIM found no box where the claim holds.")
    return " ".join(lines)


def paragraph_from(path: Path | str) -> str:
    """:func:`paragraph` of a stored ``worlds.json``."""
    return paragraph(json.loads(Path(path).read_text(encoding="utf-8")))


def _table(rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    return out + ["| " + " | ".join(r) + " |" for r in rows[1:]]


def _interval(low: Any, high: Any) -> str:
    return f"{percent(low, 0)}-{percent(high, 0)}"


def world_rows(table: pd.DataFrame) -> list[str]:
    """The per-world table: tipping share with interval, verdict, chance of a fall at the
    claim with interval, runs that reached a point of no return."""
    rows = [["world", "tipping share", "interval", "verdict", "P(fall) at the claim",
             "interval", "runs reached"]]
    for _, w in table.iterrows():
        known = pd.notna(w["p_fall_at_claim"])
        rows.append([str(w["world"]), percent(None if pd.isna(w["tipping_share_gross"])
                                           else w["tipping_share_gross"], 0),
                     _interval(None if pd.isna(w["ci_low"]) else w["ci_low"],
                               None if pd.isna(w["ci_high"]) else w["ci_high"]),
                     str(w["verdict"]), percent(w["p_fall_at_claim"], 0) if known else OPEN,
                     _interval(w["p_fall_ci_low"], w["p_fall_ci_high"]) if known else OPEN,
                     f"{w['runs_reached']} of {w['runs']}"])
    return _table(rows)


def report(result: dict[str, Any], description: str = "",
           table: pd.DataFrame | None = None) -> str:
    """``report.md``: the question, the answer, then each answer with its numbers (and the
    per-world ``table`` when given)."""
    plan, budget = result["plan"], result["plan"]["budget"]
    level = f"{budget['level']:.0%}"
    lines = [f"# Where does {budget['claim']:.0%} hold? {result['scenario']}", "",
             *([description.strip(), ""] if description.strip() else []),
             "## Answer", "", paragraph(result), "",
             "## Verdicts across worlds", "",
             *_table([["verdict", "worlds", "share", f"{level} Wilson interval"]] + [
                 [k, str(v["worlds"]), percent(v["share"], 0),
                  f"{percent(v['ci_low'], 0)}-{percent(v['ci_high'], 0)}"]
                 for k, v in result["verdicts"].items()]),
             "", "![verdicts](figures/worlds_verdicts.png)", "",
             "## The tipping share of the gross across worlds", ""]
    d = result["tipping_share_gross"]
    lines += _table([["worlds", "reached", "open", "at most the claim", "5%", "25%", "50%",
                      "75%", "95%"],
                     [str(d["worlds"]), str(d["reached"]), str(d["open"]),
                      percent(d["at_most_claim"], 0)] + [percent(d.get(q), 0) for q in
                                                  ("q05", "q25", "q50", "q75", "q95")]])
    lines += ["", "![distribution](figures/worlds_tipping.png)", "",
              "## Global sensitivity of the tipping share", ""]
    s = result["sensitivity"]
    if s["indices"]:
        lines += [f"Estimator: SALib `{s['estimator']}` on the {s['worlds']} worlds that "
                  "reached a tipping share (the worlds themselves are the sample).", ""]
        keys = list(next(iter(s["indices"].values())))
        lines += _table([["parameter", *keys]] + [
            [name, *((OPEN if s["indices"][name][k] is None else f"{s['indices'][name][k]:.3f}")
                     for k in keys)] for name in s["ranking"]])
        lines += ["", "![sensitivity](figures/worlds_sensitivity.png)"]
    else:
        lines.append(f"No indices: {s.get('note', '')}.")
    lines += ["", "## Where the claim holds (PRIM)", ""]
    for target, title in (("supported", "supported"), ("not_excluded", "not excluded")):
        boxes = result["boxes"][target]
        lines.append(f"Worlds where the claim is {title}:")
        lines.append("")
        lines += ([f"{i}. {b['sentence']} (coverage {b['coverage']:.2f}, density "
                   f"{b['density']:.2f}, mass {b['mass']:.2f})"
                   for i, b in enumerate(boxes, 1)] or ["- no box (no such world, or all)."])
        lines.append("")
    lines += (["![boxes](figures/worlds_boxes.png)", ""] if len(plan["ranges"]) >= 2 else
              ["(No figure: it needs two parameters drawn over ranges.)", ""])
    lines += ["## How it was measured", "",
              f"{result['worlds']} worlds ({plan['method']}), each {budget['runs']} probed runs "
              f"to {budget['horizon']} weeks, {budget['copies']} copies per checkpoint every "
              f"{budget['every']} weeks, committed share ramped by {budget['ramp']:g} per "
              f"checkpoint; margin {budget['margin']:g}, level {budget['level']:g}. "
              f"{result['n_runs']} runs ({result['n_failed']} failed"
              + (f"; {result['n_reused']} stored by an earlier invocation"
                 if result.get("n_reused") else "")
              + f") in {result['seconds']:.0f} s. Per-world table: `{result['table']}`.", "",
              "Plausible ranges (declared in `sim/model/parameters.py`):", ""]
    lines += [f"- `{k}`: {low:g} to {high:g}" for k, (low, high) in plan["ranges"].items()]
    if table is not None:
        lines += ["", "## Each world", "", *world_rows(table)]
    return "\n".join(lines) + "\n"


def write(out: Path | str, result: dict[str, Any], description: str = "") -> Path:
    """Draw the study's figures and write ``out/report.md``; return the report's path."""
    from sim.outputs.figures.save import make_figures

    out = Path(out)
    make_figures(out, names=list(FIGURE_NAMES))
    table = pd.read_parquet(out / result["table"])
    return results.write_report(out, report(result, description, table))
