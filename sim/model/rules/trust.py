"""Trust arithmetic (M2-M5, M8): plain functions on arrays, no Mesa.

Trust is the expected chance that a transaction turns out well, kept as beta evidence
(successes, failures) in the beta reputation system of Josang & Ismail (2002): evidence from
another source is discounted by the trust placed in that source before it is added.

The per-consumer rules here (``add_outcomes``, ``decay``, ``discount``,
``mediated_evidence``) are the readable array formulation; the week runs them fused into
compiled passes (``sim.model.rules.weekly``), which ``tests/model/test_weekly.py`` checks
against these, to the bit. Referral propagation runs here, on compiled CSR kernels.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sim.model.rules import kernels

PRIOR = 1.0  # Beta(1, 1) prior: no evidence means trust 0.5


def beta_mean(successes: np.ndarray, failures: np.ndarray, prior: float = PRIOR) -> np.ndarray:
    """Expected chance of a good outcome under a Beta(prior + s, prior + f) belief."""
    return (successes + prior) / (successes + failures + 2.0 * prior)


def add_outcomes(successes: np.ndarray, failures: np.ndarray, good: np.ndarray,
                 mask: np.ndarray) -> None:
    """Add one observed outcome (``good`` true or false) where ``mask`` holds, in place."""
    successes += mask & good
    failures += mask & ~good


def discount(successes: np.ndarray, failures: np.ndarray, weight: np.ndarray):
    """Evidence passed on by a source trusted with ``weight`` (Josang discounting)."""
    return successes * weight, failures * weight


def decay(values: np.ndarray, rate: float, floor: np.ndarray | float = 0.0,
          unused: np.ndarray | None = None) -> None:
    """Forget a share ``rate`` of ``values`` where unused, never going below ``floor``.

    Values already below their floor stay where they are. Works in place.
    """
    if unused is None:
        kept = np.minimum(values, floor)
        values *= 1.0 - rate
        np.maximum(values, kept, out=values)
        return
    floor = np.broadcast_to(floor, values.shape)[unused]
    old = values[unused]
    values[unused] = np.maximum(old * (1.0 - rate), np.minimum(old, floor))


def mediated_evidence(rating: np.ndarray, platform_trust: np.ndarray, weight: float):
    """Evidence a vendor's shown rating is worth to a consumer who trusts the platform so much."""
    strength = weight * platform_trust
    return strength * rating, strength * (1.0 - rating)


def platform_trust(own_good: np.ndarray, own_bad: np.ndarray, institutional: float,
                   institutional_weight: float) -> np.ndarray:
    """A consumer's trust in the platform: own evidence on a prior set by institutional trust."""
    return (own_good + institutional_weight * institutional) / (
        own_good + own_bad + institutional_weight
    )


def row_argmax(matrix: sp.csr_matrix, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row i, the best ``matrix[i, j] * values[j]`` and its column (-1 if none > 0).

    One compiled pass over the CSR arrays; ties go to the first column in storage order.
    """
    n = matrix.shape[0]
    best, arg = np.zeros(n), np.full(n, -1, dtype=np.int64)
    kernels.row_argmax(matrix.indptr, matrix.indices, matrix.data, 1.0, 0.0,
                       np.asarray(values, dtype=float), best, arg, np.ones(n, dtype=bool))
    return best, arg


def propagate_referrals(strong: sp.csr_matrix, weak: sp.csr_matrix, strength: np.ndarray,
                        hops: int, hop_discount: float, strong_scale: float = 1.0,
                        strong_floor: float = 0.0, weak_scale: float = 1.0,
                        weak_peak: float | None = None, asking: np.ndarray | None = None,
                        strong_peak: float | None = None):
    """Best referral each consumer can reach within ``hops`` hops (M2).

    ``strength[j]`` is how strongly consumer j recommends its own vendor (0: no referral).
    The matrices hold each tie's trust, stored divided by a running scale (a tie's trust is
    ``max(stored * strong_scale, strong_floor)`` for strong ties, ``stored * weak_scale`` for
    weak ones; ``weak_peak`` and ``strong_peak`` bound the stored entries from above, if
    known). The first hop runs
    over strong and weak ties; further hops are relayed only over strong ties (people pass on
    what they heard only to their inner circle), each multiplying by ``hop_discount``.
    Returns ``(weight, source, via)``: the path's weight (product of tie trusts and
    discounts, times the source's strength), the original recommender, and the tie it
    arrived through (-1 where none).

    A weak tie can only win where no strong tie scores as much as the best weak tie could,
    so the weak layer is read only for those rows. A consumer never takes its own
    recommendation back from a tie (where that is a row's best relayed path, the row keeps
    what it had). Each hop is one compiled pass over the strong ties.

    ``asking``: the rows whose result is wanted (default all). The last hop is computed only
    for them (the hops before it, which they relay from, for every row); the other rows'
    results are those of the hop before.
    """
    n = strong.shape[0]
    weight = np.zeros(n)
    source = np.full(n, -1, dtype=np.int64)
    via = np.full(n, -1, dtype=np.int64)
    if hops <= 0:
        return weight, source, via
    strength = np.asarray(strength, dtype=float)
    every = np.ones(n, dtype=bool)
    asking = every if asking is None else np.asarray(asking, dtype=bool)
    first = asking if hops == 1 else every  # the rows the first hop computes
    kernels.row_argmax(strong.indptr, strong.indices, strong.data, strong_scale, strong_floor,
                       strength, weight, via, first)
    if weak.nnz:
        peak = weak.data.max() if weak_peak is None else weak_peak
        kernels.improve_below(weak.indptr, weak.indices, weak.data, strength * weak_scale,
                              peak * weak_scale * strength.max(initial=0.0), weight, via,
                              first)
    np.copyto(source, via)
    if strong_peak is None:
        strong_peak = strong.data.max(initial=0.0)
    kernels.relay(strong.indptr, strong.indices, strong.data, strong_scale, strong_floor,
                  strong_peak, hops - 1, hop_discount, weight, source, via, asking)
    return weight, source, via
