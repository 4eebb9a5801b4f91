"""Beyond one number: the point of no return, early-warning signals and hysteresis.

All functions read stored runs and series (``sim.experiments.storage``) or drive one model directly
(:func:`hysteresis`); none writes files.

- Point of no return: in a run in which the factory fell, the platform share in the last
  week its operating profit was non-negative.
- Early-warning signals (ewstools): rolling variance and lag-1 autocorrelation of the
  factory's volume and profit after Gaussian detrending, from the end of a burn-in (the
  first weeks' transient as habits form would otherwise dominate the trends) up to the week
  before the fall (or, for runs that did not fall, up to the median fall week of those that
  did), their Kendall tau trends, and the ROC AUC of each tau as a predictor of the fall.
- Hysteresis: one run in which a control is ramped up and back down in steps.
"""

from __future__ import annotations

from typing import Any

import ewstools
import numpy as np
import pandas as pd
from scipy import stats

from sim.model.market import TrustMarket

EWS_COLUMNS = ("factory_volume", "factory_profit")
INDICATORS = ("variance", "ac1")


def point_of_no_return(series: pd.DataFrame, fall_step: int) -> float:
    """Platform share in the last week up to ``fall_step`` with non-negative factory profit
    (NaN if the factory lost money from the first week)."""
    before = series[series["step"] <= fall_step]
    profitable = before[before["factory_profit"] >= 0]
    return float(profitable["platform_share"].iloc[-1]) if len(profitable) else float("nan")


def points_of_no_return(runs: pd.DataFrame, series: pd.DataFrame) -> pd.Series:
    """The point of no return of every run that fell, indexed by run_id."""
    fell = runs[runs["incumbent_fell"].fillna(False).astype(bool)]
    grouped = dict(tuple(series.groupby("run_id")))
    return pd.Series({r.run_id: point_of_no_return(grouped[r.run_id], int(r.fall_step))
                      for r in fell.itertuples() if r.run_id in grouped}, dtype=float)


def distribution(values: pd.Series | np.ndarray) -> dict[str, float | int]:
    """Count, mean and quantiles of ``values`` (NaNs left out)."""
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return {"n": 0}
    q = np.quantile(v, [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0])
    return {"n": int(v.size), "mean": float(v.mean()),
            **dict(zip(("min", "q10", "q25", "median", "q75", "q90", "max"), map(float, q),
                       strict=True))}


def ews_trends(series: pd.DataFrame, end_step: int, column: str, window: float = 0.5,
               bandwidth: float = 0.2) -> dict[str, float]:
    """Kendall tau of the rolling variance and lag-1 autocorrelation of ``column`` over
    ``step <= end_step`` (Gaussian detrending; ``window`` and ``bandwidth`` as shares of
    that stretch)."""
    data = series.set_index("step")[column].astype(float)
    ts = ewstools.TimeSeries(data=data[data.index <= end_step])
    ts.detrend(method="Gaussian", bandwidth=bandwidth)
    ts.compute_var(rolling_window=window)
    ts.compute_auto(rolling_window=window, lag=1)
    ts.compute_ktau()
    return {name: float(ts.ktau.get(name, np.nan)) for name in INDICATORS}


