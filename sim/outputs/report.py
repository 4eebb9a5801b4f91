"""``DIR/report.md``: the question, the method, the numbers and the verdict, written by code
from a study's stored results (``tipping.json``, ``analysis.json``, ``sensitivity.json``,
``forks.json``)."""

from __future__ import annotations

import math
from typing import Any

from sim.model.essay_claim import CLAIM_SHARE
from sim.outputs.words import percent

QUESTION = (
    f"Essay 004 claims that an incumbent mass producer falls once a trust platform takes "
    f"{CLAIM_SHARE:.0%} of its sector's gross, because its fixed costs trap it and because "
    "people act only on strong ties. In the pure-accounting limit (fixed price, no "
    "switching) the factory loses money once it has lost the break-even share 1 - F/C0 of "
    f"its volume, which is {CLAIM_SHARE:.0%} only when fixed costs are {1 - CLAIM_SHARE:.0%} "
    "of contribution. With trust dynamics, where does it tip?")


def interval(e: dict[str, Any]) -> str:
    """The confidence interval of an estimate in words."""
    return f"{percent(e['ci_low'])} to {percent(e['ci_high'])}"


def verdict(e: dict[str, Any], steps: int) -> str:
    """The plain-language verdict on one tipping estimate."""
    level = f"{100 * e['level']:.0f}%"
    claim = percent(e["claim"], 0)
    event = ("the incumbent falls" if e["outcome"] == "incumbent_fell"
             else f"`{e['outcome']}` is true")
    variable = ("a committed share (of consumers buying only on the platform)"
                if e["variable"] == "committed_share" else f"`{e['variable']}`")
    if e["transition"] == "flat":
        text = (f"The chance that {event} within {steps} weeks shows no trend between "
                f"{percent(e['low'])} and {percent(e['high'])} ({e['n_runs']} runs): no critical "
                "value can be placed. ")
    elif e["estimate"] is None:
        never = e["transition"] == "above"
        events = sum(d["events"] for d in e.get("design", []))
        seen = ("none of them" if never else "all of them") if events in (0, e["n_runs"]) else (
            f"{events}, and the fitted chance stays {'below' if never else 'above'} one half "
            "throughout")
        text = (f"In {e['n_runs']} runs from {percent(e['low'])} to {percent(e['high'])}, {event} "
                f"within {steps} weeks in {seen}: s* is "
                f"{'above' if never else 'below'} the range studied. ")
    else:
        text = (f"Within {steps} weeks {event} with probability one half at {variable} of "
                f"s* = {percent(e['estimate'])} ({level} interval {interval(e)}, {e['n_runs']} "
                f"runs); the chance rises from 10% to 90% over {100 * e['width']:.1f} points. ")
    text += (f"Verdict on the claimed {claim} (margin +-{100 * e.get('margin', 0.05):.0f} "
             f"points): {e.get('verdict', 'inconclusive')}. ")
    be = e.get("break_even_share")
    if be is not None:
        text += f"The break-even share for the same cost structure is {percent(be)}"
        if e["estimate"] is not None:
            gap = e["estimate"] - be
            text += (f"; s* is {abs(100 * gap):.1f} points "
                     f"{'below' if gap < 0 else 'above'} it")
        text += "."
    return text


def _design_table(e: dict[str, Any]) -> list[str]:
    rows = ["| value | runs | falls | share fallen |", "|---:|---:|---:|---:|"]
    rows += [f"| {percent(d['x'], 2)} | {d['runs']} | {d['events']} | "
             f"{d['events'] / d['runs']:.2f} |" for d in e["design"]]
    return rows


