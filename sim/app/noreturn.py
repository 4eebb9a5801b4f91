"""The point of no return of the run the app shows, measured on request.

The app's run is fixed by its seed and parameters, so a twin built from them follows it
week for week. The twin is run to the horizon and forked every ``EVERY`` weeks, as in the
verdict's fork experiment (:mod:`sim.model.forks`): the copies win no one new, and the first
checkpoint from which at least half of them still see the incumbent fall is the point of no
return. It takes a few seconds at the app's 300 consumers.
"""

from __future__ import annotations

from typing import Any

from sim.model.forks import first_past
from sim.model.market import TrustMarket

HORIZON = 520  # weeks, as the main study
EVERY = 13  # weeks between checkpoints
COPIES = 8  # copies per checkpoint


def measure(seed: int, params: dict[str, Any], horizon: int = HORIZON, every: int = EVERY,
            copies: int = COPIES) -> dict[str, Any] | None:
    """Week and platform share of the gross at the point of no return of the run with this
    seed and these parameters (``by``: "forks", or "fall" when it fell before a checkpoint
    was past); None if there is none within ``horizon`` weeks."""
    twin = TrustMarket(rng=seed, **params)
    shares, snapshots = [], []
    while twin.steps < horizon and twin.factory.alive:
        twin.step()
        shares.append(float(twin.week["platform_share"]))
        if twin.factory.alive and twin.steps % every == 0 and twin.steps < horizon:
            snapshots.append(twin.fork(0))
    fall = twin.factory.fall_step
    index, _ = first_past(snapshots, fall is not None, horizon, seed, copies)
    if index is None:
        return None
    week = snapshots[index].steps if index < len(snapshots) else fall
    return {"week": int(week), "share": shares[week - 1],
            "by": "forks" if index < len(snapshots) else "fall"}
