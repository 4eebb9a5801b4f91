"""The layered tie network (M1): a clustered strong-tie layer plus random weak ties."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp


class Layer:
    """One layer of ties: a CSR matrix of tie trust, decaying each week (M5).

    Every unused tie loses the same share of its trust each week, so the matrix stores trust
    divided by one running ``scale`` and a week's decay is one multiplication of ``scale``
    rather than one per tie. A tie's trust is ``max(stored * scale, floor)``. ``initial``
    (trust when new or just used) and ``floor`` are aligned with the stored entries; ``rows``
    is the row of every entry.
    """

    def __init__(self, adjacency: sp.csr_matrix, initial: float, floor: float) -> None:
        adjacency = adjacency.tocsr()
        adjacency.sort_indices()
        n = adjacency.shape[0]
        self.adjacency = adjacency
        self.initial = np.full(adjacency.nnz, initial)
        self.floor = np.full(adjacency.nnz, min(floor, initial))
        self.has_floor = bool(np.any(self.floor > 0))
        self.stored = sp.csr_matrix((self.initial.copy(), adjacency.indices, adjacency.indptr),
                                    shape=adjacency.shape)
        self.scale = 1.0
        self.rows = np.repeat(np.arange(n), np.diff(adjacency.indptr))
        self._keys = self.rows.astype(np.int64) * n + adjacency.indices

    def current(self) -> np.ndarray:
        """Every tie's trust now, aligned with the stored entries."""
        values = self.stored.data * self.scale
        return np.maximum(values, self.floor) if self.has_floor else values

    def matrix(self) -> sp.csr_matrix:
        """The layer as a CSR matrix of current trust."""
        return sp.csr_matrix((self.current(), self.stored.indices, self.stored.indptr),
                             shape=self.stored.shape)

    def decay(self, rate: float) -> None:
        """Every tie loses a share ``rate`` of its trust, never going below its floor."""
        self.scale *= 1.0 - rate
        if self.scale < 1e-100:
            self.stored.data[:] = self.current()
            self.scale = 1.0

    def reactivate(self, rows: np.ndarray, cols: np.ndarray) -> None:
        """Ties (rows[k], cols[k]) of this layer are restored to their starting trust."""
        keys = rows.astype(np.int64) * self.stored.shape[0] + cols
        if self._keys.size == 0 or keys.size == 0:
            return
        where = np.minimum(np.searchsorted(self._keys, keys), self._keys.size - 1)
        where = where[self._keys[where] == keys]
        self.stored.data[where] = self.initial[where] / self.scale


    def weaken(self, rows: np.ndarray, cols: np.ndarray, share: float) -> None:
        """Ties (rows[k], cols[k]) of this layer lose a ``share`` of their current trust."""
        keys = rows.astype(np.int64) * self.stored.shape[0] + cols
        if self._keys.size == 0 or keys.size == 0:
            return
        where = np.minimum(np.searchsorted(self._keys, keys), self._keys.size - 1)
        where = where[self._keys[where] == keys]
        self.stored.data[where] *= 1.0 - share


@dataclass
class Ties:
    """The two layers: clustered strong ties (the inner circle) and random weak ties."""

    strong: Layer
    weak: Layer

    @property
    def n(self) -> int:
        return self.strong.stored.shape[0]

    def decay(self, rate: float) -> None:
        """Unused ties lose trust, strong ones never below their floor (M5)."""
        self.strong.decay(rate)
        self.weak.decay(rate)

    def reactivate(self, rows: np.ndarray, cols: np.ndarray) -> None:
        """Ties that were just used are restored to full trust at once."""
        self.strong.reactivate(rows, cols)
        self.weak.reactivate(rows, cols)

    def weaken(self, rows: np.ndarray, cols: np.ndarray, share: float) -> None:
        """Ties through which a referral went wrong lose a share of their trust (M12)."""
        self.strong.weaken(rows, cols, share)
        self.weak.weaken(rows, cols, share)


