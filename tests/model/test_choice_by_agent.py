"""The week's rules one consumer at a time (their Python source, as a Mesa example would
loop over its agents) give the compiled choices on the same state and draws, to the bit."""

import numpy as np
import pytest

from sim.model.market import TrustMarket


@pytest.mark.parametrize("seed, weeks, params", [
    (1, 30, {"committed_share": 0.1}),
    (2, 80, {"committed_share": 0.2, "factory_pricing": "responsive"}),
    (3, 5, {"early_adopter_share": 0.1, "endorsements_needed": 2}),
])
def test_agent_by_agent_choices_equal_the_compiled_choices(seed, weeks, params, same_bits):
    model = TrustMarket(rng=seed, n_consumers=400, need_rate=0.7, **params)
    model.run_for(weeks)
    need = model.draw_needs()
    referral = model.ask_network()
    state = model.rng.bit_generator.state

    def choose():
        model.rng.bit_generator.state = state
        vendor, acted = model.choose(need, referral)
        return model.consumers.choice.copy(), vendor, acted

    choices, vendor, _ = same_bits(choose)
    assert set(np.unique(choices)) == {0, 1, 2}  # nothing, factory and platform all occur
    assert (vendor[choices == 2] >= 0).any() and (vendor[choices != 2] == -1).all()


def test_whole_weeks_one_consumer_at_a_time_equal_the_compiled_weeks(same_bits):
    """Every rule of a week at once, at the week's own layer scale, floor and peaks after
    the ties have decayed and been used."""
    def run():
        model = TrustMarket(rng=4, n_consumers=300, committed_share=0.1, tie_decay=0.05)
        model.run_for(8)
        return (model.consumers, model.vendors.good, model.vendors.cash,
                model.ties.strong.stored.data, model.ties.weak.stored.data,
                model.week["platform_share"])

    consumers, good, *_ = same_bits(run)
    assert good.sum() > 0 and consumers.ever_used.sum() > 30
