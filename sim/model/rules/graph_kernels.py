"""Compiled building blocks of the tie network's CSR arrays (numba): edge lists sorted and
made distinct, the symmetric CSR graph of an edge list, the triangles through each node,
the stored position of an entry, and given entries restored or weakened in place.
Compiled code is cached on disk (``cache=True``).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def triangles(indptr: np.ndarray, indices: np.ndarray, out: np.ndarray) -> None:
    """Triangles through each node of a symmetric 0/1 CSR graph without self-loops."""
    n = indptr.size - 1
    mark = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        for k in range(indptr[i], indptr[i + 1]):
            mark[indices[k]] = True
        count = 0
        for k in range(indptr[i], indptr[i + 1]):
            j = indices[k]
            for m in range(indptr[j], indptr[j + 1]):
                if mark[indices[m]]:
                    count += 1
        for k in range(indptr[i], indptr[i + 1]):
            mark[indices[k]] = False
        out[i] = count / 2


@njit(cache=True)
def sorted_pairs(lo: np.ndarray, hi: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct pairs (lo[e], hi[e]), sorted by lo then hi (a counting sort by lo)."""
    start = np.zeros(n + 1, dtype=np.int64)
    for e in range(lo.size):
        start[lo[e] + 1] += 1
    for i in range(n):
        start[i + 1] += start[i]
    fill = start[:-1].copy()
    column = np.empty(lo.size, dtype=np.int64)
    for e in range(lo.size):
        column[fill[lo[e]]] = hi[e]
        fill[lo[e]] += 1
    out_lo = np.empty(lo.size, dtype=np.int64)
    out_hi = np.empty(lo.size, dtype=np.int64)
    m = 0
    for i in range(n):
        row = np.sort(column[start[i]:start[i + 1]])
        for k in range(row.size):
            if k == 0 or row[k] != row[k - 1]:
                out_lo[m], out_hi[m] = i, row[k]
                m += 1
    return out_lo[:m], out_hi[:m]


@njit(cache=True)
def symmetric_csr(lo: np.ndarray, hi: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """CSR ``indptr, indices`` (sorted) of the undirected graph of the distinct pairs
    (lo[e] < hi[e]) given sorted by lo then hi."""
    indptr = np.zeros(n + 1, dtype=np.int64)
    for e in range(lo.size):
        indptr[lo[e] + 1] += 1
        indptr[hi[e] + 1] += 1
    for i in range(n):
        indptr[i + 1] += indptr[i]
    fill = indptr[:-1].copy()
    indices = np.empty(2 * lo.size, dtype=np.int32)
    for e in range(lo.size):  # a row's lower neighbours all come before its higher ones
        indices[fill[hi[e]]] = lo[e]
        fill[hi[e]] += 1
        indices[fill[lo[e]]] = hi[e]
        fill[lo[e]] += 1
    return indptr, indices


@njit(cache=True, inline="always")  # written into the loops that look entries up
def position(indptr: np.ndarray, indices: np.ndarray, row: int, col: int) -> int:
    """The stored position of entry (row, col) of a CSR matrix with sorted rows, -1 where
    there is none (a binary search within the row)."""
    lo, hi = indptr[row], indptr[row + 1]
    while lo < hi:
        mid = (lo + hi) // 2
        if indices[mid] < col:
            lo = mid + 1
        else:
            hi = mid
    return lo if lo < indptr[row + 1] and indices[lo] == col else -1


@njit(cache=True)
def set_entries(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, rows: np.ndarray,
                cols: np.ndarray, value: float, found: np.ndarray) -> int:
    """Entries (rows[k], cols[k]) not ``found`` yet that are stored get ``value`` and are
    marked ``found``; returns how many."""
    count = 0
    for k in range(rows.size):
        if not found[k]:
            at = position(indptr, indices, rows[k], cols[k])
            if at >= 0:
                data[at], found[k] = value, True
                count += 1
    return count


@njit(cache=True)
def scale_entries(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray,
                  rows: np.ndarray, cols: np.ndarray, keep: float, peak: float,
                  found: np.ndarray) -> bool:
    """Entries (rows[k], cols[k]) not ``found`` yet that are stored are multiplied by
    ``keep`` and marked ``found`` (each entry at most once among them); returns whether
    one of them was at least ``peak`` before."""
    at_peak = False
    for k in range(rows.size):
        if not found[k]:
            at = position(indptr, indices, rows[k], cols[k])
            if at >= 0:
                at_peak = at_peak or data[at] >= peak
                data[at] *= keep
                found[k] = True
    return at_peak
