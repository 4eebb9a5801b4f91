"""The verdict in plain words: what ``make run`` prints at its end and ``report.md`` holds,
written from a verdict study's ``tipping.json`` alone."""

from __future__ import annotations

from typing import Any

from sim.outputs.report import QUESTION
from sim.outputs.words import OPEN, percent

ARM_NAMES = {"no_switching": "no switching (only committed consumers use the platform)",
             "price_only": "price and quality alone, vendors' mean quality known (every "
                           "trust channel off)",
             "price_only_uninformed": "price and quality alone, nothing known of vendors "
                                      "(every trust channel off)",
             "full": "the full model (trust channels on)"}
VERDICT_WORDS = {"supported": "SUPPORTED", "excluded": "EXCLUDED",
                 "inconclusive": "INCONCLUSIVE", "no threshold": "NO THRESHOLD"}
INTERVENTION_WORDS = {
    "release": "the push withdrawn: committed consumers become ordinary, every mechanism "
               "runs as on the natural course",
    "hold": "the push frozen at its level",
    "stall": "the push frozen and the platform open to no newcomer",
    "none": "the control: the copies go on as the run does"}


def span(e: dict[str, Any] | None, key_low: str = "ci_low", key_high: str = "ci_high") -> str:
    """An interval in words; an open side reads as such."""
    if not e:
        return "no interval"
    low, high = e.get(key_low), e.get(key_high)
    if low is None and high is None:
        return "open on both sides"
    if low is None:
        return f"up to {percent(high)}, open below"
    if high is None:
        return f"from {percent(low)}, open above"
    return f"{percent(low)} to {percent(high)}"


S_STAR_NONE = {
    "below": "the fall within the horizon is more likely than not even at the lowest "
             "committed share, so s* lies below the range (the platform grows on its own)",
    "above": "the fall within the horizon is less likely than not even at the highest "
             "committed share, so s* lies above the range",
    "flat": "the chance of the fall shows no trend in the committed share",
}


def unreached(arms: dict[str, Any], d: dict[str, Any]) -> str:
    """Why a tipping-share difference cannot be measured: the arm that never got there."""
    for name in (d["minuend"], d["subtrahend"]):
        t = arms[name]["tipping_share_gross"]
        if t["estimate"] is None:
            seen = t.get("max_share_unreached")
            return (f"not measurable: in the {name.replace('_', '-')} arm most runs never "
                    "reached a point of no return" + (f" (its platform held up to {percent(seen)} "
                                                      "of the gross)" if seen else ""))
    return "not measurable"


def points(e: dict[str, Any] | None) -> str:
    """A difference in percentage points with its interval."""
    if not e or e.get("estimate") is None and e.get("ci_low") is None and e.get(
            "ci_high") is None:
        return "not measurable (no run reached the point in one of the arms)"

    def pp(v: float | None) -> str:
        return OPEN if v is None else f"{100 * v:+.1f}"

    est = OPEN if e.get("estimate") is None else f"{100 * e['estimate']:+.1f} points"
    return f"{est} (95% interval {pp(e.get('ci_low'))} to {pp(e.get('ci_high'))})"


def tipping_words(t: dict[str, Any]) -> str:
    """The tipping share of the gross over runs."""
    if t["estimate"] is None:
        seen = t.get("max_share_unreached")
        beyond = f" (the platform reached up to {percent(seen)} without it)" if seen else ""
        return (f"not reached in at least half of {t['runs']} runs within the horizon"
                f"{beyond}; interval {span(t)}")
    return (f"{percent(t['estimate'])} of the gross (95% interval {span(t)}, covering each "
            f"run's last checkpoint not past and first past; {t['reached']} of {t['runs']} "
            "runs reached it)")


