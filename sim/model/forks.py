"""A run with forks: when did the incumbent's fall become inevitable?

The essay's tipping share is a point of no return. It is measured by experiment, as basin
stability is (Menck et al. 2013): at checkpoints every ``fork_every`` weeks the running
market is copied ``fork_count`` times (:meth:`TrustMarket.fork`), each copy with its own
random streams, and in each copy the platform wins no one new (``platform_open_to_new``
off; the committed share stays as it is). Each copy runs to the horizon or to the fall.
The run is past the point of no return at the first checkpoint where at least half of the
copies still see the incumbent fall; its tipping share is the platform's share of the gross
in that week. If the incumbent falls before any checkpoint is past, the week of the fall
is that point (every copy made then would fall). Forking stops once the point is found.

``fork_ramp`` adds committed consumers to the original run (never to its copies) at each
checkpoint: a platform that keeps growing. With ``fork_every = 0`` the run has no forks and
only the covariates (the platform's share of the gross early on) are added to the outcomes.

Each copy's seed is ``SeedSequence(run_seed, spawn_key=(week, copy))``: it depends on the
run's seed, the checkpoint and the copy's number alone.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.model import parameters
from sim.model.parameters import Param, ParameterError

if TYPE_CHECKING:  # pandas and scipy load with the first run, not with the registry
    import pandas as pd

START_WEEKS = 13  # "at the start": the mean share of the gross over the first quarter
YEAR_WEEKS = 52

FORK_PARAMS = {p.name: p for p in (
    Param("fork_every", 0, 0, 520, unit="weeks", description="Weeks between checkpoints "
          "at which the run is forked (0: no forks)."),
    Param("fork_count", 8, 1, 1000, unit="copies", description="Copies made at each "
          "checkpoint, each with its own seed."),
    Param("fork_ramp", 0.0, 0, 1, unit="share", description="Committed share added to the "
          "original run (not its copies) at each checkpoint."),
)}

OUTCOME_TYPES = {
    "share_start": "float64",       # mean platform share of the gross, weeks 1-13 (to the fall)
    "share_year1": "float64",       # mean platform share of the gross, weeks 1-52 (to the fall)
    "tipping_reached": "bool",      # a point of no return was found before the horizon
    "tipping_by": "string",         # "forks", "fall" (fell before a checkpoint was past), "none"
    "tipping_step": "int64",        # its week
    "tipping_share_gross": "float64",  # the platform's share of the gross in that week
    "share_before": "float64",      # the share at the last checkpoint that was not past
    "fork_falls": "int64",          # copies that fell at the point of no return
    "fork_runs": "int64",           # copies made there
    "fork_ci_low": "float64",       # Wilson 95% interval of fork_falls / fork_runs
    "fork_ci_high": "float64",
    "checkpoints": "string",        # JSON [[week, share, falls, copies], ...]
}


def resolve_with(extra: dict[str, Param], overrides: dict[str, Any] | None = None
                 ) -> dict[str, Any]:
    """The model's parameters and the settings ``extra`` adds, each checked against its
    declaration (an unknown name gets a did-you-mean over both)."""
    overrides = dict(overrides or {})
    settings = {name: p.default for name, p in extra.items()}
    for name in list(overrides):
        if name in extra:
            settings[name] = extra[name].check(overrides.pop(name))
    try:
        return {**parameters.resolve(overrides), **settings}
    except ParameterError as error:
        if "unknown parameter" in str(error):
            name = str(error).split("'")[1]
            hint = parameters.suggest(name, [*parameters.PARAMETERS, *extra])
            raise ParameterError(f"unknown parameter '{name}'{hint}") from None
        raise


def resolve(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The model's parameters and the fork settings, each checked against its declaration."""
    return resolve_with(FORK_PARAMS, overrides)


def fork_seed(run_seed: int | np.random.SeedSequence, week: int, copy: int
              ) -> np.random.SeedSequence:
    """The seed of copy ``copy`` made at ``week``: a child of the run's seed."""
    entropy = run_seed.entropy if isinstance(run_seed, np.random.SeedSequence) else run_seed
    return np.random.SeedSequence(entropy, spawn_key=(week, copy))


def copy_falls(market: Any, horizon: int, seed: np.random.SeedSequence) -> bool:
    """Whether the incumbent falls by ``horizon`` in a copy of ``market`` closed to newcomers."""
    twin = market.fork(seed)
    twin.set_param("platform_open_to_new", False)
    while twin.steps < horizon and twin.factory.alive:
        twin.step()
    return not twin.factory.alive


