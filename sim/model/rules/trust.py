"""Trust arithmetic (M2-M5, M8): plain functions on arrays, no Mesa.

Trust is the expected chance that a transaction turns out well, kept as beta evidence
(successes, failures) in the beta reputation system of Josang & Ismail (2002): evidence from
another source is discounted by the trust placed in that source before it is added.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

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


def row_argmax(matrix: sp.csr_matrix, values: np.ndarray, row_of: np.ndarray | None = None):
    """For each row i, the best ``matrix[i, j] * values[j]`` and its column (-1 if none > 0).

    Vectorised over the CSR arrays: one gather, one ``maximum.reduceat``; ties go to the
    first column in storage order. ``row_of`` (the row of every stored entry) may be passed
    to save recomputing it.
    """
    n = matrix.shape[0]
    best = np.zeros(n)
    arg = np.full(n, -1, dtype=np.int64)
    if matrix.nnz == 0:
        return best, arg
    scores = matrix.data * values[matrix.indices]
    counts = np.diff(matrix.indptr)
    if row_of is None:
        row_of = np.repeat(np.arange(n), counts)
    if counts.all():
        best[:] = np.maximum.reduceat(scores, matrix.indptr[:-1])
    else:
        nonempty = counts > 0
        best[nonempty] = np.maximum.reduceat(scores, matrix.indptr[:-1][nonempty])
    positions = np.flatnonzero(scores > 0)
    positions = positions[scores[positions] == best[row_of[positions]]]
    rows = row_of[positions]
    first = np.ones(rows.size, dtype=bool)
    first[1:] = rows[1:] != rows[:-1]
    arg[rows[first]] = matrix.indices[positions[first]]
    np.maximum(best, 0.0, out=best)
    return best, arg


def propagate_referrals(strong: sp.csr_matrix, weak: sp.csr_matrix, strength: np.ndarray,
                        hops: int, hop_discount: float,
                        rows: tuple[np.ndarray, ...] | None = None, weak_scale: float = 1.0):
    """Best referral each consumer can reach within ``hops`` hops (M2).

    ``strength[j]`` is how strongly consumer j recommends its own vendor (0: no referral).
    The matrices hold each tie's trust. The first hop runs over strong and weak ties; further
    hops are relayed only over strong ties (people pass on what they heard only to their
    inner circle), each multiplying by ``hop_discount``. Returns ``(weight, source, via)``:
    the path's weight (product of tie trusts and discounts, times the source's strength),
    the original recommender, and the tie it arrived through (-1 where none). ``rows``
    optionally holds the row of every stored entry of ``strong``; ``weak``'s entries may be
    stored divided by ``weak_scale``.

    A weak tie can only win where no strong tie scores as much as the best weak tie could,
    so the weak layer is read only for those rows. A consumer never takes its own
    recommendation back from a tie (where that is a row's best relayed path, the row keeps
    what it had).
    """
    strong_rows = rows[0] if rows is not None else None
    n = strong.shape[0]
    weight = np.zeros(n)
    source = np.full(n, -1, dtype=np.int64)
    via = np.full(n, -1, dtype=np.int64)
    if hops <= 0:
        return weight, source, via
    weight, via = row_argmax(strong, strength, strong_rows)
    weak_cap = (weak.data.max() if weak.nnz else 0.0) * weak_scale * strength.max(initial=0.0)
    ask = np.flatnonzero(weight < weak_cap)
    if ask.size:
        weak_best, weak_via = row_argmax(weak[ask], strength * weak_scale)
        better = weak_best > weight[ask]
        weight[ask[better]] = weak_best[better]
        via[ask[better]] = weak_via[better]
    source[via >= 0] = via[via >= 0]
    me = np.arange(n)
    for _ in range(hops - 1):
        relayed, arg = row_argmax(strong, weight * hop_discount, strong_rows)
        better = (relayed > weight) & (source[np.maximum(arg, 0)] != me)
        weight[better] = relayed[better]
        source[better] = source[arg[better]]
        via[better] = arg[better]
    return weight, source, via