def state_words(state: dict[str, Any] | None) -> str:
    """The median state at the point of no return."""
    if not state or not state.get("runs"):
        return "no run reached it"
    cash, reserve = state.get("factory_cash"), state.get("factory_reserve")
    money = (f"; the factory earned {state['factory_profit']:+.0f} a week with its cash at "
             f"{percent(cash / reserve, 0)} of its reserve" if cash is not None and reserve
             else "")
    return (f"{percent(state.get('ever_used'), 0)} of consumers had used the platform, "
            f"{percent(state.get('committed'), 0)} were committed{money}")


def regime_lines(result: dict[str, Any]) -> list[str]:
    """The world's regime: what the natural course and the largest push do."""
    r = result["regime"]
    nat, push, fall = r["natural"], r["pushed"], r["natural_fall"]
    when = ""
    if fall.get("median_fall_week") is not None:
        def week(key: str) -> str:
            return OPEN if fall.get(key) is None else f"{fall[key]:.0f}"

        when = (f"; half the natural runs have fallen by week {week('median_fall_week')} "
                f"(95% band weeks {week('ci_low')} to {week('ci_high')})")
    return [f"REGIME: {r['regime'].upper()}: {r['words']}. The incumbent fell in "
            f"{nat['falls']} of {nat['runs']} runs of the natural course (no push; "
            f"{span(nat)}){when}, and in {push['falls']} of {push['runs']} runs at "
            f"{percent(push['committed_share'], 0)} committed ({span(push)}), within "
            f"{r['horizon']} weeks."]


def predictive_lines(result: dict[str, Any]) -> list[str]:
    """The essay's predictive reading: P(fall within a window | first held x)."""
    p = result.get("predictive")
    if not p:
        return []
    parts = []
    for window, c in p["curves"].items():
        at = p["at_claim"].get(window) or {}
        chance = (f"{percent(at['p'], 0)} ({at['falls']} of {at['runs']} runs, {span(at)})"
                  if at.get("p") is not None else "not measured (no run held that share)")
        cross = c["crossing"]
        where = ("it is at least one half at every share studied: no threshold"
                 if c["high_at_every_share"] else
                 f"it first reaches one half at {percent(cross['estimate'], 0)} of the gross "
                 f"(interval {span(cross)})" if cross["estimate"] is not None else
                 "it never reaches one half")
        parts.append(f"within {int(window) // 52} years: {chance}; {where}")
    return [f"- The predictive reading (P(fall | the platform first held "
            f"{percent(result['claim'], 0)} of the gross), from natural and pushed runs): "
            + "; ".join(parts) + "."]


def _horizon_line(rows: list[dict[str, Any]]) -> str:
    parts = []
    for row in rows:
        years = row["horizon"] / 52
        when = f"{years:g} year{'s' if years != 1 else ''}"
        if row.get("estimate") is None:
            what = ("no run fell" if row["falls"] == 0 else "every run fell" if
                    row["falls"] == row["runs"] else "no trend")
            parts.append(f"{when}: {what}")
        else:
            gross = row.get("gross_start")
            parts.append(f"{when}: s* = {percent(row['estimate'])} committed"
                         + (f" ({percent(gross)} of the gross)" if gross is not None else ""))
    return "; ".join(parts)


def horizon_trend(rows: list[dict[str, Any]]) -> str:
    """How s* moves with the horizon, in one sentence."""
    known = [r for r in rows if r.get("estimate") is not None]
    if len(known) < 2:
        return "s* can be placed at fewer than two horizons, so its trend is unknown."
    first, last = known[0], known[-1]
    change = last["estimate"] - first["estimate"]
    return (f"From {first['horizon']} to {last['horizon']} weeks s* moves by "
            f"{100 * change:+.1f} points: the answer is a property of the horizon.")