def wilson(falls: int, runs: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of ``falls`` out of ``runs``."""
    from scipy import stats

    ci = stats.binomtest(falls, runs).proportion_ci(level, method="wilson")
    return float(ci.low), float(ci.high)


def checkpoint(market: Any, horizon: int, run_seed: int, copies: int) -> tuple[int, int, bool]:
    """Fork ``market`` and count the copies that fall: (falls, copies made, past).

    Copies are made one at a time and the count stops once the answer cannot change
    (fewer than half can still fall); when at least half fall, all ``copies`` are made so
    that the proportion stored there uses them all.
    """
    need = math.ceil(copies / 2)
    falls = made = 0
    for j in range(copies):
        falls += copy_falls(market, horizon, fork_seed(run_seed, market.steps, j))
        made = j + 1
        if made - falls > copies - need:
            return falls, made, False
    return falls, made, falls >= need


def first_past(snapshots: list[Any], fell: bool, horizon: int, run_seed: int, copies: int
               ) -> tuple[int | None, dict[int, tuple[int, int]]]:
    """Index of the first checkpoint past the point of no return, by bisection.

    Assumes that once a checkpoint is past, later ones are too (the fall of the original
    run counts as past). Returns the index (``len(snapshots)`` for the fall itself, ``None``
    if no checkpoint is past and the run did not fall) and, per probed checkpoint, the
    copies that fell and the copies made.
    """
    probed: dict[int, tuple[int, int]] = {}

    def past(i: int) -> bool:
        falls, made, answer = checkpoint(snapshots[i], horizon, run_seed, copies)
        probed[i] = (falls, made)
        return answer

    low, high = -1, len(snapshots)
    if not fell:
        if not snapshots or not past(len(snapshots) - 1):
            return None, probed
        high = len(snapshots) - 1
    while high - low > 1:
        middle = (low + high) // 2
        if past(middle):
            high = middle
        else:
            low = middle
    return high, probed


def run_to_horizon(market: Any, steps: int, gap: int, ramp: float = 0.0
                   ) -> tuple[list[float], list[Any]]:
    """Run ``market`` to week ``steps``, keeping a copy of it every ``gap`` weeks while the
    incumbent stands (and adding ``ramp`` to its committed share there); returns the weekly
    platform shares of the gross and the copies, ready for :func:`first_past`."""
    shares: list[float] = []
    snapshots: list[Any] = []
    while market.steps < steps:
        market.step()
        shares.append(float(market.week["platform_share"]))
        if gap and market.factory.alive and market.steps % gap == 0 and market.steps < steps:
            snapshots.append(market.fork(0))
            if ramp:
                market.set_param("committed_share",
                                 min(1.0, market.p["committed_share"] + ramp))
    return shares, snapshots


def point_of_no_return(market: Any, steps: int, seed: int, gap: int, copies: int
                       ) -> dict[str, Any] | None:
    """Run ``market`` (at week 0) to ``steps`` with the fork experiment: the week and the
    platform's share of the gross at its point of no return (``by``: "forks", or "fall" when
    it fell before a checkpoint was past), or None if there is none."""
    shares, snapshots = run_to_horizon(market, steps, gap)
    fall = market.factory.fall_step
    index, _ = first_past(snapshots, fall is not None, steps, seed, copies)
    if index is None:
        return None
    week = snapshots[index].steps if index < len(snapshots) else fall
    return {"week": int(week), "share": shares[week - 1],
            "by": "forks" if index < len(snapshots) else "fall"}


def simulate_with_forks(params: dict[str, Any], steps: int, seed: int, every: int = 1
                        ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One run of ``TrustMarket`` with the fork experiment; (series, outcomes) as
    :func:`sim.model.simulate.simulate`, the outcomes with :data:`OUTCOME_TYPES` added."""
    from sim.model.market import TrustMarket

    model_params = {k: v for k, v in params.items() if k not in FORK_PARAMS}
    gap, copies, ramp = params["fork_every"], params["fork_count"], params["fork_ramp"]
    market = TrustMarket(rng=np.random.default_rng(seed), **model_params)
    shares, snapshots = run_to_horizon(market, steps, gap, ramp)
    series = market.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    series.insert(0, "step", np.arange(1, len(series) + 1))
    if every > 1:
        keep = (series["step"] % every == 0) | (series["step"] == steps)
        series = series[keep].reset_index(drop=True)
    alive = market.factory.fall_step or steps  # shares after the fall say nothing of the market
    outcomes = {**market.outcomes(), **dict.fromkeys(OUTCOME_TYPES),
                "share_start": float(np.mean(shares[:min(START_WEEKS, alive)])),
                "share_year1": float(np.mean(shares[:min(YEAR_WEEKS, alive)])),
                "tipping_reached": False, "tipping_by": "none"}
    if not gap:
        return series, outcomes
    fall = market.factory.fall_step
    index, probed = first_past(snapshots, fall is not None, steps, seed, copies)
    weeks = [s.steps for s in snapshots]
    outcomes["checkpoints"] = json.dumps(
        [[w, shares[w - 1], *probed.get(i, (None, None))] for i, w in enumerate(weeks)])
    if index is None:
        return series, outcomes
    week = weeks[index] if index < len(weeks) else fall
    falls, made = probed.get(index, (copies, copies))
    outcomes |= {"tipping_reached": True, "tipping_by": "forks" if index < len(weeks) else "fall",
                 "tipping_step": week, "tipping_share_gross": shares[week - 1],
                 "share_before": shares[weeks[index - 1] - 1] if index > 0 else None,
                 "fork_falls": falls, "fork_runs": made}
    outcomes["fork_ci_low"], outcomes["fork_ci_high"] = wilson(falls, made)
    return series, outcomes
