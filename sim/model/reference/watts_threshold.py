"""Threshold cascades on a random graph (Watts 2002, PNAS 99:5766).

An Erdos-Renyi graph G(n, p) with p = ``mean_degree`` / (n - 1); every node has the same
``threshold``. One node, chosen at random, turns active; then, each step, every inactive
node with at least one neighbour turns active if the share of its neighbours that are
active is at least ``threshold``. Activity is never lost, so the final state does not
depend on the order of updates; the model stops when a step changes nothing.
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np
import pandas as pd
from scipy import sparse

from sim.model.reference.common import run
from sim.model.reference.declarations import REFERENCE_MODELS

GLOBAL = 0.1  # a cascade is global when it reaches more than this share of the nodes
_MODEL = next(m for m in REFERENCE_MODELS if m.name == "watts_threshold")


def erdos_renyi(n: int, mean_degree: float, rng: np.random.Generator) -> sparse.csr_matrix:
    """Adjacency of G(n, p), p = mean_degree / (n - 1): a binomial number of edges, drawn
    as the first distinct pairs of a sequence of uniform pairs."""
    pairs = n * (n - 1) // 2
    m = int(rng.binomial(pairs, min(1.0, mean_degree / max(n - 1, 1))))
    edges = np.empty((0, 2), np.int64)
    while len(edges) < m:
        draw = rng.integers(n, size=(int(1.1 * (m - len(edges))) + 16, 2))
        draw = np.sort(draw[draw[:, 0] != draw[:, 1]], axis=1)
        both = np.concatenate([edges, draw])
        _, first = np.unique(both[:, 0] * n + both[:, 1], return_index=True)
        edges = both[np.sort(first)]
    edges = edges[:m]
    ones = np.ones(2 * m, np.int8)
    rows = np.concatenate([edges[:, 0], edges[:, 1]])
    cols = np.concatenate([edges[:, 1], edges[:, 0]])
    return sparse.csr_matrix((ones, (rows, cols)), shape=(n, n))


def spread(adjacency: sparse.csr_matrix, active: np.ndarray, threshold: float) -> np.ndarray:
    """One synchronous update: who is active after every node has looked at its
    neighbours once."""
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    active_neighbours = adjacency @ active.astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(degree > 0, active_neighbours / np.maximum(degree, 1), 0.0)
    return active | ((degree > 0) & (share >= threshold))


class WattsThreshold(mesa.Model):
    """Watts 2002's cascade model; keyword arguments as :data:`.WATTS_THRESHOLD`."""

    def __init__(self, rng: Any = None, **params: Any) -> None:
        super().__init__(rng=rng)
        self.p = p = _MODEL.resolve(params)
        n = p["n_agents"]
        self.adjacency = erdos_renyi(n, p["mean_degree"], self.rng)
        self.active = np.zeros(n, bool)
        self.active[self.rng.integers(n)] = True
        self.datacollector = mesa.DataCollector(
            model_reporters={"active_share": lambda m: float(m.active.mean())})

    def step(self) -> None:
        """One synchronous update; the model stops when nothing changes."""
        after = spread(self.adjacency, self.active, self.p["threshold"])
        self.running = bool((after != self.active).any())
        self.active = after
        self.datacollector.collect(self)

    def outcomes(self) -> dict[str, Any]:
        """``cascade_size`` (final active share) and ``cascade`` (size above 0.1)."""
        size = float(self.active.mean())
        return {"cascade_size": size, "cascade": bool(size > GLOBAL)}


def simulate(params: dict[str, Any], steps: int, seed: int | np.random.SeedSequence,
             every: int = 1) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Run :class:`WattsThreshold` until it settles (at most ``steps`` updates)."""
    return run(WattsThreshold(rng=np.random.default_rng(seed), **params), steps, every)
