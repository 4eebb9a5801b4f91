"""What the natural course of the shown world does: a few quick runs without any push.

The shown world's parameters with ``committed_share = 0`` are run ``RUNS`` times to the
horizon, each run from its own seed spawned from the app's seed, and the incumbent's falls
are counted. At least half falling is the verdict's ``platform-dominant`` regime
(:mod:`sim.studies.verdict.regime`); fewer leaves ``threshold`` and ``incumbent-stable``,
which only runs under a push tell apart. Answers are kept per parameter set and seed, so
measuring the same world again costs nothing.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.scenarios import TOP_FIELDS
from sim.model.market import TrustMarket
from sim.studies.verdict.regime import WORDS, classify, counts

RUNS = 6  # quick runs of the natural course
HORIZON = TOP_FIELDS["steps"].default  # weeks, as the main study

_cache: dict[tuple, dict[str, Any]] = {}
_lock = threading.Lock()


def fall_week(params: dict[str, Any], seed: np.random.SeedSequence, horizon: int) -> int | None:
    """The week the incumbent falls in one run of ``params`` from ``seed`` (None: it
    stands at the horizon); the run stops at the fall."""
    model = TrustMarket(rng=np.random.default_rng(seed), **params)
    while model.factory.fall_step is None and model.time < horizon:
        model.step()
    return model.factory.fall_step


def natural_course(params: dict[str, Any], seed: int, runs: int = RUNS,
                   horizon: int = HORIZON) -> dict[str, Any]:
    """Falls of the incumbent in ``runs`` runs of ``params`` without push (committed share
    0), seeds spawned from ``seed``: the counts of :func:`sim.studies.verdict.regime.counts`,
    each run's fall week, and ``regime`` ("platform-dominant", or None when the natural
    course alone cannot name it)."""
    if (known := cached(params, seed, runs, horizon)) is not None:
        return known
    world = {**params, "committed_share": 0.0}
    key = (seed, runs, horizon, tuple(sorted(world.items())))
    weeks = [fall_week(world, child, horizon)
             for child in np.random.SeedSequence(seed).spawn(runs)]
    found = counts(pd.DataFrame({"incumbent_fell": [w is not None for w in weeks]}))
    regime = classify(found, {"falls": 0, "runs": 0})
    result = {**found, "fall_weeks": weeks, "horizon": horizon,
              "regime": regime if regime == "platform-dominant" else None}
    with _lock:
        _cache[key] = result
    return result


def sentence(result: dict[str, Any]) -> str:
    """The panel's sentence: falls out of runs and what that says of the regime."""
    head = (f"The incumbent falls on its own in {result['falls']} of {result['runs']} runs "
            f"of this world without push ({result['horizon']} weeks each).")
    if result["regime"] == "platform-dominant":
        return f"{head} Regime: platform-dominant ({WORDS['platform-dominant']})."
    return (f"{head} Regime: not platform-dominant (the incumbent survives the natural "
            "course): threshold or incumbent-stable, which only runs under a push tell apart.")


def cached(params: dict[str, Any], seed: int, runs: int = RUNS,
           horizon: int = HORIZON) -> dict[str, Any] | None:
    """The answer of :func:`natural_course` if this world has been measured, else None."""
    world = {**params, "committed_share": 0.0}
    with _lock:
        return _cache.get((seed, runs, horizon, tuple(sorted(world.items()))))
