"""The point of no return of the run the app shows, measured on request.

The app's run is fixed by its seed and parameters, so a twin built from them follows it
week for week. The twin is run to the horizon and copied every ``EVERY`` weeks, as in the
verdict's fork experiment (:mod:`sim.experiments.forks`); in the copies the push is withdrawn
(``release``: committed consumers become ordinary ones), and the first checkpoint from which
at least half of them still see the incumbent fall is the point of no return. It takes a
few seconds at the app's 300 consumers.
"""

from __future__ import annotations

from typing import Any

from sim.experiments.forks import SETTINGS, point_of_no_return
from sim.experiments.scenarios import TOP_FIELDS
from sim.model.registry import build_market

HORIZON = TOP_FIELDS["steps"].default  # weeks, as the main study
# Weeks between checkpoints: a coarser grid than the fork experiment's default (4), so that
# the answer comes within seconds in the browser; the point found is the first checkpoint
# of this grid that is past, so it can lie up to 12 weeks later than the main study's.
EVERY = 13
COPIES = SETTINGS["fork_copies"].default  # copies per checkpoint, as the fork experiment


def measure(seed: int, params: dict[str, Any], horizon: int = HORIZON, every: int = EVERY,
            copies: int = COPIES, intervention: str = "release") -> dict[str, Any] | None:
    """Week and platform share of the gross at the point of no return of the run with this
    seed and these parameters (``by``: "forks", or "fall" when it fell before a checkpoint
    was past; ``share_before``: the share at the last checkpoint not past, None if the first
    was already past); None if there is none within ``horizon`` weeks."""
    found = point_of_no_return(build_market("trust_market", params, seed), horizon, seed, every,
                               copies, intervention=intervention)
    if not found["tipping_reached"]:
        return None
    return {"week": found["tipping_step"], "share": found["tipping_share_gross"],
            "by": found["tipping_by"], "share_before": found["share_before"],
            "intervention": intervention}
