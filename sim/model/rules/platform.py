"""The platform's public record (M8): shown ratings in stars, and institutional trust.

Plain functions, no Mesa.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.model.rules.trust import beta_mean

MIN_RATED = 10  # rated sales before a vendor's rating counts (shown share, removal)
TOP_STARS = 4.5  # the Zervas, Proserpio & Byers (2021) anchor: share of listings at 4.5+


def shown_rating(successes: np.ndarray, failures: np.ndarray, inflation: float) -> np.ndarray:
    """Public rating in [0, 1]: the beta mean pushed towards 1 by rating inflation."""
    return 1.0 - (1.0 - beta_mean(successes, failures)) * (1.0 - inflation)


@njit(cache=True)
def shown_ratings(successes: np.ndarray, failures: np.ndarray, inflation: float
                  ) -> np.ndarray:
    """:func:`shown_rating` of every vendor, vendor by vendor, in the same operations."""
    shown = np.empty(successes.size)
    for i in range(successes.size):
        shown[i] = 1.0 - (1.0 - beta_mean(successes[i], failures[i])) * (1.0 - inflation)
    return shown


def stars(rating: np.ndarray | float) -> np.ndarray:
    """A rating in [0, 1] on the usual one-to-five-star scale."""
    return 1.0 + 4.0 * np.asarray(rating, float)


@njit(cache=True)
def share_at_top(successes: np.ndarray, failures: np.ndarray, inflation: float,
                 active: np.ndarray) -> float:
    """Share of active vendors with at least ``MIN_RATED`` rated sales that show 4.5 stars
    or more (NaN when no vendor is rated yet), vendor by vendor: the stars of
    :func:`stars` of :func:`shown_rating`, in the same operations."""
    rated, top = 0, 0
    for i in range(successes.size):
        if active[i] and successes[i] + failures[i] >= MIN_RATED:
            rated += 1
            rating = 1.0 - (1.0 - beta_mean(successes[i], failures[i])) * (1.0 - inflation)
            if 1.0 + 4.0 * rating >= TOP_STARS:
                top += 1
    return top / rated if rated else np.nan


def institutional_trust(good: float, bad: float, initial: float, strength: float = 1.0
                        ) -> float:
    """Institutional trust: the platform's recent record on a prior of ``initial``.

    ``good`` and ``bad`` are the network's outcomes per consumer, forgotten at a steady rate
    (:func:`remember`): the more of the market has had good outcomes lately, the closer
    trust moves to the platform's success rate; a run of bad outcomes, or a platform that
    stops trading, brings it back down.
    """
    return (strength * initial + good) / (strength + good + bad)


def remember(record: float, outcomes: float, memory: float) -> float:
    """The record after a week: a share ``memory`` forgotten, this week's outcomes added."""
    return record * (1.0 - memory) + outcomes