def conditions(result: dict[str, Any]) -> str:
    """The regime the verdict assumes."""
    r = result["regime_params"]
    pricing = ("full-cost pricing repriced every "
               f"{r['factory_reprice_every']} weeks" if r["factory_pricing"] == "full_cost"
               else "a fixed price")
    return (f"{pricing}; a cash reserve of {r['factory_cash_reserve_weeks']:g} weeks of fixed "
            f"cost (profits beyond it paid out); fixed cost "
            f"{percent(r['factory_fixed_cost_share'], 0)} of the contribution at the start; "
            f"fixed costs cut by at most "
            f"{100 * r['factory_cost_cut_rate']:.1f}% a week; habit {r['habit']:g}; platform fee "
            f"{percent(r['platform_fee'], 0)}; {r['n_consumers']} consumers; a horizon of "
            f"{r['steps']} weeks; every other parameter at its default. The break-even share "
            f"1 - F/C0 = {percent(1 - r['factory_fixed_cost_share'], 0)} belongs to the "
            "fixed-price, "
            "no-reserve, no-switching regime only and is not this study's comparator.")


def verdict_lines(result: dict[str, Any]) -> list[str]:
    """The closing verdict, a few plain sentences in the essay's terms, regime first."""
    claim, margin = result["claim"], result["margin"]
    arms = result["arms"]
    head = arms[result["main_arm"]]
    tip = result["tipping_share_gross"]
    s = head["s_star"]
    g = result["gross"]["start"]
    lines = regime_lines(result)
    if result["verdict"] == "no threshold":
        lines.append(
            f"VERDICT on the claim that the incumbent falls once the platform holds "
            f"{percent(claim, 0)} of the gross: NO THRESHOLD: the fall is inevitable from the "
            "start in this world, so no share of the gross can be a threshold for it (had it "
            f"been a threshold world, the interval below would read "
            f"{result['verdict_if_threshold']} at +-{100 * margin:.0f} points).")
    else:
        lines.append(
            f"VERDICT on the claim that the incumbent falls once the platform holds "
            f"{percent(claim, 0)} of the gross (band {percent(claim - margin, 0)} to "
            f"{percent(claim + margin, 0)}): {VERDICT_WORDS[result['verdict']]}.")
    forks = result["forks"]
    lines.append(
        f"- The tipping share of the gross by release ({INTERVENTION_WORDS['release']}; "
        f"the market forked every {forks['every']} weeks, up to {forks['copies']} copies "
        f"each): {tipping_words(tip)}. At the point: "
        f"{state_words(result.get('state_at_point'))}.")
    for name, variant in result.get("variants", {}).items():
        lines.append(f"- By {name} ({INTERVENTION_WORDS[name]}): {tipping_words(variant)}.")
    lines += predictive_lines(result)
    if s.get("estimate") is None:
        lines.append(f"- The committed share s*: {S_STAR_NONE.get(s.get('transition'), 'none')} "
                     f"(interval {span(s)}).")
    else:
        lines.append(
            f"- The committed share at which the fall within {result['steps']} weeks has "
            f"probability one half: s* = {percent(s['estimate'])} of consumers (interval "
            f"{span({'ci_low': s['ci_used'][0], 'ci_high': s['ci_used'][1]})}), which is "
            f"{percent(g['estimate'])} of the gross at the start ({span(g)}): "
            f"{g['verdict']} on {percent(claim, 0)}.")
    shape = result["shape"]
    lines.append("- The logistic shape " + (
        "agrees with the isotonic (shape-free) estimate." if shape["agree"] else
        "DISAGREES with the isotonic (shape-free) estimate beyond both intervals; the wider "
        f"({shape['used']}) interval is used."))
    diffs = arms.get("differences", {})
    for key, words in (("trust", "What trust adds against switching on price and quality "
                                  "with the vendors' mean quality known (full - price only; "
                                  "tipping share with the ramp, s* without)"),
                       ("trust_uninformed", "What trust adds if consumers know nothing of "
                                            "vendors before their own evidence (full - "
                                            "price only, uninformed)"),
                       ("switching", "What switching on price and quality adds (price only "
                                     "- no switching)")):
        if key in diffs:
            d = diffs[key]
            tip_d = d.get("tipping_share_gross")
            tip_text = (points(tip_d) if tip_d and tip_d.get("estimate") is not None
                        else unreached(arms, d))
            s_d = d.get("s_star")
            s_text = (points(s_d) if s_d and s_d.get("estimate") is not None else
                      "not measurable (s* lies outside the range in one of the arms)")
            lines.append(f"- {words}: tipping share of the gross {tip_text}; s* {s_text}.")
    lines.append(f"- The horizon: {_horizon_line(result['horizons'])}. "
                 f"{horizon_trend(result['horizons'])}")
    lines.append(f"- Conditions: {conditions(result)}")
    return lines


