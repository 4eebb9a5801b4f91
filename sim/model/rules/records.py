"""The named records the weekly rules take (numba compiles named tuples of arrays and scalars).

Each compiled rule takes a few of these instead of a long list of positional arrays, so a
swapped argument is a wrong field name, not a silent mix-up. Arrays are shared with the
model's state, never copied: a rule that writes a field writes the model's array.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class ConsumerArrays(NamedTuple):
    """Per-consumer state, one row per consumer."""

    committed: np.ndarray
    ever_used: np.ndarray
    platform_good: np.ndarray  # own evidence about the platform (decays, M5)
    platform_bad: np.ndarray
    fav: np.ndarray  # favourite vendor, -1 none
    fav_good: np.ndarray  # direct evidence about the favourite vendor
    fav_bad: np.ndarray
    tied: np.ndarray  # mediated trust became a direct tie (M4)
    helped: np.ndarray  # referrals it acted on that went well (decaying, M12)
    thanked: np.ndarray  # its own referrals acted on with a good outcome (M12)
    blamed: np.ndarray  # its own referrals that went wrong (M12)
    owns: np.ndarray  # vendor this consumer runs, -1 none (M7)
    choice: np.ndarray  # 0 nothing, 1 factory, 2 platform, this week
    last: np.ndarray  # where it last bought (0: never bought)
    bought_from: np.ndarray  # vendor bought from this week, -1 none
    last_bad: np.ndarray  # its last platform purchase went wrong (it looks around, M2)

    @classmethod
    def empty(cls, n: int) -> ConsumerArrays:
        """``n`` consumers who know nothing yet, own nothing and last bought at the factory."""
        def zeros() -> np.ndarray:
            return np.zeros(n)

        def falses() -> np.ndarray:
            return np.zeros(n, bool)

        def nobody() -> np.ndarray:
            return np.full(n, -1, np.int64)

        return cls(committed=falses(), ever_used=falses(), platform_good=zeros(),
                   platform_bad=zeros(), fav=nobody(), fav_good=zeros(), fav_bad=zeros(),
                   tied=falses(), helped=zeros(), thanked=zeros(), blamed=zeros(),
                   owns=nobody(), choice=np.zeros(n, np.int8), last=np.full(n, 1, np.int8),
                   bought_from=nobody(), last_bad=falses())