def strong_layer(n: int, mean_degree: float, model: str, clustering: float,
                 rng: np.random.Generator) -> nx.Graph:
    """The inner-circle layer: Holme-Kim or Watts-Strogatz, seeded from ``rng``."""
    seed = int(rng.integers(2**31 - 1))
    if model == "holme_kim":
        m = max(1, min(n - 1, round(mean_degree / 2)))
        return nx.powerlaw_cluster_graph(n, m, clustering, seed=seed)
    if model == "watts_strogatz":
        k = max(2, min(n - 1, 2 * round(mean_degree / 2)))
        return nx.watts_strogatz_graph(n, k, 1.0 - clustering, seed=seed)
    raise ValueError(f"unknown network model {model!r}")


def _symmetric(rows: np.ndarray, cols: np.ndarray, n: int) -> sp.csr_matrix:
    data = np.ones(2 * rows.size)
    m = sp.coo_matrix((data, (np.r_[rows, cols], np.r_[cols, rows])), shape=(n, n)).tocsr()
    m.data[:] = 1.0
    return m


def random_weak_layer(n: int, mean_degree: float, strong: sp.csr_matrix,
                      rng: np.random.Generator) -> sp.csr_matrix:
    """Uniformly random acquaintance ties, none duplicating a strong tie or itself."""
    n_edges = int(round(n * mean_degree / 2))
    if n_edges == 0:
        return sp.csr_matrix((n, n))
    a = rng.integers(0, n, size=n_edges)
    b = rng.integers(0, n, size=n_edges)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keep = lo != hi
    lo, hi = lo[keep], hi[keep]
    key = np.unique(lo.astype(np.int64) * n + hi)
    lo, hi = key // n, key % n
    not_strong = np.asarray(strong[lo, hi]).ravel() == 0
    return _symmetric(lo[not_strong], hi[not_strong], n)


def build_ties(n: int, strong_ties: float, weak_ties: float, model: str, clustering: float,
               weak_tie_weight: float, strong_tie_floor: float,
               rng: np.random.Generator) -> Ties:
    """Build the two layers: strong ties start at trust 1, weak ones at ``weak_tie_weight``."""
    graph = strong_layer(n, strong_ties, model, clustering, rng)
    edges = np.array(graph.edges(), dtype=np.int64).reshape(-1, 2)
    strong = _symmetric(edges[:, 0], edges[:, 1], n)
    weak = random_weak_layer(n, weak_ties, strong, rng)
    return Ties(strong=Layer(strong, 1.0, strong_tie_floor),
                weak=Layer(weak, weak_tie_weight, 0.0))


def to_networkx(ties: Ties) -> nx.Graph:
    """The tie network as a networkx graph with a boolean ``strong`` edge attribute."""
    graph = nx.Graph()
    graph.add_nodes_from(range(ties.n))
    for layer, strong in ((ties.weak, False), (ties.strong, True)):
        coo = sp.triu(layer.adjacency, k=1).tocoo()
        graph.add_edges_from(zip(coo.row.tolist(), coo.col.tolist(), strict=True),
                             strong=strong)
    return graph


def network_statistics(ties: Ties) -> dict[str, float]:
    """The strong layer's degree (mean, 99th percentile, maximum) and average local
    clustering (nodes with fewer than two ties count as 0, as in networkx)."""
    a = ties.strong.adjacency
    degree = np.diff(a.indptr)
    triangles = np.asarray((a @ a).multiply(a).sum(axis=1)).ravel() / 2.0
    pairs = degree * (degree - 1) / 2.0
    local = np.divide(triangles, pairs, out=np.zeros(degree.size), where=pairs > 0)
    return {"strong_degree_mean": float(degree.mean()),
            "strong_degree_p99": float(np.percentile(degree, 99)),
            "strong_degree_max": int(degree.max(initial=0)),
            "strong_clustering": float(local.mean())}
