"""The worlds study in words: one paragraph (for ``make run`` and the command line) and
``report.md`` with every answer, read from a stored ``worlds.json`` alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiments import results
from sim.outputs.words import percent

FIGURE_NAMES = ("worlds_regimes", "worlds_tipping", "worlds_verdicts", "worlds_sensitivity",
                "worlds_boxes")
REGIME_WORDS = {"platform-dominant": "the incumbent falls on the natural course, with no push "
                "(platform-dominant)",
                "threshold": "it survives the natural course but falls under the largest push "
                "(threshold world)",
                "incumbent-stable": "it survives even the largest push (incumbent-stable)"}



def _pct(value: float | None) -> str:
    """A share in whole percent (:func:`sim.outputs.words.percent`)."""
    return percent(value, 0)

def _share(entry: dict[str, Any], level: float, noun: str = "world") -> str:
    nouns = noun if entry["worlds"] == 1 else f"{noun}s"
    return (f"{_pct(entry['share'])} ({entry['worlds']} {nouns}; {level:.0%} interval "
            f"{_pct(entry['ci_low'])}-{_pct(entry['ci_high'])})")


def _years(weeks: int) -> str:
    return f"{weeks / 52:g} years" if weeks % 52 == 0 else f"{weeks} weeks"


def paragraph(result: dict[str, Any]) -> str:
    """The study's answer in one paragraph, starting with the regimes."""
    plan = result["plan"]
    claim, margin, level = plan["claim"], plan["margin"], plan["level"]
    r, n = result["regimes"], result["worlds"]
    lines = [f"Across {n} worlds drawn over the plausible ranges of {len(plan['ranges'])} "
             f"parameter{'s' * (len(plan['ranges']) != 1)}, "
             + "; ".join(f"{REGIME_WORDS[k]} in {_share(v, level)}" for k, v in r.items())
             + "."]
    threshold = r["threshold"]["worlds"]
    if threshold:
        d, v = result["tipping_share_gross"], result["verdicts"]
        median = (f"{_pct(d['q50'])} at the median of the {d['reached']} that reached one "
                  f"(middle half {_pct(d['q25'])}-{_pct(d['q75'])})" if d["reached"] else
                  "open: none reached one within the horizon")
        lines.append(f"In the {threshold} threshold world{'s' * (threshold != 1)}, the "
                     f"tipping share of the gross (release) is {median}; the claim of "
                     f"{claim:.0%} (within {margin * 100:.0f} points) is supported in "
                     f"{_share(v['supported'], level)}, excluded in "
                     f"{_share(v['excluded'], level)} and inconclusive in "
                     f"{_share(v['inconclusive'], level)}.")
    else:
        lines.append("No world is a threshold world, so no world gives the claim a verdict.")
    p = result["predictive"]
    if p["worlds"]:
        lines.append(f"Read predictively, the incumbent falls within {_years(p['window'])} "
                     f"of the platform first holding {claim:.0%} of the gross with a chance "
                     f"of at least one half in {_share(p | {'worlds': p['at_least_half']}, level)}"
                     f" of the {p['worlds']} worlds where it held that share.")
    s = result["sensitivity"]["tipping_share_gross"]
    if s.get("ranking"):
        lines.append(_moves(s, len(result["plan"]["ranges"])))
    lines += [_screened(result["screen"][k], what) for k, what in SCREENED.items()
              if result.get("screen", {}).get(k, {}).get("parameters")]
    boxes = result["boxes"]
    first = boxes["supported"]["boxes"] or boxes["threshold"]["boxes"]
    lines.append(first[0]["sentence"] if first else
                 f"PRIM found no box: {boxes['supported']['note']}.")
    return " ".join(lines)


SCREENED = {"platform_dominant": "whether a world is platform-dominant",
            "tipping_share_gross": "the tipping share in threshold worlds",
            "tipping_share_every_world": "the tipping share over every world (0 where the "
                                         "fall is inevitable from the start)"}


