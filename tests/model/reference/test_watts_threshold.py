"""Watts 2002's threshold cascade: the update rule on a hand-drawn graph, the graph's
degree, and the cascade window's two sides."""

import numpy as np
import pytest
from scipy import sparse

from sim.model.reference.watts_threshold import erdos_renyi, simulate, spread


def graph(edges, n):
    rows, cols = zip(*edges, strict=True)
    a = sparse.coo_matrix((np.ones(len(edges)), (rows, cols)), shape=(n, n))
    return (a + a.T).tocsr()


def test_a_cascade_on_a_hand_drawn_graph():
    # a path 0-1-2 with 2 also tied to 3, 4, 5 (degree 4) and 5 tied to 6 (degree 2)
    adjacency = graph([(0, 1), (1, 2), (2, 3), (2, 4), (2, 5), (5, 6)], 7)
    active = np.zeros(7, bool)
    active[0] = True
    step = spread(adjacency, active, 0.3)
    assert step.tolist() == [1, 1, 0, 0, 0, 0, 0]  # 1 has 1 of 2 active (0.5 >= 0.3)
    step = spread(adjacency, step, 0.3)
    assert step.tolist() == [1, 1, 0, 0, 0, 0, 0]  # 2 has 1 of 4 (0.25 < 0.3): it stops
    assert spread(adjacency, step, 0.25).tolist() == [1, 1, 1, 0, 0, 0, 0]


def test_erdos_renyi_has_the_mean_degree_and_no_loops():
    adjacency = erdos_renyi(20_000, 4.0, np.random.default_rng(0))
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    assert degree.mean() == pytest.approx(4.0, abs=0.05)
    assert adjacency.diagonal().sum() == 0 and adjacency.max() == 1
    assert (adjacency != adjacency.T).nnz == 0


@pytest.mark.parametrize(("mean_degree", "cascades"), [(0.7, 0), (3.0, 8), (8.0, 0)])
def test_global_cascades_only_inside_the_window(mean_degree, cascades):
    runs = [simulate({"n_agents": 3000, "mean_degree": mean_degree}, 500, s)[1]
            for s in range(10)]
    assert sum(r["cascade"] for r in runs) >= cascades if cascades else not any(
        r["cascade"] for r in runs)
