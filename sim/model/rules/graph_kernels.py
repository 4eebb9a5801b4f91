"""Compiled building blocks of the tie network's CSR arrays (numba): edge lists sorted and
made distinct, the symmetric CSR graph of an edge list, the triangles through each node,
and the stored position of given entries. Compiled code is cached on disk (``cache=True``).
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


@njit(cache=True)
def find_entries(indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray,
                 cols: np.ndarray) -> np.ndarray:
    """The stored position of each entry (rows[k], cols[k]) of a CSR matrix with sorted
    rows, -1 where there is none (a binary search within the row)."""
    out = np.full(rows.size, -1, dtype=np.int64)
    for k in range(rows.size):
        lo, hi = indptr[rows[k]], indptr[rows[k] + 1]
        while lo < hi:
            mid = (lo + hi) // 2
            if indices[mid] < cols[k]:
                lo = mid + 1
            else:
                hi = mid
        if lo < indptr[rows[k] + 1] and indices[lo] == cols[k]:
            out[k] = lo
    return out