def _screened(screen: dict[str, Any], what: str) -> str:
    """The rank screen of one answer in a sentence: the parameters it clears, or none."""
    rows = {r["parameter"]: r for r in screen["parameters"]}
    tail = (f"(Spearman over {screen['worlds']} worlds, Benjamini-Hochberg q below "
            f"{screen['alpha']:g})")
    if not screen["clear"]:
        best = screen["parameters"][0]
        return (f"No parameter's rank correlation with {what} clears the false-discovery "
                f"bound {tail}; the strongest is `{best['parameter']}` (rho "
                f"{best['rho']:+.2f}, q {best['q']:.3g}).")
    named = screen["clear"][:3]
    return (f"Ranked against {what}, " + " and ".join(
        f"`{n}` (rho {rows[n]['rho']:+.2f}, q {rows[n]['q']:.1g})" for n in named)
        + f" stand{'s' * (len(named) == 1)} out {tail}.")


def _screen_table(result: dict[str, Any]) -> list[str]:
    lines = []
    for key, what in SCREENED.items():
        screen = result.get("screen", {}).get(key)
        if not screen:
            continue
        lines += [f"`{key}` ({what}), over {screen['worlds']} worlds:", ""]
        if not screen["parameters"]:
            lines += [f"No screen: {screen.get('note', '')}.", ""]
            continue
        lines += _table([["parameter", "Spearman rho", "p", "q (BH)"]] + [
            [r["parameter"], f"{r['rho']:+.2f}", f"{r['p']:.2g}", f"{r['q']:.2g}"]
            for r in screen["parameters"][:10]])
        lines.append("")
    return lines


def _moves(s: dict[str, Any], parameters: int) -> str:
    """What moves the tipping share, saying no more than the intervals show: the parameters
    whose first-order index is above zero with its whole interval, or that none is."""
    def index(k: str) -> str:
        return f"`{k}` (S1 {s['indices'][k]['S1']:.2f} ± {s['indices'][k]['S1_conf'] or 0:.2f})"

    clear = [k for k in s["ranking"]
             if s["indices"][k]["S1"] - (s["indices"][k]["S1_conf"] or 0) > 0]
    on = f"{s['estimator']}, on {s['worlds']} worlds over {parameters} parameters"
    if clear:
        return ("The tipping share moves most with " + " and ".join(map(index, clear[:3]))
                + f" ({on}).")
    return (f"No parameter's first-order index on the tipping share is separated from zero "
            f"({on}; the largest, {index(s['ranking'][0])}): these worlds are too few to say "
            "which parameters move it.")


def paragraph_from(path: Path | str) -> str:
    """:func:`paragraph` of a stored ``worlds.json``."""
    return paragraph(json.loads(Path(path).read_text(encoding="utf-8")))


