"""The best referral path, row by row over the CSR arrays of a tie layer (M2), compiled.

Each loop reads every stored tie of the rows it serves once, in storage order, as a sparse
mat-vec does, without a branch on the values (the only branch, a new best in the row, is
rarely taken, so it is cheap); a tie's trust is ``max(stored * scale, floor)`` (floor 0:
none) as in :class:`sim.model.rules.network.Layer`. A layer comes as a
:class:`~sim.model.rules.records.TieLayer` record. Ties in a row's score go to the first
column in storage order. Compiled code is cached on disk (``cache=True``).
"""

from __future__ import annotations

import numpy as np

from sim.model.rules.records import TieLayer, rule


@rule
def tie_trust(layer: TieLayer, k: int) -> float:
    """The current trust of the layer's stored tie ``k``: ``max(stored * scale, floor)``."""
    value = layer.stored[k] * layer.scale
    return layer.floor if value < layer.floor else value


@rule
def best_tie(layer: TieLayer, i: int, values: np.ndarray, factor: float) -> tuple[float, int]:
    """Row i's best positive ``trust[i, j] * (values[j] * factor)`` and its column j
    (0 and -1 where none is positive; ties go to the first column in storage order)."""
    top, where = 0.0, -1
    for k in range(layer.indptr[i], layer.indptr[i + 1]):
        score = tie_trust(layer, k) * (values[layer.indices[k]] * factor)
        if score > top:
            top, where = score, layer.indices[k]
    return top, where


@rule
def best_ties(layer: TieLayer, values: np.ndarray, rows: np.ndarray, best: np.ndarray,
              arg: np.ndarray) -> None:
    """For each row i with ``rows[i]``, its best tie (:func:`best_tie`) into ``best[i]``
    and ``arg[i]``."""
    for i in range(layer.indptr.size - 1):
        if rows[i]:
            best[i], arg[i] = best_tie(layer, i, values, 1.0)


@rule
def improve_below(layer: TieLayer, values: np.ndarray, cap: float, rows: np.ndarray,
                  weight: np.ndarray, via: np.ndarray) -> None:
    """Rows i with ``rows[i]`` and ``weight < cap`` take their best positive
    ``stored[i, j] * values[j]`` if it is higher (the layer's scale folded into ``values``,
    no floor: the weak layer's first hand)."""
    for i in range(layer.indptr.size - 1):
        if not (rows[i] and weight[i] < cap):
            continue
        top, where = 0.0, -1
        for k in range(layer.indptr[i], layer.indptr[i + 1]):
            score = layer.stored[k] * values[layer.indices[k]]
            if score > top:
                top, where = score, layer.indices[k]
        if top > weight[i]:
            weight[i], via[i] = top, where


@rule
def relay(layer: TieLayer, hops: int, hop_discount: float, last_rows: np.ndarray,
          weight: np.ndarray, source: np.ndarray, via: np.ndarray, old_weight: np.ndarray,
          old_source: np.ndarray) -> None:
    """``hops`` rounds of relaying over one layer, all rows at once in each round but the
    last, where only the rows with ``last_rows[i]`` relay.

    In a round, row i finds its best ``trust[i, j] * (weight[j] * hop_discount)`` from the
    previous round; it takes it if it beats its own weight and did not start at i itself.
    The layer's ``peak`` bounds the stored entries from above: no score can beat
    ``max(peak * scale, floor) * (max(weight) * hop_discount)``, so a row whose weight is
    already that high is skipped (exactly: rounding is monotone). Works in place, with one
    spare pair of arrays (``old_weight``, ``old_source``).
    """
    n = layer.indptr.size - 1
    top_trust = layer.peak * layer.scale
    top_trust = layer.floor if top_trust < layer.floor else top_trust
    for r in range(hops):
        heaviest = 0.0  # the largest weight (weights are never negative)
        for j in range(n):
            old_weight[j], old_source[j] = weight[j], source[j]
            heaviest = weight[j] if weight[j] > heaviest else heaviest
        cap = top_trust * (heaviest * hop_discount) if n else 0.0
        last = r == hops - 1
        for i in range(n):
            if (last and not last_rows[i]) or old_weight[i] >= cap:
                continue
            top, where = best_tie(layer, i, old_weight, hop_discount)
            if top > old_weight[i] and old_source[where] != i:
                weight[i], source[i], via[i] = top, old_source[where], where


@rule
def propagate(strong: TieLayer, weak: TieLayer, strength: np.ndarray, hops: int,
              hop_discount: float, first: np.ndarray, asking: np.ndarray, weight: np.ndarray,
              source: np.ndarray, via: np.ndarray, spare_weight: np.ndarray,
              spare_source: np.ndarray) -> None:
    """The passes of :func:`sim.model.rules.trust.propagate_referrals` in one call (the
    week pays one dispatch, not one per pass): the first hand over the strong ties for the
    rows ``first``, the weak layer's first hand below its cap (its scale folded into the
    values, which ``spare_weight`` holds), the source of each path, then ``hops - 1``
    rounds of relaying (:func:`relay`) for the rows ``asking`` in the last. ``weight``,
    ``source`` and ``via`` are set to 0, -1 and -1 first; ``hops`` is at least 1."""
    n = strong.indptr.size - 1
    for i in range(n):
        weight[i], source[i], via[i] = 0.0, -1, -1
    best_ties(strong, strength, first, weight, via)
    if weak.stored.size:
        top = 0.0  # strength.max(initial=0.0)
        for j in range(n):
            top = strength[j] if strength[j] > top else top
            spare_weight[j] = strength[j] * weak.scale
        improve_below(weak, spare_weight, weak.peak * weak.scale * top, first, weight, via)
    for i in range(n):
        source[i] = via[i]
    relay(strong, hops - 1, hop_discount, asking, weight, source, via, spare_weight,
          spare_source)
