"""Where the app draws each consumer: inner circles as visible clusters.

The strong layer is a ring of overlapping inner circles with a share of long-range ties
(:mod:`sim.model.rules.network`). A spring layout of all strong ties pulls every circle
towards the middle along its long-range ties, and the circles blur into one ball. Here the
strong layer is first split into communities (Louvain, seeded), each community starts
around its own point on a circle, and a short spring layout then pulls along strong ties
within a community at full weight and along those between communities at
``BETWEEN_WEIGHT``: strong ties come out short, clusters stand apart, and the random weak
ties (not part of the layout) come out long. Everything is seeded from the run's seed and
nothing is drawn from the model's generator, so the app's run is the model's run.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

BETWEEN_WEIGHT = 0.02  # pull of a strong tie between two communities, against 1 within one
ITERATIONS = 40  # spring iterations from the community start: under 1 s at 300 consumers
START_SPREAD = 0.15  # jitter of each consumer around its community's starting point


def strong_graph(graph: nx.Graph) -> nx.Graph:
    """The strong layer of the tie network (every consumer, strong ties only)."""
    strong = nx.Graph()
    strong.add_nodes_from(graph)
    strong.add_edges_from((u, v) for u, v, is_strong in graph.edges(data="strong")
                          if is_strong)
    return strong


def communities(strong: nx.Graph, seed: int) -> np.ndarray:
    """Each consumer's community on the strong layer (Louvain, seeded), numbered 0, 1, ...
    from the largest."""
    found = nx.community.louvain_communities(strong, seed=seed % 2**32)
    label = np.empty(strong.number_of_nodes(), dtype=np.int64)
    for k, members in enumerate(sorted(found, key=lambda c: (-len(c), min(c)))):
        label[sorted(members)] = k
    return label


def inner_circles(graph: nx.Graph, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions (n, 2) in which strong ties are short and communities stand apart, and
    each consumer's community (n,)."""
    strong = strong_graph(graph)
    n = strong.number_of_nodes()
    if n == 0:
        return np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
    label = communities(strong, seed)
    k = int(label.max()) + 1
    angle = 2 * np.pi * np.arange(k) / k
    centres = np.c_[np.cos(angle), np.sin(angle)] if k > 1 else np.zeros((1, 2))
    jitter = np.random.default_rng(seed).normal(0.0, START_SPREAD, size=(n, 2))
    start = centres[label] + jitter
    weighted = nx.Graph()
    weighted.add_nodes_from(strong)
    weighted.add_weighted_edges_from(
        (u, v, 1.0 if label[u] == label[v] else BETWEEN_WEIGHT) for u, v in strong.edges())
    pos = nx.spring_layout(weighted, pos={i: start[i] for i in range(n)}, seed=seed % 2**32,
                           iterations=ITERATIONS)
    return np.array([pos[i] for i in range(n)]), label


def mean_tie_lengths(xy: np.ndarray, graph: nx.Graph) -> dict[str, float]:
    """Mean drawn length of the strong and of the weak ties."""
    out = {}
    for name, kind in (("strong", True), ("weak", False)):
        ends = np.array([(u, v) for u, v, s in graph.edges(data="strong") if s == kind],
                        dtype=np.int64).reshape(-1, 2)
        lengths = np.linalg.norm(xy[ends[:, 0]] - xy[ends[:, 1]], axis=1)
        out[name] = float(lengths.mean()) if lengths.size else float("nan")
    return out