def _table(rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    return out + ["| " + " | ".join(r) + " |" for r in rows[1:]]


def _value(v: Any) -> Any:
    return None if v is None or pd.isna(v) else v


def world_rows(table: pd.DataFrame) -> list[str]:
    """The per-world table: regime, tipping share with interval, verdict, the predictive
    chance, and the natural course's shares and fall week."""
    rows = [["world", "regime", "tipping share", "interval", "verdict", "P(fall) at the claim",
             "natural 2y", "natural 5y", "natural 10y", "natural fall week"]]
    for _, w in table.iterrows():
        fall = _value(w["natural_fall_week"])
        rows.append([str(w["world"]), w["regime"], _pct(_value(w["tipping_share_gross"])),
                     f"{_pct(_value(w['ci_low']))}-{_pct(_value(w['ci_high']))}",
                     str(w["verdict"]), _pct(_value(w["p_fall_at_claim"])),
                     *(_pct(_value(w[f"natural_share_{y}y"])) for y in (2, 5, 10)),
                     "-" if fall is None else f"{fall:.0f}"])
    return _table(rows)


def _figure(name: str, why: dict[str, str]) -> str:
    return (f"Figure `{name}` not drawn: {why[name]}." if name in why
            else f"![{name}](figures/{name}.png)")


def _sensitivity(result: dict[str, Any]) -> list[str]:
    lines = []
    for outcome, s in result["sensitivity"].items():
        lines += [f"`{outcome}`: ", ""]
        if not s["indices"]:
            lines += [f"No indices: {s.get('note', '')}.", ""]
            continue
        lines += [f"SALib `{s['estimator']}` on {s['worlds']} worlds (the worlds themselves are "
                  f"the sample); intervals are {result['plan']['level']:.0%} bootstrap "
                  "intervals.", ""]
        keys = list(next(iter(s["indices"].values())))
        lines += _table([["parameter", *keys]] + [
            [name, *(("-" if s["indices"][name][k] is None else f"{s['indices'][name][k]:.3f}")
                     for k in keys)] for name in s["ranking"]])
        lines.append("")
    return lines


def report(result: dict[str, Any], description: str = "",
           table: pd.DataFrame | None = None) -> str:
    """``report.md``: the question, the answer, then each answer with its numbers (and the
    per-world ``table`` when given)."""
    from sim.outputs.figures.worlds import not_drawn

    plan, why = result["plan"], not_drawn(result)
    level = f"{plan['level']:.0%}"

    def shares(title: str, entries: dict[str, Any]) -> list[str]:
        return _table([[title, "worlds", "share", f"{level} Wilson interval"]] + [
            [k, str(v["worlds"]), _pct(v["share"]), f"{_pct(v['ci_low'])}-{_pct(v['ci_high'])}"]
            for k, v in entries.items()])

    d, p = result["tipping_share_gross"], result["predictive"]
    lines = [f"# Where does {plan['claim']:.0%} hold? {result['scenario']}", "",
             *([description.strip(), ""] if description.strip() else []),
             "## Answer", "", paragraph(result), "", "## Regimes across worlds", "",
             *shares("regime", result["regimes"]), "", _figure("worlds_regimes", why), "",
             "## The tipping share of the gross in threshold worlds", "",
             *_table([["threshold worlds", "reached", "open", "at most the claim", "5%", "25%",
                       "50%", "75%", "95%"],
                      [str(d["worlds"]), str(d["reached"]), str(d["open"]),
                       _pct(d["at_most_claim"])] + [_pct(d.get(q)) for q in
                                                   ("q05", "q25", "q50", "q75", "q95")]]),
             "", _figure("worlds_tipping", why), "", "## Verdicts in threshold worlds", "",
             *shares("verdict", result["verdicts"]), "", _figure("worlds_verdicts", why), "",
             "## The predictive reading across worlds", "",
             f"P(fall within {_years(p['window'])} | the platform first held "
             f"{plan['claim']:.0%} of the gross) is at least one half in "
             f"{p['at_least_half']} of {p['worlds']} worlds ({_pct(p['share'])}, {level} "
             f"interval {_pct(p['ci_low'])}-{_pct(p['ci_high'])}; median chance "
             f"{_pct(p['median'])}); {p['no_value']} worlds never held that share with the "
             "window left to watch.", "",
             *_table([["regime", "worlds", "at least one half", "share", "interval"]] + [
                 [k, str(v["worlds"]), str(v["at_least_half"]), _pct(v["share"]),
                  f"{_pct(v['ci_low'])}-{_pct(v['ci_high'])}"]
                 for k, v in p["by_regime"].items()]),
             "", "## Global sensitivity", "", *_sensitivity(result),
             "Rank screen (the ten parameters with the smallest p; q: Benjamini-Hochberg over "
             "every parameter):", "", *_screen_table(result),
             _figure("worlds_sensitivity", why), "", "## Where it holds (PRIM)", ""]
    for target, title in (("threshold", "threshold worlds"), ("supported", "worlds where the "
                                                                           "claim is supported")):
        found = result["boxes"][target]
        lines += [f"Boxes for {title}:", ""]
        lines += ([f"{i}. {b['sentence']} (coverage {b['coverage']:.2f}, density "
                   f"{b['density']:.2f}, mass {b['mass']:.2f})"
                   for i, b in enumerate(found["boxes"], 1)]
                  or [f"- none: {found['note']}."])
        lines.append("")
    forks = plan["forks"]
    lines += [_figure("worlds_boxes", why), "", "## How it was measured", "",
              f"{result['worlds']} worlds ({plan['method']}), each placed in its regime by "
              f"{plan['regime_runs']} natural-course runs and {plan['regime_runs']} runs at "
              f"{plan['largest_push']:.0%} committed, to {result['horizon']} weeks; in each "
              f"threshold world {forks['runs']} fork runs (release) starting at "
              f"{forks['committed_share'] or 0:.0%} committed and gaining {forks['ramp']:g} "
              f"every {forks['every']} weeks, with at most {forks['copies']} copies per "
              f"checkpoint; margin {plan['margin']:g}, level {plan['level']:g}. "
              f"{result['n_runs']} runs in {result['seconds']:.0f} s. Per-world table: "
              f"`{result['table']}`.", "",
              "Plausible ranges (declared with their sources in `sim/model/parameters.py`):",
              ""]
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
