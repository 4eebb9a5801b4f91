"""The tie network (M1) and the compiled referral paths (M2) against their Python source."""

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from sim.model.rules import graph_kernels, network, trust
from sim.model.rules.records import TieLayer


def _ties(n=2000, mean=12.0, model="dunbar_layers", clustering=0.5, cap=30, seed=0,
          long_range=0.2):
    return network.build_ties(n, mean, 40.0, model, clustering, cap, 0.15, 0.8,
                              np.random.default_rng(seed), long_range=long_range)


def _random_graph_path(n, edges, seed=0):
    """Mean shortest path of networkx's G(n, m) random graph with the same ties."""
    graph = nx.gnm_random_graph(n, edges, seed=seed)
    return network.mean_path(sp.csr_matrix(nx.to_scipy_sparse_array(graph, format="csr")))


@pytest.mark.parametrize("n", [2000, 20000])
def test_the_strong_layer_is_a_small_world_clustered_with_paths_within_twice_random(n):
    ties = _ties(n=n)
    stats = network.network_statistics(ties)
    assert 0.2 <= stats["strong_clustering"] <= 0.5
    assert stats["strong_degree_max"] <= 30
    assert stats["strong_path_sample"] == 64
    random_path = _random_graph_path(n, ties.strong.adjacency.nnz // 2)
    k = stats["strong_degree_mean"]
    assert random_path == pytest.approx(np.log(n) / np.log(k), rel=0.15)
    assert random_path < stats["strong_path_mean"] <= 2 * random_path
    assert stats["strong_path_mean"] <= (8 if n == 2000 else 12)


def test_strong_paths_grow_like_the_log_of_the_population_and_on_a_ring_like_it():
    small, large = (network.network_statistics(_ties(n=n))["strong_path_mean"]
                    for n in (2000, 20000))
    assert 0.5 < large - small < 2.0  # log: about 1.2 more hops for 10 times the people
    ring_small, ring_large = (network.network_statistics(_ties(n=n, long_range=0.0))
                              ["strong_path_mean"] for n in (2000, 20000))
    assert ring_small > 40 and ring_large / ring_small == pytest.approx(10, rel=0.05)


@pytest.mark.parametrize("share", [0.1, 0.3])
def test_a_share_long_range_of_strong_ties_leaves_the_ring_band(share):
    n, mean = 20000, 12.0
    lo, hi = network.dunbar_layers(n, mean, 0.5, share, np.random.default_rng(3))
    band = network.band_profile(mean * (1 - share), 0.5 / (1 - share) ** 2).size
    distance = np.minimum(hi - lo, n - (hi - lo))
    assert lo.size == pytest.approx(n * mean / 2, rel=0.03)
    assert np.mean(distance > band) == pytest.approx(share * (1 - 2 * band / n), abs=0.01)


def test_mean_path_equals_networkx_and_skips_consumers_out_of_reach():
    graph = nx.connected_watts_strogatz_graph(300, 6, 0.05, seed=2)
    graph.add_nodes_from(range(300, 310))
    graph.add_edge(300, 301)
    lengths = dict(nx.all_pairs_shortest_path_length(graph))
    exact = np.mean([d for s in lengths for t, d in lengths[s].items() if t != s])
    adjacency = sp.csr_matrix(nx.to_scipy_sparse_array(graph, format="csr"))
    assert network.mean_path(adjacency, sample=310) == pytest.approx(exact, abs=1e-12)
    assert network.mean_path(adjacency, sample=64) == pytest.approx(exact, rel=0.05)
    assert np.isnan(network.mean_path(sp.csr_matrix((3, 3))))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dunbar_layers_keep_mean_degree_cap_and_clustering_at_the_defaults(seed):
    stats = network.network_statistics(_ties(seed=seed))
    assert stats["strong_degree_mean"] == pytest.approx(12.0, rel=0.05)
    assert stats["strong_degree_max"] <= 30
    assert 0.2 <= stats["strong_clustering"] <= 0.5


def test_the_cap_binds_when_inner_circles_would_exceed_it():
    stats = network.network_statistics(_ties(mean=20.0, cap=24))
    assert stats["strong_degree_max"] == 24
    hubs = network.network_statistics(_ties(model="holme_kim", cap=30))
    assert hubs["strong_degree_max"] <= 30


def test_the_same_seed_builds_the_same_ties_and_another_seed_others():
    a, b, c = _ties(n=500, seed=4), _ties(n=500, seed=4), _ties(n=500, seed=5)
    assert (a.strong.adjacency != b.strong.adjacency).nnz == 0
    assert (a.weak.adjacency != b.weak.adjacency).nnz == 0
    assert (a.strong.adjacency != c.strong.adjacency).nnz > 0


def test_weak_ties_never_duplicate_strong_ties_or_loop():
    ties = _ties(n=800)
    assert ties.strong.adjacency.multiply(ties.weak.adjacency).nnz == 0
    assert ties.weak.adjacency.diagonal().sum() == 0
    assert (ties.weak.adjacency != ties.weak.adjacency.T).nnz == 0


def test_network_statistics_of_a_triangle_with_a_tail():
    lo, hi = np.array([0, 0, 1, 2]), np.array([1, 2, 2, 3])
    layer = network.Layer(network._symmetric(lo, hi, 4), 1.0, 0.0)
    stats = network.network_statistics(network.Ties(layer, layer))
    assert stats["strong_degree_mean"] == 2.0
    assert stats["strong_degree_max"] == 3
    assert stats["strong_clustering"] == pytest.approx((1 + 1 + 1 / 3 + 0) / 4)


def test_clustering_equals_networkx_average_clustering():
    ties = _ties(n=600, seed=3)
    graph = nx.from_scipy_sparse_array(ties.strong.adjacency)
    assert network.network_statistics(ties)["strong_clustering"] == pytest.approx(
        nx.average_clustering(graph), abs=1e-12)


def test_symmetric_csr_equals_scipy():
    rng = np.random.default_rng(5)
    a, b = rng.integers(0, 300, 3000), rng.integers(0, 300, 3000)
    keep = a != b
    lo, hi = graph_kernels.sorted_pairs(np.minimum(a, b)[keep], np.maximum(a, b)[keep], 300)
    assert np.all((lo[1:] > lo[:-1]) | ((lo[1:] == lo[:-1]) & (hi[1:] > hi[:-1])))
    ours = network._symmetric(lo, hi, 300)
    ref = sp.coo_matrix((np.ones(2 * lo.size), (np.r_[lo, hi], np.r_[hi, lo])),
                        shape=(300, 300)).tocsr()
    ref.sort_indices()
    np.testing.assert_array_equal(ours.indptr, ref.indptr)
    np.testing.assert_array_equal(ours.indices, ref.indices)


def _uneven(ties, rng, scale, floor):
    """The layers' records with uneven stored trust (as after weeks of use and decay), the
    given strong ``scale`` and ``floor`` and a weak scale of one half."""
    for layer in (ties.strong, ties.weak):
        layer.stored.data[:] = rng.choice([0.2, 0.5, 1.0, 1.7], size=layer.stored.nnz)
        layer.peak = float(layer.stored.data.max())
    strong = TieLayer.of(ties.strong)._replace(scale=scale, floor=floor)
    return strong, TieLayer.of(ties.weak)._replace(scale=0.5)


@pytest.mark.parametrize("seed, scale, floor, loose", [
    (0, 1.0, 0.0, 1.0), (1, 0.37, 0.8, 1.0), (2, 0.6, 0.3, 2.5), (3, 1.9, 0.0, 1.3)])
def test_compiled_referrals_equal_their_python_source_at_any_scale_floor_and_peak(
        seed, scale, floor, loose, same_bits):
    """At the week's settings (a layer's scale, its floor, its peaks) and others, with a
    peak that only bounds the stored trust from above (``loose`` times the largest): the
    compiled row kernels give what their Python source gives, and a loose peak what the
    tight one gives."""
    rng = np.random.default_rng(seed)
    ties = _ties(n=400, mean=8.0, seed=seed)
    strong, weak = _uneven(ties, rng, scale, floor)
    strength = np.where(rng.random(400) < 0.2, rng.choice([0.5, 0.8], 400), 0.0)
    asking = rng.random(400) < 0.4
    tight = same_bits(lambda: trust.propagate_referrals(strong, weak, strength, 3, 0.6,
                                                        asking=asking))
    looser = (strong._replace(peak=strong.peak * loose), weak._replace(peak=weak.peak * loose))
    same_bits(lambda: trust.propagate_referrals(*looser, strength, 3, 0.6, asking=asking))
    for a, b in zip(tight, trust.propagate_referrals(*looser, strength, 3, 0.6, asking=asking),
                    strict=True):
        np.testing.assert_array_equal(a, b)
    weight, source, via = tight
    relayed = (source >= 0) & (source != via)
    assert relayed.sum() >= 3 and (weight[asking] > 0).sum() > 50  # relays are exercised
    assert (source[~asking & (weight > 0)] >= 0).all()


def test_ties_of_some_rows_equal_those_rows_of_the_whole_matrix_after_decay():
    from sim.model.market import TrustMarket

    model = TrustMarket(n_consumers=300, tie_decay=0.05, rng=2)
    model.run_for(12)
    which = np.array([0, 7, 150, 299])
    for layer in (model.ties.strong, model.ties.weak):
        row, col, trust = layer.ties_of(which)
        whole = layer.matrix()[which].tocoo()
        np.testing.assert_array_equal(row, whole.row)
        np.testing.assert_array_equal(col, whole.col)
        np.testing.assert_array_equal(trust, whole.data)
        assert row.max() == 3 and trust.size == layer.stored[which].nnz > 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_referrals_for_the_rows_asking_equal_those_of_the_whole_network(seed):
    """Computing the last hop only for the rows asking gives them the same result as
    computing every row."""
    rng = np.random.default_rng(seed)
    strong, weak = _uneven(_ties(n=400, mean=8.0, seed=seed), rng, 0.7, 0.4)
    strength = np.where(rng.random(400) < 0.3, rng.choice([0.5, 0.8], 400), 0.0)
    asking = rng.random(400) < 0.1
    for hops in (1, 2, 3, 4):
        whole = trust.propagate_referrals(strong, weak, strength, hops, 0.6)
        part = trust.propagate_referrals(strong, weak, strength, hops, 0.6, asking=asking)
        for a, b in zip(part, whole, strict=True):
            np.testing.assert_array_equal(a[asking], b[asking])
        if hops == 1:  # only the asking rows were computed
            assert (part[0][~asking] == 0).all() and (part[2][~asking] == -1).all()
            assert (whole[2][~asking] >= 0).sum() > 100
