"""The naming game of Centola et al. 2018: the best response from a given memory, one round
by hand, and the committed minority's tipping at its two sides."""

import numpy as np
import pytest

from sim.model.reference.naming_game import NEW, OLD, NamingGame, best_response, simulate


@pytest.mark.parametrize(("new_heard", "coin", "said"), [
    (7, False, NEW), (12, False, NEW), (5, True, OLD), (0, True, OLD),
    (6, True, NEW), (6, False, OLD),  # a tie in a memory of 12: the coin decides
])
def test_best_response_is_the_more_frequent_name_in_memory(new_heard, coin, said):
    assert best_response(new_heard, 12, coin) == said


def test_a_hearer_forgets_its_oldest_name():
    model = NamingGame(rng=3, n_agents=2, memory=3, committed_share=0.5)
    speaker = int(np.flatnonzero(model.committed)[0])
    hearer = 1 - speaker
    model.step()  # two interactions; only those where the committed agent speaks change it
    heard = model.heard[hearer].tolist()
    assert model.new_heard[hearer] == sum(heard)
    assert model.oldest[hearer] == model.new_heard[hearer]  # each NEW went in the next slot
    assert heard == [NEW] * sum(heard) + [OLD] * (3 - sum(heard))


def test_everyone_starts_remembering_the_established_name():
    model = NamingGame(rng=0, n_agents=50, memory=12, committed_share=0.2)
    assert model.committed.sum() == 10
    assert model.heard.shape == (50, 12) and not model.heard.any()


def test_committed_minority_tips_above_a_quarter_and_not_below():
    below = [simulate({"committed_share": 0.18}, 60, seed)[1]["tipped"] for seed in range(3)]
    above = [simulate({"committed_share": 0.32}, 60, seed)[1]["tipped"] for seed in range(3)]
    assert below == [False] * 3 and above == [True] * 3
