"""Granovetter 1978's riot: his own five-person example by hand, and the jump with spread."""

import numpy as np

from sim.model.reference.granovetter import join, simulate


def settle(thresholds):
    rioting = np.zeros(len(thresholds), bool)
    while (after := join(np.array(thresholds), rioting)).sum() > rioting.sum():
        rioting = after
    return rioting


def test_uniform_thresholds_riot_to_the_last_person():
    # thresholds 0, 1, 2, 3, 4 others out of 5: each joiner brings in the next
    assert settle([0.0, 0.2, 0.4, 0.6, 0.8]).tolist() == [True] * 5


def test_moving_one_threshold_stops_the_riot_at_the_instigator():
    assert settle([0.0, 0.4, 0.4, 0.6, 0.8]).tolist() == [True, False, False, False, False]


def test_one_step_joins_only_those_the_current_share_reaches():
    rioting = np.array([True, False, False, False])
    assert join(np.array([0.0, 0.25, 0.3, 0.1]), rioting).tolist() == [True, True, False, True]


def test_participation_jumps_as_the_spread_passes_about_0_12():
    low = simulate({"threshold_sd": 0.10}, 1000, 0)[1]
    high = simulate({"threshold_sd": 0.14}, 1000, 0)[1]
    assert low["participation"] < 0.05 and not low["riot"]
    assert high["participation"] > 0.99 and high["riot"]
