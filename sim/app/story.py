"""The predictive reading of the shown run: when the platform first passed the essay's 20%
of the gross, and how many weeks later the incumbent fell."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.model.essay_claim import CLAIM_SHARE


def first_past(shares: Sequence[float], level: float = CLAIM_SHARE) -> int | None:
    """The first week (1, 2, ...) whose share is at least ``level``; None if none is."""
    above = np.flatnonzero(np.asarray(shares, dtype=float) >= level)
    return int(above[0]) + 1 if above.size else None


def claim_reading(shares: Sequence[float], fall: int | None, now: int) -> str:
    """One sentence: the week the platform first passed 20% of the gross and the weeks from
    there to the fall (or that it has not passed it, or that the incumbent still stands)."""
    past = first_past(shares)
    level = f"{CLAIM_SHARE:.0%}"
    if past is None:
        tail = (f" The incumbent fell in week {fall} all the same." if fall is not None
                else "")
        return f"The platform has not passed {level} of the gross.{tail}"
    head = f"The platform first passed {level} of the gross in week {past}"
    if fall is None:
        return f"{head}; the incumbent still stands, {now - past} weeks on."
    if fall < past:
        return f"{head}, after the incumbent fell (week {fall})."
    return f"{head}; the incumbent fell {fall - past} weeks later, in week {fall}."
