"""Trust arithmetic (M2-M5, M8): the per-consumer rules of evidence, no Mesa.

Trust is the expected chance that a transaction turns out well, kept as beta evidence
(successes, failures) in the beta reputation system of Josang & Ismail (2002): evidence from
another source is discounted by the trust placed in that source before it is added.

The scalar rules here are compiled (numba) and written into the week's loops over
consumers (``sim.model.rules.weekly``) rather than called once per consumer
(``inline="always"``, as :func:`sim.model.rules.records.rule` does); ``beta_mean`` also
takes arrays. Referral propagation over the tie layers (M2) runs here, on the compiled
row loops of ``sim.model.rules.referral_paths``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.model.rules import referral_paths
from sim.model.rules.records import TieLayer

PRIOR = 1.0  # Beta(1, 1) prior: no evidence means trust 0.5


@njit(cache=True, inline="always")
def beta_mean(successes: np.ndarray | float, failures: np.ndarray | float,
              prior: float = PRIOR) -> np.ndarray | float:
    """Expected chance of a good outcome under a Beta(prior + s, prior + f) belief."""
    return (successes + prior) / (successes + failures + 2.0 * prior)


@njit(cache=True, inline="always")
def beta_mean_around(successes: float, failures: float, mean: float) -> float:
    """:func:`beta_mean` with the prior's mean at ``mean`` instead of one half (the same
    weight, ``2 * PRIOR``): what a consumer who knows the vendors' mean quality expects."""
    return (successes + 2.0 * PRIOR * mean) / (successes + failures + 2.0 * PRIOR)


@njit(cache=True, inline="always")
def observe(good: float, bad: float, went_well: bool) -> tuple[float, float]:
    """The evidence after one more outcome, good or bad (M3)."""
    return (good + 1.0, bad) if went_well else (good, bad + 1.0)


@njit(cache=True, inline="always")
def discount(good: float, bad: float, weight: float) -> tuple[float, float]:
    """Evidence passed on by a source trusted with ``weight`` (Josang discounting, M2)."""
    return good * weight, bad * weight


@njit(cache=True, inline="always")
def decayed(value: float, keep: float, floor: float) -> float:
    """Evidence not renewed this week: a share ``1 - keep`` is forgotten, never below
    ``floor``; a value already below its floor stays where it is (M5)."""
    low = value if value < floor else floor
    new = value * keep
    return new if new > low else low


@njit(cache=True, inline="always")
def mediated_evidence(rating: float, platform_trust: float, weight: float
                      ) -> tuple[float, float]:
    """Evidence a vendor's shown rating is worth to a consumer who trusts the platform so
    much (M8)."""
    strength = weight * platform_trust
    return strength * rating, strength * (1.0 - rating)


@njit(cache=True, error_model="numpy")
def platform_trust(own_good: np.ndarray, own_bad: np.ndarray, institutional: float,
                   institutional_weight: float) -> np.ndarray:
    """A consumer's trust in the platform: own evidence on a prior set by institutional
    trust, consumer by consumer (0 / 0 is NaN, as numpy's division gives it)."""
    prior = institutional_weight * institutional
    trust = np.empty(own_good.size)
    for i in range(own_good.size):
        trust[i] = (own_good[i] + prior) / (own_good[i] + own_bad[i] + institutional_weight)
    return trust


def propagate_referrals(strong: TieLayer, weak: TieLayer, strength: np.ndarray, hops: int,
                        hop_discount: float, asking: np.ndarray | None = None):
    """Best referral each consumer can reach within ``hops`` hops (M2).

    ``strength[j]`` is how strongly consumer j recommends its own vendor (0: no referral).
    A tie's trust is ``max(stored * scale, floor)`` in its layer (:class:`TieLayer`). The
    first hop runs over strong and weak ties; further hops are relayed only over strong
    ties (people pass on what they heard only to their inner circle), each multiplying by
    ``hop_discount``. Returns ``(weight, source, via)``: the path's weight (product of tie
    trusts and discounts, times the source's strength), the original recommender, and the
    tie it arrived through (-1 where none).

    A weak tie can only win where no strong tie scores as much as the best weak tie could
    (the weak layer's ``peak`` bounds it), so the weak layer is read only for those rows,
    with its scale folded into the values (``stored * (strength * scale)``; weak ties have
    no floor). A
    consumer never takes its own recommendation back from a tie (where that is a row's best
    relayed path, the row keeps what it had). Each hop is one compiled pass over the strong
    ties.

    ``asking``: the rows whose result is wanted (default all). The last hop is computed only
    for them (the hops before it, which they relay from, for every row); the other rows'
    results are those of the hop before.
    """
    n = strong.indptr.size - 1
    if hops <= 0:
        return np.zeros(n), np.full(n, -1, dtype=np.int64), np.full(n, -1, dtype=np.int64)
    strength = np.asarray(strength, dtype=float)
    every = np.ones(n, dtype=bool)
    asking = every if asking is None else np.asarray(asking, dtype=bool)
    first = asking if hops == 1 else every  # the rows the first hop computes
    weight, source, via = np.empty(n), np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    referral_paths.propagate.entry(strong, weak, strength, hops, hop_discount, first, asking,
                                   weight, source, via, np.empty(n), np.empty(n, dtype=np.int64))
    return weight, source, via