def _points_table(result: dict[str, Any]) -> list[str]:
    names = result["varied"]
    head = [*names, "s*", "interval", "width", "break-even", "s* - break-even",
            f"verdict on {percent(result['claim'], 0)}", "runs"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    for e in result["estimates"]:
        be, est = e.get("break_even_share"), e["estimate"]
        gap = "" if be is None or est is None else f"{round(100 * (est - be), 1) + 0:+.1f} pts"
        cells = [f"{e['params'][n]:g}" for n in names] + [
            percent(est), interval(e), percent(e["width"]), percent(be), gap,
            e.get("verdict", "inconclusive"), str(e["n_runs"])]
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def phase_answer(result: dict[str, Any]) -> list[str]:
    """Where the claim holds, and the gap between s* and the break-even share by the other
    varied parameters."""
    estimates = result["estimates"]
    holds = [e["params"] for e in estimates if e.get("verdict") == "supported"]
    claim = percent(result["claim"], 0)
    lines = [f"{claim} is supported at {len(holds)} of {len(estimates)} points"
             + (": " + "; ".join(", ".join(f"{k} = {v:g}" for k, v in p.items())
                                 for p in holds) if holds else "") + "."]
    gaps = [(e["params"], e["estimate"] - e["break_even_share"]) for e in estimates
            if e["estimate"] is not None and e.get("break_even_share") is not None]
    others = [n for n in result["varied"] if n != "factory_fixed_cost_share"]
    if gaps and others:
        for name in others:
            for value in sorted({p[name] for p, _ in gaps}):
                g = [gap for p, gap in gaps if p[name] == value]
                lines.append(f"At {name} = {value:g}, s* lies {100 * sum(g) / len(g):+.1f} "
                             f"points from the break-even share on average (from "
                             f"{100 * min(g):+.1f} to {100 * max(g):+.1f}, {len(g)} points).")
    elif gaps:
        mean = sum(g for _, g in gaps) / len(gaps)
        lines.append(f"On average s* lies {100 * mean:+.1f} points from the break-even share.")
    return lines


def tipping_report(result: dict[str, Any], description: str = "") -> str:
    """The report of a tipping study (one estimate, or one per point of a sweep)."""
    level = f"{100 * result['level']:.0f}%"
    lines = [f"# Tipping study: {result['scenario']}", "", "## Question", "", QUESTION]
    if description:
        lines += ["", f"This study: {description.strip()}"]
    lines += ["", "## Method", "",
              f"Each run simulates {result['steps']} weeks; the outcome is "
              f"`{result['outcome']}`, the variable `{result['variable']}`. An adaptive "
              "design runs a coarse grid with a few replicates, then spends the rest of the "
              "budget where the observed chance of the outcome is neither near 0 nor near 1. "
              "A logistic dose-response curve is fitted by maximum likelihood with Firth's "
              "penalty (finite under complete separation); s* is where it crosses one half, "
              f"its {level} interval comes from the profile penalized likelihood, and the "
              "width is the distance from probability 0.1 to 0.9. Seeds derive from the "
              "scenario's root seed, so the study is reproducible and resumable.",
              "", "## Numbers", ""]
    if result["varied"]:
        lines += _points_table(result)
        lines += ["", "## Verdict", "", *phase_answer(result)]
    else:
        lines += _design_table(result)
        lines += ["", "## Verdict", "", verdict(result, result["steps"])]
    lines += ["", f"{result['n_runs']} runs in {result['seconds']:.0f} s. Numbers in "
              "`tipping.json`, runs in `runs/` and `series/` "
              "(`sim.experiments.storage.load_runs`).", ""]
    return "\n".join(lines)


def sensitivity_report(result: dict[str, Any], description: str = "") -> str:
    """The report of a global sensitivity study (Morris screening, Sobol indices)."""
    output = result["output"]
    what = ("the fall probability (share of runs in which the incumbent fell)"
            if output == "incumbent_fell" else f"`{output}`")
    lines = [f"# Global sensitivity: {result['scenario']}", "", "## Question", "",
             f"Which parameters move {what} within {result['steps']} weeks, alone and "
             "through interactions?"]
    if description:
        lines += ["", f"This study: {description.strip()}"]
    ranges = ", ".join(f"`{k}` in [{lo:g}, {hi:g}]" for k, (lo, hi) in result["ranges"].items())
    lines += ["", "## Method", "",
              f"Parameters varied: {ranges}. Each sample point is run {result['replicates']} "
              "times and the outcome averaged. Morris screening (SALib): mu* is the mean "
              "absolute elementary effect per unit of the parameter's range, sigma its spread "
              "(non-linearity and interactions). Sobol indices (Saltelli sampling): S1 the "
              "share of the output's variance due to the parameter alone, ST including all "
              "its interactions. Intervals are 95% bootstrap intervals.", "", "## Numbers", ""]
    if "morris" in result:
        rows = sorted(result["morris"]["indices"].items(), key=lambda kv: -kv[1]["mu_star"])
        lines += [f"Morris ({result['morris']['n_points']} points):", "",
                  "| parameter | mu* | 95% | sigma |", "|---|---:|---:|---:|"]
        lines += [f"| {k} | {v['mu_star']:.3f} | ±{v['mu_star_conf']:.3f} | {v['sigma']:.3f} |"
                  for k, v in rows]
        lines.append("")
    if "sobol" in result:
        rows = sorted(result["sobol"]["indices"].items(), key=lambda kv: -kv[1]["ST"])
        lines += [f"Sobol ({result['sobol']['n_points']} points):", "",
                  "| parameter | S1 | 95% | ST | 95% |", "|---|---:|---:|---:|---:|"]
        lines += [f"| {k} | {v['S1']:.3f} | ±{v['S1_conf']:.3f} | {v['ST']:.3f} | "
                  f"±{v['ST_conf']:.3f} |" for k, v in rows]
        lines.append("")
    lines += ["## Verdict", "", *sensitivity_verdict(result), "",
              f"{result['n_runs']} runs ({result['n_failed']} failed) in "
              f"{result['seconds']:.0f} s. Numbers in `sensitivity.json`.", ""]
    return "\n".join(lines)


def sensitivity_verdict(result: dict[str, Any]) -> list[str]:
    """The most influential parameters by each method, in words."""
    lines = []
    if "morris" in result:
        ranked = sorted(result["morris"]["indices"].items(), key=lambda kv: -kv[1]["mu_star"])
        top = [k for k, v in ranked if v["mu_star"] - v["mu_star_conf"] > 0]
        clear = (f"{', '.join(top)} {'has an effect' if len(top) == 1 else 'have effects'} "
                 "clearly above zero (mu* minus its 95% half-width)" if top
                 else "no effect is clearly above zero at this sample size")
        lines.append(f"Morris: {clear}; the largest mu* is {ranked[0][0]}'s.")
    if "sobol" in result:
        ranked = sorted(result["sobol"]["indices"].items(), key=lambda kv: -kv[1]["ST"])
        name, v = ranked[0]
        lines.append(f"Sobol: {name} accounts for {percent(v['S1'], 0)} of the variance alone "
                     f"(±{percent(v['S1_conf'], 0)}) and {percent(v['ST'], 0)} with its "
                     "interactions "
                     f"(±{percent(v['ST_conf'], 0)}).")
    return lines


def analysis_verdict(result: dict[str, Any]) -> str:
    """Point of no return, early warnings and hysteresis in a few sentences."""
    pnr, ews, hy = result["point_of_no_return"], result["early_warning"], result["hysteresis"]
    text = f"The incumbent fell in {result['n_fell']} of {result['n_runs']} free runs. "
    if pnr["n"]:
        text += (f"Point of no return (platform share when the factory last made no loss): "
                 f"median {percent(pnr['median'])}, 80% of runs between {percent(pnr['q10'])} and "
                 f"{percent(pnr['q90'])}. ")
    aucs = {k: v["auc"] for k, v in ews.get("indicators", {}).items()
            if not math.isnan(v["auc"])}
    if aucs:
        best = max(aucs, key=aucs.__getitem__)
        text += (f"Best early warning: the Kendall trend of {best.replace('_', ' ')} "
                 f"(ROC AUC {aucs[best]:.2f}; 0.5 is chance). ")
    lost, fell = hy["market_lost_at"], hy["factory_fell_at"]
    text += (f"Hysteresis ({hy['control']} up to {max(hy['levels']):g} and back): "
             + (f"the factory lost its market on the way {lost['leg']} at {lost['level']:g}; "
                if lost else "")
             + (f"it fell on the way {fell['leg']} at {fell['level']:g}; "
                if fell else "the factory survived the ramp; ")
             + ("the market returned." if hy["returned"] else
                f"the market did not return (platform share {percent(hy['share_up_at_bottom'])} "
                f"before the ramp, {percent(hy['share_down_at_bottom'])} after)."))
    return text


def analysis_report(result: dict[str, Any], description: str = "") -> str:
    """The report of free runs: point of no return, early warnings, hysteresis."""
    pnr, ews, hy = result["point_of_no_return"], result["early_warning"], result["hysteresis"]
    lines = [f"# Beyond one number: {result['scenario']}", "", "## Question", "",
             "Without a committed share, when the incumbent falls, is there a platform share "
             "after which it never again makes an operating profit (a point of no return)? "
             "Do its volume and profit warn of the fall (rising variance and "
             "autocorrelation, 'critical slowing down')? And once tipped, does the market "
             "come back when the push is withdrawn (hysteresis)?"]
    if description:
        lines += ["", f"This study: {description.strip()}"]
    lines += ["", "## Method", "",
              f"{result['n_runs']} free runs of {result['steps']} weeks"
              + (f", varying {', '.join(result['varied'])}" if result["varied"] else "")
              + ". Point of no return: the platform share in the last week, up to the fall, "
              "in which the factory's operating profit was non-negative. Early warnings "
              "(ewstools): Gaussian detrending (bandwidth 0.2), rolling variance and lag-1 "
              "autocorrelation over half the stretch, their Kendall tau trend, from week "
              f"{ews.get('burn_in', 0) + 1} (after a burn-in) up to the week before the fall; "
              "runs that did not fall are read up to week "
              f"{ews.get('end_step_survivors', '-')} (the median fall week). ROC AUC: how well "
              "each tau separates runs that fell from runs that did not. Hysteresis: one run "
              f"with {hy['control']} raised in {len(hy['levels'])} steps to "
              f"{max(hy['levels']):g} and lowered again, {hy['hold']} weeks at each level.",
              "", "## Numbers", ""]
    if pnr["n"]:
        lines += ["Point of no return (platform share of the gross):", "",
                  "| runs | mean | 10% | 25% | median | 75% | 90% |",
                  "|---:|---:|---:|---:|---:|---:|---:|",
                  f"| {pnr['n']} | " + " | ".join(percent(pnr[k]) for k in (
                      "mean", "q10", "q25", "median", "q75", "q90")) + " |", ""]
    if ews.get("indicators"):
        lines += [f"Early warnings ({ews['n_fell']} runs that fell, {ews['n_survived']} that "
                  "did not):", "", "| indicator | mean tau, fell | mean tau, survived | AUC |",
                  "|---|---:|---:|---:|"]
        lines += [f"| {k.replace('_', ' ')} | {v['tau_fell']:+.2f} | {v['tau_survived']:+.2f} "
                  f"| {v['auc']:.2f} |" for k, v in ews["indicators"].items()]
        lines.append("")
    lines += [f"Hysteresis: largest gap in platform share between the way up and the way "
              f"down at the same level: {percent(hy['max_gap'])}"
              + (f" (at {hy['level_at_max_gap']:g})" if hy["level_at_max_gap"] is not None
                 else "") + ". Table in `hysteresis.parquet`.", "",
              "## Verdict", "", analysis_verdict(result), ""]
    return "\n".join(lines)


def forks_report(result: dict[str, Any], description: str = "") -> str:
    """The report of the fork experiment alone (``forks.json``): the tipping share under
    each intervention, with its interval over runs."""
    forks = result["forks"]
    lines = [f"# Fork experiment: {result['scenario']}", ""]
    if description:
        lines += [f"This study: {description.strip()}", ""]
    lines += ["## Method", "",
              f"{forks['runs']} runs of `{result['model']}`; every {forks['every']} weeks, "
              f"while the incumbent stands, up to {forks['copies']} copies of the running "
              "market are made and the intervention applied to them. The point of no return "
              "is the first checkpoint from which at least half of the copies still fall; "
              f"the tipping share is {result['share']} there, the median over runs with an "
              "order-statistic interval.", "", "## Numbers", "",
              "| intervention | tipping share | 95% interval |", "|---|---|---|"]
    for name, found in result["interventions"].items():
        tip = found["tipping_share"]
        lines.append(f"| {name} | {percent(tip['estimate'])} | {interval(tip)} |")
    lines += ["", f"{result['seconds']:.0f} s. Numbers in `forks.json`, runs in "
              "`runs/INTERVENTION/` (`sim.experiments.storage.load_runs`).", ""]
    return "\n".join(lines)
