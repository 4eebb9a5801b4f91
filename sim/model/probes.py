"""A run probed by forks: its tipping share of the gross, and the chance of a fall at a share.

The essay's tipping share is a point of no return, measured by experiment as basin stability
is (Menck et al. 2013): at checkpoints every ``probe_every`` weeks the running market is
copied (:meth:`TrustMarket.fork`) and in each copy the platform wins no one new
(``platform_open_to_new`` off). The run is past the point of no return at the first
checkpoint from which at least half of ``probe_copies`` copies still see the incumbent fall
by the horizon; its tipping share is the platform's share of the gross that week. If the
incumbent falls before any checkpoint is past, the week of the fall is that point. The
checkpoints are searched by bisection (once past, later checkpoints are taken to be past).

``probe_ramp`` adds committed consumers to the original run (never to its copies) at each
checkpoint, so that the platform keeps growing and every run reaches its point of no return
or the horizon. ``probe_share`` (the essay's 20%) adds one more fork: in the first week the
platform holds that share of the gross, ``probe_copies`` copies closed to newcomers are run
to the horizon and the falls counted; an incumbent that fell before the platform reached
that share counts as ``probe_copies`` falls out of ``probe_copies``.

The copies, their seeds (``SeedSequence(run_seed, spawn_key=(week, copy))``) and the
bisection are the verdict's fork experiment (:mod:`sim.model.forks`); this module adds the
ramp's stopping at the fall and the probe at the claim's share, whose copies use
``spawn_key=(week, copy, 1)``. Nothing depends on anything but the run's seed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.model.forks import copy_falls, first_past, resolve_with
from sim.model.parameters import Param

if TYPE_CHECKING:  # the command line imports the registry, and so this module, without pandas
    import pandas as pd

PROBE_PARAMS = {p.name: p for p in (
    Param("probe_every", 13, 1, 520, unit="weeks", description="Weeks between checkpoints."),
    Param("probe_copies", 6, 1, 1000, unit="copies",
          description="Copies made at each checkpoint, each with its own seed."),
    Param("probe_ramp", 0.0, 0, 1, unit="share",
          description="Committed share added to the original run at each checkpoint."),
    Param("probe_share", 0.2, 0.0, 1.0, unit="share of the gross",
          description="Share of the gross at which the chance of a fall is measured."),
)}

OUTCOME_TYPES = {
    "tipping_reached": "bool",         # a point of no return was found before the horizon
    "tipping_by": "string",            # "forks", "fall" (fell before a checkpoint was past), "none"
    "tipping_step": "int64",
    "tipping_share_gross": "float64",  # the platform's share of the gross in that week
    "probe_step": "int64",             # first week the platform held probe_share of the gross
    "probe_share_seen": "float64",     # its share that week
    "probe_falls": "int64",            # copies made that week that fell by the horizon
    "probe_copies_made": "int64",
}


def resolve(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The model's parameters and the probe settings, each checked against its declaration."""
    return resolve_with(PROBE_PARAMS, overrides)


def probe_seed(run_seed: int, week: int, copy: int) -> np.random.SeedSequence:
    """The seed of the claim probe's copy ``copy`` made at ``week`` (apart from the
    checkpoints' copies, :func:`sim.model.forks.fork_seed`, by a third spawn key)."""
    return np.random.SeedSequence(run_seed, spawn_key=(week, copy, 1))


def simulate_probed(params: dict[str, Any], steps: int, seed: int, every: int = 1
                    ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One probed run of ``TrustMarket`` to ``steps`` weeks; (series, outcomes) as
    :func:`sim.model.simulate.simulate`, the outcomes with :data:`OUTCOME_TYPES` added."""
    from sim.model.market import TrustMarket

    model_params = {k: v for k, v in params.items() if k not in PROBE_PARAMS}
    gap, copies = params["probe_every"], params["probe_copies"]
    ramp, level = params["probe_ramp"], params["probe_share"]
    market = TrustMarket(rng=np.random.default_rng(seed), **model_params)
    shares: list[float] = []
    snapshots: list[Any] = []
    probe: Any = None
    while market.steps < steps and market.factory.alive:
        market.step()
        shares.append(float(market.week["platform_share"]))
        if not market.factory.alive:
            break
        if probe is None and shares[-1] >= level:
            probe = market.fork(0)
        if market.steps % gap == 0 and market.steps < steps:
            snapshots.append(market.fork(0))
            if ramp:
                market.set_param("committed_share",
                                 min(1.0, market.p["committed_share"] + ramp))
    series = market.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    series.insert(0, "step", np.arange(1, len(series) + 1))
    if every > 1:
        keep = (series["step"] % every == 0) | (series["step"] == series["step"].iloc[-1])
        series = series[keep].reset_index(drop=True)
    fall = market.factory.fall_step
    outcomes = {**market.outcomes(), **dict.fromkeys(OUTCOME_TYPES),
                "tipping_reached": False, "tipping_by": "none"}
    index, _ = first_past(snapshots, fall is not None, steps, seed, copies)
    if index is not None:
        week = snapshots[index].steps if index < len(snapshots) else fall
        outcomes |= {"tipping_reached": True,
                     "tipping_by": "forks" if index < len(snapshots) else "fall",
                     "tipping_step": week, "tipping_share_gross": shares[week - 1]}
    if probe is not None:
        falls = sum(copy_falls(probe, steps, probe_seed(seed, probe.steps, j))
                    for j in range(copies))
        outcomes |= {"probe_step": probe.steps, "probe_share_seen": shares[probe.steps - 1],
                     "probe_falls": falls, "probe_copies_made": copies}
    elif fall is not None:  # fell before the platform held that share: the fall was certain
        outcomes |= {"probe_step": fall, "probe_share_seen": shares[fall - 1],
                     "probe_falls": copies, "probe_copies_made": copies}
    return series, outcomes

