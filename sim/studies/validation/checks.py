"""The validation checks: what each paper says, which scenarios measure it, how it is judged.

A :class:`Check` names scenario files under ``scenarios/validation/``, the overrides that
make them small enough for ``--quick``, and a judge that turns what they measured into
table rows (check, source, expected, measured, passed: True, False, or None for a row that
only informs) and the data of the check's figure (plain JSON, drawn by
:mod:`sim.outputs.figures.validation`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from sim.experiments import scenarios, storage
from sim.studies import trajectory

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios" / "validation"
Row = dict[str, Any]


@dataclass
class Measured:
    """What one scenario gave: a tipping study's result, or a batch's runs table."""

    scenario: scenarios.Scenario
    tipping: dict[str, Any] | None = None
    runs: pd.DataFrame | None = None
    forks: dict[str, Any] | None = None
    folder: Path | None = None

    @property
    def n_runs(self) -> int:
        if self.forks:
            return int(self.forks["interventions"]["release"]["summary"]["runs"])
        return int(self.tipping["n_runs"]) if self.tipping else len(self.runs)


@dataclass(frozen=True)
class Check:
    """One published result, the scenarios that measure it and how they are judged."""

    name: str
    title: str
    source: str
    scenarios: tuple[str, ...]
    judge: Callable[[dict[str, Measured]], tuple[list[Row], dict[str, Any]]]
    quick: dict[str, dict[str, Any]] = field(default_factory=dict)


def row(check: str, source: str, expected: str, measured: str, passed: bool | None) -> Row:
    return {"check": check, "source": source, "expected": expected, "measured": measured,
            "passed": passed}


def interval(estimate: dict[str, Any], digits: int = 3) -> str:
    """``estimate [low, high]``, an open side shown as ``...``."""
    if estimate.get("estimate") is None:
        return f"no transition in [{estimate['low']:g}, {estimate['high']:g}]"
    low, high = (f"{v:.{digits}f}" if v is not None else "..."
                 for v in (estimate["ci_low"], estimate["ci_high"]))
    return f"{estimate['estimate']:.{digits}f} [{low}, {high}]"


def within(estimate: dict[str, Any], low: float, high: float) -> bool:
    value = estimate.get("estimate")
    return value is not None and low <= value <= high


def fit_data(estimate: dict[str, Any]) -> dict[str, Any]:
    """What a figure needs of one tipping estimate."""
    keys = ("estimate", "ci_low", "ci_high", "intercept", "slope", "covariance", "level",
            "low", "high", "design", "target", "claim")
    return {k: estimate.get(k) for k in keys}


# ---------------------------------------------------------------- Centola et al. 2018
CENTOLA = "Centola et al. 2018, Science 360:1116"


def judge_centola(measured: dict[str, Measured]) -> tuple[list[Row], dict[str, Any]]:
    m = measured["centola2018"]
    est, p = m.tipping, m.scenario.resolved()
    setting = f"N = {p['n_agents']}, memory {p['memory']}, {m.scenario.steps} rounds"
    rows = [row(f"Naming game: critical committed share ({setting})", CENTOLA,
                "0.25 +- 0.03", interval(est), within(est, 0.22, 0.28))]
    return rows, {"kind": "tipping", "fits": [fit_data(est)], "labels": [setting],
                  "published": 0.25, "tolerance": 0.03, "x": "committed share",
                  "y": "P(adopted by > 90%)"}


# ---------------------------------------------------------------- Xie et al. 2011
XIE = "Xie et al. 2011, Phys. Rev. E 84:011130"
XIE_CRITICAL = 0.0979  # mean field, N -> infinity


def judge_xie(measured: dict[str, Measured]) -> tuple[list[Row], dict[str, Any]]:
    m = measured["xie2011"]
    estimates = sorted(m.tipping["estimates"], key=lambda e: e["params"]["n_agents"])
    rows = []
    for i, est in enumerate(estimates):
        n = est["params"]["n_agents"]
        largest = i == len(estimates) - 1
        rows.append(row(f"Binary agreement: critical committed share, N = {n:,}, "
                        f"{m.scenario.steps} rounds", XIE,
                        "0.098 +- 0.01" if largest else "tends to 0.098 as N grows",
                        interval(est),
                        within(est, XIE_CRITICAL - 0.01, XIE_CRITICAL + 0.01) if largest
                        else None))
    return rows, {"kind": "tipping", "fits": [fit_data(e) for e in estimates],
                  "labels": [f"N = {e['params']['n_agents']:,}" for e in estimates],
                  "published": XIE_CRITICAL, "tolerance": 0.01, "x": "committed share",
                  "y": "P(A adopted by > 90%)"}


# ---------------------------------------------------------------- Watts 2002
WATTS = "Watts 2002, PNAS 99:5766"


def watts_window(threshold: float) -> tuple[float, float]:
    """Mean degrees between which global cascades occur on an infinite Erdos-Renyi graph
    (Watts 2002, eq. 3): ``sum_k k (k-1) rho_k p_k = z`` with ``rho_k = 1`` for the
    vulnerable degrees ``k <= 1/threshold``, i.e. ``z P(Poisson(z) <= K - 2) = 1``."""
    k = math.floor(1 / threshold)

    def gap(z: float) -> float:
        return z * stats.poisson.cdf(k - 2, z) - 1

    top = optimize.minimize_scalar(lambda z: -gap(z), bounds=(1.0, 3.0 * k),
                                   method="bounded").x
    return (optimize.brentq(gap, 1.0, top), optimize.brentq(gap, top, 4.0 * k))


def judge_watts(measured: dict[str, Measured]) -> tuple[list[Row], dict[str, Any]]:
    window = measured["watts2002_window"]
    runs = window.runs[window.runs["status"] == "ok"]
    freq = runs.groupby("mean_degree")["cascade"].agg(["mean", "count"]).reset_index()
    z, f = freq["mean_degree"].to_numpy(), freq["mean"].to_numpy(float)
    threshold = window.scenario.resolved()["threshold"]
    theory = watts_window(threshold)
    outside = f[(z <= 1.0) | (z >= 6.5)]
    inside = f[(z >= 3.0) & (z <= 4.0)]
    n = window.scenario.resolved()["n_agents"]
    rising, falling = (measured[k].tipping for k in ("watts2002_rising", "watts2002_falling"))
    rows = [
        row(f"Threshold cascades ({threshold:g}, N = {n:,}): none for z <= 1 or z >= 6.5",
            WATTS, "frequency <= 0.02", f"at most {outside.max():.2f}",
            bool(outside.max() <= 0.02)),
        row("Threshold cascades: frequent for z in [3, 4]", WATTS, "frequency >= 0.5",
            f"{inside.min():.2f} to {inside.max():.2f}", bool(inside.min() >= 0.5)),
        row("Threshold cascades: rising edge, z where P(cascade) = 0.1", WATTS,
            f"theory {theory[0]:.2f} +- 0.15", interval(rising, 2),
            within(rising, theory[0] - 0.15, theory[0] + 0.15)),
        row("Threshold cascades: falling edge, z where P(cascade) = 0.1", WATTS,
            f"5 to 6.5 (theory {theory[1]:.2f})", interval(falling, 2),
            within(falling, 5.0, 6.5)),
    ]
    return rows, {"kind": "watts", "z": z.tolist(), "frequency": f.tolist(),
                  "runs": freq["count"].tolist(), "theory": list(theory),
                  "edges": [fit_data(rising), fit_data(falling)], "threshold": threshold}


# ---------------------------------------------------------------- Bass 1969
BASS = "Bass 1969, Management Science 15:215"


def judge_bass(measured: dict[str, Measured]) -> tuple[list[Row], dict[str, Any]]:
    from sim.model.reference.bass import closed_form

    m = measured["bass1969"]
    p = m.scenario.resolved()
    ok = m.runs[m.runs["status"] == "ok"]["run_id"]
    curve = trajectory.mean_curve(storage.load_series(m.folder, ok), "time", "adopted_share")
    gap = trajectory.compare(curve, lambda t: closed_form(t, p["p"], p["q"]))
    peak = trajectory.peak_time(curve["time"].to_numpy(), curve["mean"].to_numpy())
    published = math.log(p["q"] / p["p"]) / (p["p"] + p["q"])
    rows = [
        row(f"Bass curve (p = {p['p']:g}, q = {p['q']:g}, N = {p['n_agents']:,}, "
            f"{len(ok)} runs): replicate mean vs closed form", BASS, "max abs error <= 0.01",
            f"{gap['max_abs_error']:.4f} (at t = {gap['at_time']:.1f})",
            gap["max_abs_error"] <= 0.01),
        row("Bass curve: peak adoption time", BASS,
            f"ln(q/p)/(p+q) = {published:.2f} +- 0.15", f"{peak:.2f}",
            abs(peak - published) <= 0.15),
    ]
    return rows, {"kind": "bass", "time": curve["time"].tolist(),
                  "mean": curve["mean"].tolist(), "sem": curve["sem"].tolist(),
                  "closed_form": closed_form(curve["time"].to_numpy(), p["p"],
                                             p["q"]).tolist(),
                  "peak": peak, "published_peak": published}


# ---------------------------------------------------------------- Granovetter 1978
GRANOVETTER = "Granovetter 1978, Am. J. Sociol. 83:1420"


def mean_field_participation(mean: float, sd: float) -> float:
    """The lowest fixed point of ``r = Phi((r - mean) / sd)`` reached from r = 0 (an
    infinite population)."""
    r = 0.0
    for _ in range(100_000):
        after = float(stats.norm.cdf((r - mean) / sd))
        if abs(after - r) < 1e-12:
            break
        r = after
    return r


def critical_spread(mean: float) -> float:
    """The spread at which the mean-field participation jumps past one half."""
    return optimize.brentq(lambda sd: mean_field_participation(mean, sd) - 0.5, 0.01, 1.0,
                           xtol=1e-7)


def judge_granovetter(measured: dict[str, Measured]) -> tuple[list[Row], dict[str, Any]]:
    m = measured["granovetter1978"]
    runs = m.runs[m.runs["status"] == "ok"]
    p = m.scenario.resolved()
    low = runs[runs["threshold_sd"] <= 0.11 + 1e-9]["participation"]
    high = runs[runs["threshold_sd"] >= 0.14 - 1e-9]["participation"]
    critical = measured["granovetter1978_critical"].tipping
    mean_field = critical_spread(p["threshold_mean"])
    setting = f"mean {p['threshold_mean']:g}, N = {p['n_agents']:,}"
    rows = [
        row(f"Riot participation at spread <= 0.11 ({setting})", GRANOVETTER, "< 0.1",
            f"at most {low.max():.3f}", bool(low.max() < 0.1)),
        row("Riot participation at spread >= 0.14", GRANOVETTER, "> 0.95",
            f"at least {high.min():.3f}", bool(high.min() > 0.95)),
        row("Riot: spread where P(riot) = 1/2", GRANOVETTER,
            f"about 0.12 (mean field {mean_field:.4f}) +- 0.01", interval(critical, 4),
            within(critical, mean_field - 0.01, mean_field + 0.01)),
    ]
    grid = np.linspace(0.04, 0.26, 221)
    return rows, {"kind": "granovetter", "sd": runs["threshold_sd"].tolist(),
                  "participation": runs["participation"].tolist(),
                  "mean_field_sd": grid.tolist(),
                  "mean_field": [mean_field_participation(p["threshold_mean"], s)
                                 for s in grid],
                  "critical": fit_data(critical), "mean_field_critical": mean_field}


# ---------------------------------------------------------------- the trust market
ACCOUNTING = "the pure-accounting limit (docs/sources.md)"


def basin_boundary(mean: float, sd: float) -> float:
    """The middle fixed point of r = Phi((r - mean) / sd): the boundary between the basins."""
    return float(optimize.brentq(lambda r: stats.norm.cdf((r - mean) / sd) - r, mean - sd,
                                 mean))


def judge_reversible(measured: dict[str, Measured]) -> tuple[list[Row], dict[str, Any]]:
    """The fork experiment with release must find the basin boundary: an interval that
    holds it and a midpoint within 0.02 of it."""
    m = measured["granovetter_reversible"]
    p = m.scenario.params
    boundary = basin_boundary(p["threshold_mean"], p["threshold_sd"])
    tip = m.forks["tipping_share"]
    low, high = tip["ci_low"], tip["ci_high"]
    ok = low is not None and high is not None and low <= boundary <= high and abs(
        (low + high) / 2 - boundary) <= 0.02
    found = ("no point of no return in most runs" if tip["estimate"] is None else
             interval(tip))
    return [row("Reversible thresholds: the share from which participation goes to near "
                "all once the push is withdrawn (fork experiment, release)", GRANOVETTER,
                f"{boundary:.3f} inside the interval, midpoint within 0.02", found, ok)], {
        "kind": "reversible", "boundary": boundary, "mean": p["threshold_mean"],
        "sd": p["threshold_sd"], **tip}


def judge_accounting(measured: dict[str, Measured]) -> tuple[list[Row], dict[str, Any]]:
    m = measured["accounting_limit"]
    estimates = sorted(m.tipping["estimates"],
                       key=lambda e: e["params"]["factory_fixed_cost_share"])
    rows = []
    for est in estimates:
        share = est["params"]["factory_fixed_cost_share"]
        expected = 1 - share
        rows.append(row(f"Trust market, no switching, fixed price: s* at fixed cost share "
                        f"{share:g}", ACCOUNTING, f"1 - {share:g} = {expected:.2f} +- 0.02",
                        interval(est), within(est, expected - 0.02, expected + 0.02)))
    return rows, {"kind": "accounting",
                  "fixed_cost_share": [e["params"]["factory_fixed_cost_share"]
                                       for e in estimates],
                  "fits": [fit_data(e) for e in estimates]}


SEAMANS = "Seamans & Zhu 2014, Management Science 60:476"
# (measure, label, the published change, the expected sign); calibration points (docs/sources.md)
SEAMANS_EFFECTS = (("factory_price_contested", "contested price (classified rates)", -0.207, -1),
                   ("factory_price", "the other price (subscriptions)", 0.033, 1),
                   ("factory_volume", "volume (circulation)", -0.044, -1))


def judge_seamans_zhu(measured: dict[str, Measured]) -> tuple[list[Row], dict[str, Any]]:
    """Changes at the last week, platform against no platform, paired seed for seed."""
    weeks = {}
    for name in ("seamans_zhu2014_entry", "seamans_zhu2014_none"):
        m = measured[name]
        ok = m.runs[m.runs["status"] == "ok"][["run_id", "replicate"]]
        series = storage.load_series(m.folder, ok["run_id"])
        last = series[series["step"] == series["step"].max()].merge(ok, on="run_id")
        weeks[name] = last.set_index("replicate").sort_index()
    entry, none = weeks["seamans_zhu2014_entry"], weeks["seamans_zhu2014_none"]
    paired = entry.index.intersection(none.index)
    rows, data = [], {"kind": "seamans_zhu", "effects": []}
    week = int(entry["step"].max())
    for column, label, published, sign in SEAMANS_EFFECTS:
        change = (entry.loc[paired, column] / none.loc[paired, column] - 1).to_numpy(float)
        mean = float(change.mean())
        half = float(stats.t.ppf(0.975, change.size - 1) * change.std(ddof=1)
                     / math.sqrt(change.size)) if change.size > 1 else math.inf
        rows.append(row(f"Platform entry, week {week}: {label} ({change.size} paired runs)",
                        SEAMANS, f"sign {'+' if sign > 0 else '-'} (published {published:+.1%})",
                        f"{mean:+.1%} [{mean - half:+.1%}, {mean + half:+.1%}]",
                        bool(np.sign(mean - sign * half) == sign)))
        data["effects"].append({"label": label, "mean": mean, "low": mean - half,
                                "high": mean + half, "published": published})
    return rows, data


QUICK_TIPPING = {"grid": 6, "replicates": 4, "batch": 20}
CHECKS = (
    Check("centola2018", "Naming game with a committed minority", CENTOLA, ("centola2018",),
          judge_centola, {"centola2018": {"tipping": {**QUICK_TIPPING, "budget": 64}}}),
    Check("xie2011", "Binary agreement with committed agents", XIE, ("xie2011",), judge_xie,
          {"xie2011": {"sweep": {"n_agents": [100, 1000]},
                       "tipping": {"grid": 6, "replicates": 2, "batch": 10, "budget": 42}}}),
    Check("watts2002", "Threshold cascades on random graphs", WATTS,
          ("watts2002_window", "watts2002_rising", "watts2002_falling"), judge_watts,
          {"watts2002_window": {"replicates": 12, "sweep": {
              "mean_degree": [0.5, 1.0, 3.0, 3.5, 4.0, 6.5, 7.0, 8.0]}},
           "watts2002_rising": {"tipping": {**QUICK_TIPPING, "replicates": 6, "batch": 30,
                                            "budget": 120}},
           "watts2002_falling": {"tipping": {**QUICK_TIPPING, "budget": 64}}}),
    Check("bass1969", "Bass diffusion", BASS, ("bass1969",), judge_bass,
          {"bass1969": {"replicates": 4, "params": {"n_agents": 20_000}}}),
    Check("granovetter1978", "Threshold model of collective behaviour", GRANOVETTER,
          ("granovetter1978", "granovetter1978_critical"), judge_granovetter,
          {"granovetter1978": {"replicates": 4},
           "granovetter1978_critical": {"tipping": {**QUICK_TIPPING, "budget": 40}}}),
    Check("granovetter_reversible", "The fork experiment on a known basin boundary",
          GRANOVETTER, ("granovetter_reversible",), judge_reversible,
          {"granovetter_reversible": {"params": {"n_agents": 10_000}}}),
    Check("accounting_limit", "The trust market's pure-accounting limit", ACCOUNTING,
          ("accounting_limit",), judge_accounting,
          {"accounting_limit": {"params": {"n_consumers": 500}, "tipping": {
              "low": 0.05, "high": 0.55, "grid": 6, "batch": 6, "budget": 18}}}),
    Check("seamans_zhu2014", "An incumbent's price response to a platform's entry", SEAMANS,
          ("seamans_zhu2014_entry", "seamans_zhu2014_none"), judge_seamans_zhu,
          {"seamans_zhu2014_entry": {"replicates": 8, "params": {"n_consumers": 1000}},
           "seamans_zhu2014_none": {"replicates": 8, "params": {"n_consumers": 1000}}}),
)