def arms_table(result: dict[str, Any]) -> list[str]:
    """One row per arm: tipping share, s*, its gross share and the verdicts."""
    rows = ["| arm | tipping share of the gross | verdict | s* (committed) | s* as gross share "
            "at the start | verdict |", "|---|---|---|---|---|---|"]
    for name, arm in result["arms"].items():
        if name == "differences":
            continue
        t, s, g = arm["tipping_share_gross"], arm["s_star"], arm["gross_start"]
        rows.append(f"| {ARM_NAMES.get(name, name)} | {percent(t['estimate'])} ({span(t)}) | "
                    f"{t['verdict']} | {percent(s.get('estimate'))} | {percent(g.get('estimate'))} "
                    f"({span(g)}) | {g['verdict']} |")
    return rows


def interventions_table(result: dict[str, Any]) -> list[str]:
    """One row per intervention on the main arm's copies: the tipping share of the gross,
    its interval, the runs that reached it and the state at the point."""
    rows = ["| intervention | tipping share of the gross | 95% interval | runs reached | "
            "ever used the platform | committed | factory profit a week | cash / reserve |",
            "|---|---|---|---|---|---|---|---|"]
    found = {"release": result["tipping_share_gross"], **result.get("variants", {})}
    for name, tip in found.items():
        state = tip.get("state_at_point") or {}
        cash, reserve = state.get("factory_cash"), state.get("factory_reserve")
        profit = state.get("factory_profit")
        rows.append(f"| {name} ({INTERVENTION_WORDS[name]}) | {percent(tip['estimate'])} | "
                    f"{span(tip)} | {tip['reached']} of {tip['runs']} | "
                    f"{percent(state.get('ever_used'), 0)} | {percent(state.get('committed'), 0)}"
                    f" | {OPEN if profit is None else f'{profit:+.0f}'} | "
                    f"{percent(cash / reserve, 0) if cash is not None and reserve else OPEN} |")
    return rows


def verdict_report(result: dict[str, Any], description: str = "") -> str:
    """``report.md`` of a verdict study."""
    parts = [f"# {result['scenario']}: the verdict", "", description.strip(), "",
             "## The question", "", QUESTION, "", "## The verdict", "",
             *verdict_lines(result), "", "## The interventions", "",
             *interventions_table(result), "", "## The arms", "", *arms_table(result), "",
             "## What each number means", "",
             "- *Regime*: platform-dominant if the incumbent falls on the natural course (no "
             "push) in at least half of the runs; a threshold world if it survives that but "
             "falls under the largest push; incumbent-stable otherwise.",
             "- *Tipping share of the gross*: in each fork run, the platform's share of the "
             "sector's gross in the first checkpoint week from which at least half of the "
             "copies, with the push withdrawn (release), still see the incumbent fall within "
             "the horizon (basin stability, Menck et al. 2013); the median of the runs' "
             "censoring midpoints, with an order-statistic interval from the runs' last "
             "checkpoints not past to their first past. Runs that never got there count as "
             "above every value.",
             "- *s\\**: the committed share at which the fall within the horizon has "
             "probability one half (Firth-penalized logistic fit, profile interval), checked "
             "against an isotonic fit; translated into the gross share it produced over the "
             "first 13 weeks.",
             "- *Verdict* (threshold worlds only): supported only if the whole interval lies "
             "within the claim +- the margin; excluded only if it lies wholly outside; "
             "inconclusive otherwise (a flat fit, an open side, an interval across the "
             "band's edge). Elsewhere the verdict names the regime.",
             "", "See docs/verdict.md for the method."]
    return "\n".join(parts) + "\n"
