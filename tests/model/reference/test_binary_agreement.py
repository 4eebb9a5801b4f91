"""The binary-agreement model of Xie et al. 2011: each interaction rule by hand."""

import pytest

from sim.model.reference.binary_agreement import AB, A, B, BinaryAgreement, interact


@pytest.mark.parametrize(("speaker", "listener", "coin", "after"), [
    (A, B, True, [A, AB]),     # listener lacks A: adds it
    (A, AB, True, [A, A]),     # listener holds A: both keep only A
    (AB, B, False, [B, B]),    # speaker says B (coin), listener holds it: agreement
    (AB, B, True, [AB, AB]),   # speaker says A: listener adds it, speaker unchanged
    (B, AB, True, [B, B]),
])
def test_one_interaction(speaker, listener, coin, after):
    state = [speaker, listener]
    interact(state, [False, False], 0, 1, coin)
    assert state == after


def test_committed_agents_never_change():
    state = [B, A]
    interact(state, [False, True], 0, 1, True)  # committed listener hears B
    assert state == [B, A]
    state = [AB, A]
    interact(state, [False, True], 1, 0, True)  # committed speaker says A: agreement
    assert state == [A, A]


def test_uncommitted_start_at_b_and_tip_with_a_large_minority():
    model = BinaryAgreement(rng=1, n_agents=500, committed_share=0.2)
    assert (model.state[~model.committed] == B).all() and model.committed.sum() == 100
    model.run_for(30)
    assert model.outcomes() == {"adoption": 1.0, "tipped": True}
