"""The layered tie network (M1): a clustered strong-tie layer plus random weak ties.

The strong layer follows Dunbar's layers of personal networks (about 5, 15, 50, 150, each
about three times the last: Dunbar 1998; Zhou, Sornette, Hill & Dunbar 2005): the inner
circle (strong ties) is the support clique plus the sympathy group, the outer layers are
the weak ties. Nobody holds more than ``strong_tie_cap`` strong ties. A share of each inner
circle lives far away (family and old friends who moved), which makes the strong layer a
small world (Watts & Strogatz 1998): clustered like a lattice, with paths about as short as
a random graph's.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp
from numba import njit

from sim.model.rules import graph_kernels


class Layer:
    """One layer of ties: a CSR matrix of tie trust, decaying each week (M5).

    Every unused tie loses the same share of its trust each week, so the matrix stores trust
    divided by one running ``scale`` and a week's decay is one multiplication of ``scale``
    rather than one per tie. A tie's trust is ``max(stored * scale, floor)``, ``initial``
    when new or just used; ``peak`` is the largest stored entry (stored entries only ever
    rise, when a tie is used again).
    """

    def __init__(self, adjacency: sp.csr_matrix, initial: float, floor: float) -> None:
        adjacency = adjacency.tocsr()
        adjacency.sort_indices()
        self.adjacency = adjacency
        self.initial = float(initial)
        self.floor = float(min(floor, initial))
        self.stored = sp.csr_matrix((np.full(adjacency.nnz, self.initial), adjacency.indices,
                                     adjacency.indptr), shape=adjacency.shape)
        self.scale = 1.0
        self.peak = float(initial) if adjacency.nnz else 0.0

    def current(self) -> np.ndarray:
        """Every tie's trust now, aligned with the stored entries."""
        values = self.stored.data * self.scale
        return np.maximum(values, self.floor) if self.floor > 0 else values

    def matrix(self) -> sp.csr_matrix:
        """The layer as a CSR matrix of current trust."""
        return sp.csr_matrix((self.current(), self.stored.indices, self.stored.indptr),
                             shape=self.stored.shape)

    def ties_of(self, which: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The ties of rows ``which`` (only those rows are read, not the whole layer), row by
        row in storage order: for each tie, its row's position in ``which``, the other end,
        and the tie's current trust."""
        indptr = self.stored.indptr
        counts = indptr[which + 1] - indptr[which]
        offsets = np.cumsum(counts) - counts
        at = np.arange(counts.sum()) + np.repeat(indptr[which] - offsets, counts)
        trust = self.stored.data[at] * self.scale
        if self.floor > 0:
            np.maximum(trust, self.floor, out=trust)
        return np.repeat(np.arange(which.size), counts), self.stored.indices[at], trust

    def decay(self, rate: float) -> None:
        """Every tie loses a share ``rate`` of its trust, never going below its floor."""
        self.scale *= 1.0 - rate
        if self.scale < 1e-100:
            self.stored.data[:] = self.current()
            self.scale = 1.0
            self.peak = float(self.stored.data.max(initial=0.0))

    def reactivate(self, rows: np.ndarray, cols: np.ndarray, found: np.ndarray) -> None:
        """Ties (rows[k], cols[k]) of this layer, where not ``found`` yet, are restored to
        their starting trust and marked ``found``."""
        value = self.initial / self.scale
        stored = self.stored
        if graph_kernels.set_entries(stored.indptr, stored.indices, stored.data, rows, cols,
                                     value, found):
            self.peak = max(self.peak, value)

    def weaken(self, rows: np.ndarray, cols: np.ndarray, share: float,
               found: np.ndarray) -> None:
        """Ties (rows[k], cols[k]) of this layer (each at most once), where not ``found``
        yet, lose a ``share`` of their current trust and are marked ``found``."""
        stored = self.stored
        if graph_kernels.scale_entries(stored.indptr, stored.indices, stored.data, rows, cols,
                                       1.0 - share, self.peak, found):
            self.peak = float(stored.data.max())


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
        """Ties that were just used are restored to full trust at once. (The layers share
        no tie, :func:`build_ties`, so a tie found among the strong ones is not looked for
        among the weak.)"""
        found = np.zeros(rows.size, bool)
        self.strong.reactivate(rows, cols, found)
        self.weak.reactivate(rows, cols, found)

    def weaken(self, rows: np.ndarray, cols: np.ndarray, share: float) -> None:
        """Ties through which a referral went wrong lose a share of their trust (M12); each
        tie at most once (each row's tie is its own)."""
        found = np.zeros(rows.size, bool)
        self.strong.weaken(rows, cols, share, found)
        self.weak.weaken(rows, cols, share, found)


SUPPORT_SHARE = 1 / 3  # support clique / sympathy group: Dunbar's layers 5 and 15
SOCIABILITY = (6.0, 2.0)  # Beta shape of how much of its band a consumer keeps ties with
GENERATORS = ("dunbar_layers", "watts_strogatz", "holme_kim")


def band_profile(mean_degree: float, clustering: float) -> np.ndarray:
    """Chance factor of a tie at ring distance d = 1, 2, ... (before sociability).

    The support clique is the nearest band, tied at factor 1 and holding ``SUPPORT_SHARE``
    of the expected strong ties; the rest of the sympathy group lies in the band beyond, at a
    density chosen so that a one-dimensional band gives about ``clustering`` (a band of
    density q has clustering about 3q/4, lowered by sociability). A band's last offset
    takes the fractional remainder, so the expected degree is exactly ``mean_degree``.
    """
    a, b = SOCIABILITY
    mean = a / (a + b)
    second = mean * (a + 1) / (a + b + 1)
    density = float(np.clip(clustering / (0.75 * (second / mean) ** 2), 0.05, 1.0))
    factors: list[float] = []
    for mass, factor in ((mean_degree * SUPPORT_SHARE / (2 * mean**2), 1.0),
                         (mean_degree * (1 - SUPPORT_SHARE) / (2 * mean**2 * density), density)):
        whole = int(mass)
        factors += [factor] * whole
        if mass > whole:
            factors.append(factor * (mass - whole))
    return np.array(factors)


def dunbar_layers(n: int, mean_degree: float, clustering: float, long_range: float,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Inner circles after Dunbar's layers, as edge lists (lo, hi): vectorised, O(n * band).

    Consumers sit on a ring (their index is their place: everything else in the model is
    drawn at random, so nothing depends on it). A share ``1 - long_range`` of the expected
    ties is local: consumers i and j at ring distance d are tied with chance
    ``band_profile[d - 1] * s_i * s_j``, where a consumer's sociability ``s`` is Beta
    distributed (``SOCIABILITY``), so friends of friends are friends (clustering) and inner
    circles differ in size. The band is drawn denser by ``1 / (1 - long_range)**2`` (as far
    as it can be), since the long-range ties dilute the triangles of the local ones. The
    other share ``long_range`` are long-range ties: ``n * mean_degree * long_range / 2``
    pairs of consumers anywhere on the ring, each end drawn in proportion to sociability, so
    that every consumer expects the same share of long-range ties among its own. They are
    the shortcuts of a small world: the mean path grows like log(n), not like n.
    """
    a, b = SOCIABILITY
    sociability = rng.beta(a, b, size=n)
    local = 1.0 - long_range
    target = clustering / local**2 if local > 0 else clustering
    profile = band_profile(mean_degree * local, target)[:max(0, (n - 1) // 2)]
    me = np.arange(n, dtype=np.int64)
    lo, hi = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
    for d, factor in enumerate(profile, start=1):
        other = (me + d) % n
        tied = rng.random(n) < factor * sociability * sociability[other]
        lo.append(np.minimum(me[tied], other[tied]))
        hi.append(np.maximum(me[tied], other[tied]))
    n_long = int(round(n * mean_degree * long_range / 2)) if n > 1 else 0
    if n_long:
        ends = rng.choice(n, size=(2, n_long), p=sociability / sociability.sum())
        apart = ends[0] != ends[1]
        lo.append(ends.min(axis=0)[apart])
        hi.append(ends.max(axis=0)[apart])
    return np.concatenate(lo), np.concatenate(hi)


def cap_degree(lo: np.ndarray, hi: np.ndarray, n: int, cap: int,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Drop ties so that nobody holds more than ``cap``: each consumer over the cap keeps the
    ``cap`` of its ties that rank first in one random order of all ties."""
    degree = np.bincount(np.r_[lo, hi], minlength=n)
    if degree.size == 0 or degree.max() <= cap:
        return lo, hi
    rank_of_edge = rng.permutation(lo.size)
    ends = np.r_[lo, hi]
    edge = np.r_[np.arange(lo.size), np.arange(lo.size)]
    order = np.lexsort((rank_of_edge[edge], ends))
    starts = np.r_[0, np.cumsum(degree)[:-1]]
    rank = np.empty(ends.size, np.int64)
    rank[order] = np.arange(ends.size) - starts[ends[order]]
    keep = (rank[:lo.size] < cap) & (rank[lo.size:] < cap)
    return lo[keep], hi[keep]


def strong_layer(n: int, mean_degree: float, model: str, clustering: float, cap: int,
                 long_range: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The inner-circle layer as edge lists (lo, hi), nobody above ``cap`` strong ties.

    ``dunbar_layers`` (the default) is vectorised, a share ``long_range`` of its ties
    long-range; ``watts_strogatz`` and ``holme_kim`` are networkx's generators, seeded from
    ``rng``, kept for comparison (they ignore ``long_range``; Holme-Kim's hubs are cut down
    to the cap, so its mean degree falls below ``mean_degree``).
    """
    if model == "dunbar_layers":
        lo, hi = dunbar_layers(n, mean_degree, clustering, long_range, rng)
    elif model in ("holme_kim", "watts_strogatz"):
        seed = int(rng.integers(2**31 - 1))
        if model == "holme_kim":
            m = max(1, min(n - 1, round(mean_degree / 2)))
            graph = nx.powerlaw_cluster_graph(n, m, clustering, seed=seed)
        else:
            k = max(2, min(n - 1, 2 * round(mean_degree / 2)))
            graph = nx.watts_strogatz_graph(n, k, 1.0 - clustering, seed=seed)
        edges = np.array(graph.edges(), dtype=np.int64).reshape(-1, 2)
        lo, hi = edges.min(axis=1), edges.max(axis=1)
    else:
        raise ValueError(f"unknown network model {model!r}; allowed: {', '.join(GENERATORS)}")
    return cap_degree(lo, hi, n, cap, rng)


def _symmetric(lo: np.ndarray, hi: np.ndarray, n: int) -> sp.csr_matrix:
    """The undirected 0/1 graph of the distinct pairs (lo, hi), lo < hi, sorted."""
    indptr, indices = graph_kernels.symmetric_csr(lo, hi, n)
    return sp.csr_matrix((np.ones(indices.size), indices, indptr), shape=(n, n))


def random_weak_layer(n: int, mean_degree: float, strong_keys: np.ndarray,
                      rng: np.random.Generator) -> sp.csr_matrix:
    """Uniformly random acquaintance ties, none duplicating a strong tie or itself.

    ``strong_keys`` are the strong ties (lo, hi) as sorted keys ``lo * n + hi``.
    """
    n_edges = int(round(n * mean_degree / 2))
    if n_edges == 0:
        return sp.csr_matrix((n, n))
    a = rng.integers(0, n, size=n_edges)
    b = rng.integers(0, n, size=n_edges)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keep = lo != hi
    lo, hi = graph_kernels.sorted_pairs(lo[keep], hi[keep], n)
    if strong_keys.size:
        key = lo * n + hi
        where = np.minimum(np.searchsorted(strong_keys, key), strong_keys.size - 1)
        new = strong_keys[where] != key
        lo, hi = lo[new], hi[new]
    return _symmetric(lo, hi, n)


def build_ties(n: int, strong_ties: float, weak_ties: float, model: str, clustering: float,
               cap: int, weak_tie_weight: float, strong_tie_floor: float,
               rng: np.random.Generator, *, long_range: float) -> Ties:
    """Build the two layers: strong ties start at trust 1, weak ones at ``weak_tie_weight``;
    a share ``long_range`` of the strong ties (``dunbar_layers``) is long-range."""
    strong_pairs = strong_layer(n, strong_ties, model, clustering, cap, long_range, rng)
    lo, hi = graph_kernels.sorted_pairs(*strong_pairs, n)
    strong = _symmetric(lo, hi, n)
    weak = random_weak_layer(n, weak_ties, lo * n + hi, rng)
    return Ties(strong=Layer(strong, 1.0, strong_tie_floor),
                weak=Layer(weak, weak_tie_weight, 0.0))


STRONG_PATH_SAMPLE = 64  # breadth-first searches behind ``strong_path_mean``


@njit(cache=True)
def _bits(x: np.uint64) -> int:
    """How many bits of ``x`` are set."""
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    x = x + (x >> np.uint64(8))  # the bytes' counts summed into the lowest byte, without
    x = x + (x >> np.uint64(16))  # the wrapping multiplication (numpy warns of it when the
    x = x + (x >> np.uint64(32))  # rule runs as Python)
    return int(x & np.uint64(0x7F))


@njit(cache=True)
def _path_lengths(indptr: np.ndarray, indices: np.ndarray,
                  sources: np.ndarray) -> tuple[int, int]:
    """(sum of the shortest path lengths, number of consumers reached, sources not counted)
    of breadth-first searches from up to 64 distinct ``sources`` at once, one bit each: a
    level only reads the ties of consumers some search reached at the level before."""
    n = indptr.size - 1
    seen = np.zeros(n, dtype=np.uint64)
    front = np.zeros(n, dtype=np.uint64)
    arriving = np.zeros(n, dtype=np.uint64)
    frontier = sources.copy()
    for b in range(sources.size):
        seen[sources[b]] = front[sources[b]] = np.uint64(1) << np.uint64(b)
    following = np.empty(n, dtype=np.int64)
    total, reached, level = 0, 0, 0
    while frontier.size:
        level += 1
        m = 0
        for here in frontier:
            for k in range(indptr[here], indptr[here + 1]):
                there = indices[k]
                new = front[here] & ~seen[there]
                if new:
                    if not arriving[there]:
                        following[m] = there
                        m += 1
                    arriving[there] |= new
        for here in frontier:
            front[here] = 0
        for there in following[:m]:
            seen[there] |= arriving[there]
            front[there] = arriving[there]
            count = _bits(arriving[there])
            total += level * count
            reached += count
            arriving[there] = 0
        frontier = following[:m].copy()
    return total, reached


def mean_path(adjacency: sp.csr_matrix, sample: int = STRONG_PATH_SAMPLE) -> float:
    """Mean shortest path (in ties) from ``sample`` consumers evenly spaced by index to
    every consumer they reach (exact when ``sample`` is at least the number of consumers).
    The sample is fixed rather than drawn, so measuring takes nothing from the model's
    generator; indices carry no meaning beyond a place on the ring, which every consumer's
    ties treat alike. NaN when no source reaches anyone."""
    n = adjacency.shape[0]
    sources = np.unique(np.linspace(0, n - 1, min(sample, n)).astype(np.int64))
    indptr, indices = adjacency.indptr.astype(np.int64), adjacency.indices.astype(np.int64)
    total = reached = 0
    for start in range(0, sources.size, 64):
        t, r = _path_lengths(indptr, indices, sources[start:start + 64])
        total, reached = total + t, reached + r
    return total / reached if reached else float("nan")


def network_statistics(ties: Ties) -> dict[str, float]:
    """The strong layer's degree (mean, 99th percentile, maximum), average local clustering
    (consumers with fewer than two ties count as 0, as in networkx) and mean shortest path
    (:func:`mean_path`, over ``strong_path_sample`` breadth-first searches)."""
    adjacency = ties.strong.adjacency
    degree = np.diff(adjacency.indptr)
    triangles = np.zeros(ties.n)
    graph_kernels.triangles(adjacency.indptr, adjacency.indices, triangles)
    pairs = degree * (degree - 1) / 2
    local = np.divide(triangles, pairs, out=np.zeros(ties.n), where=pairs > 0)
    return {"strong_degree_mean": float(degree.mean()) if ties.n else 0.0,
            "strong_degree_p99": float(np.percentile(degree, 99)) if ties.n else 0.0,
            "strong_degree_max": int(degree.max(initial=0)),
            "strong_clustering": float(local.mean()) if ties.n else 0.0,
            "strong_path_mean": mean_path(adjacency),
            "strong_path_sample": min(STRONG_PATH_SAMPLE, ties.n)}


def to_networkx(ties: Ties) -> nx.Graph:
    """The tie network as a networkx graph with a boolean ``strong`` edge attribute."""
    graph = nx.Graph()
    graph.add_nodes_from(range(ties.n))
    for layer, strong in ((ties.weak, False), (ties.strong, True)):
        coo = sp.triu(layer.adjacency, k=1).tocoo()
        graph.add_edges_from(zip(coo.row.tolist(), coo.col.tolist(), strict=True),
                             strong=strong)
    return graph