def roc_auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve of ``scores`` predicting ``labels`` (Mann-Whitney U)."""
    scores, labels = np.asarray(scores, float), np.asarray(labels, bool)
    ok = np.isfinite(scores)
    positive, negative = scores[ok & labels], scores[ok & ~labels]
    if positive.size == 0 or negative.size == 0:
        return float("nan")
    u = stats.mannwhitneyu(positive, negative).statistic
    return float(u / (positive.size * negative.size))


def early_warning(runs: pd.DataFrame, series: pd.DataFrame, burn_in: int,
                  min_steps: int = 40, window: float = 0.5
                  ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """EWS trends of every run with ``min_steps`` weeks between the burn-in and its end,
    and their ROC AUCs.

    Runs that fell are read from week ``burn_in + 1`` up to the week before the fall; runs
    that did not, up to the median fall week of the runs that fell, so both stretches have
    comparable length.
    Returns one row per run (run_id, fell, end_step, and ``COLUMN_INDICATOR`` taus) and a
    summary: per indicator, the mean tau of each group and the AUC.
    """
    ok = runs[runs["status"] == "ok"]
    fell = ok["incumbent_fell"].fillna(False).astype(bool)
    if not fell.any():
        return pd.DataFrame(), {"n_fell": 0, "n_survived": int((~fell).sum())}
    horizon = int(np.median(ok.loc[fell, "fall_step"].astype(float))) - 1
    grouped = dict(tuple(series[series["step"] > burn_in].groupby("run_id")))
    rows = []
    for run, did_fall in zip(ok.itertuples(), fell, strict=True):
        end = int(run.fall_step) - 1 if did_fall else horizon
        if end - burn_in < min_steps or run.run_id not in grouped:
            continue
        row = {"run_id": run.run_id, "fell": bool(did_fall), "end_step": end}
        for column in EWS_COLUMNS:
            taus = ews_trends(grouped[run.run_id], end, column, window)
            row |= {f"{column}_{name}": tau for name, tau in taus.items()}
        rows.append(row)
    table = pd.DataFrame(rows)
    summary: dict[str, Any] = {"n_fell": int(table["fell"].sum()) if rows else 0,
                               "n_survived": int((~table["fell"]).sum()) if rows else 0,
                               "burn_in": burn_in, "end_step_survivors": horizon,
                               "indicators": {}}
    for column in EWS_COLUMNS:
        for name in INDICATORS:
            key = f"{column}_{name}"
            if not rows:
                continue
            summary["indicators"][key] = {
                "tau_fell": float(table.loc[table["fell"], key].mean()),
                "tau_survived": float(table.loc[~table["fell"], key].mean()),
                "auc": roc_auc(table[key].to_numpy(), table["fell"].to_numpy())}
    return table, summary


def hysteresis(params: dict[str, Any], control: str, levels: list[float], hold: int,
               seed: int) -> pd.DataFrame:
    """Ramp ``control`` up through ``levels`` and back down within one run.

    Each level is held for ``hold`` weeks (the first from week 0). One row per level and
    leg ("up", then "down" from the second-highest level), with the platform share and the
    factory's volume averaged over the last half of the hold, and whether the factory is
    still alive.
    """
    model = TrustMarket(rng=np.random.default_rng(seed), **{**params, control: levels[0]})
    rows = []
    path = [("up", v) for v in levels] + [("down", v) for v in levels[-2::-1]]
    for leg, level in path:
        model.set_param(control, level)
        model.run_for(hold)
        recent = model.datacollector.get_model_vars_dataframe().iloc[-max(1, hold // 2):]
        rows.append({"leg": leg, "level": float(level), "week": model.steps,
                     "platform_share": float(recent["platform_share"].mean()),
                     "factory_volume": float(recent["factory_volume"].mean()),
                     "factory_price": float(recent["factory_price"].iloc[-1]),
                     "factory_alive": bool(model.factory.alive)})
    return pd.DataFrame(rows)


def hysteresis_summary(ramp: pd.DataFrame, tolerance: float = 0.05) -> dict[str, Any]:
    """Largest gap in platform share between the legs at the same level; where the factory
    lost its market (volume below a tenth of the first level's) and where it fell, if it
    did; and whether the market returned: at the lowest level, the share on the way down
    within ``tolerance`` of the share on the way up, with the factory alive."""
    up = ramp[ramp["leg"] == "up"].set_index("level")["platform_share"]
    down = ramp[ramp["leg"] == "down"].set_index("level")["platform_share"]
    gap = (down - up.reindex(down.index)).abs()
    def first(rows: pd.DataFrame) -> dict[str, Any] | None:
        if rows.empty:
            return None
        return {"leg": rows.iloc[0]["leg"], "level": float(rows.iloc[0]["level"])}

    collapsed = ramp[ramp["factory_volume"] < 0.1 * ramp["factory_volume"].iloc[0]]
    bottom = float(ramp["level"].min())
    last = ramp.iloc[-1]
    returned = bool(last["factory_alive"] and abs(down.get(bottom, np.nan) - up[bottom])
                    <= tolerance)
    return {"max_gap": float(gap.max()) if len(gap) else float("nan"),
            "level_at_max_gap": float(gap.idxmax()) if len(gap) else None,
            "market_lost_at": first(collapsed),
            "factory_fell_at": first(ramp[~ramp["factory_alive"]]),
            "returned": returned, "share_up_at_bottom": float(up[bottom]),
            "share_down_at_bottom": float(down.get(bottom, np.nan))}
