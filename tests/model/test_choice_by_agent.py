"""The agent-by-agent choice rule gives the array version's choices on the same draws."""

import numpy as np
import pytest

from sim.model import choice_by_agent
from sim.model.market import TrustMarket


@pytest.mark.parametrize("seed, weeks, params", [
    (1, 30, {"committed_share": 0.1}),
    (2, 80, {"committed_share": 0.2, "factory_pricing": "responsive"}),
    (3, 5, {"early_adopter_share": 0.1, "endorsements_needed": 2}),
])
def test_agent_by_agent_choices_equal_the_array_choices(seed, weeks, params):
    model = TrustMarket(rng=seed, n_consumers=400, need_rate=0.7, **params)
    model.run_for(weeks)
    need = model.draw_needs()
    referral = model.ask_network()
    state = model.rng.bit_generator.state
    choices, vendors = choice_by_agent.choose(model, need, referral)
    model.rng.bit_generator.state = state
    vendor, _ = model.choose(need, referral)
    np.testing.assert_array_equal(np.array(choices), model.consumers.choice)
    np.testing.assert_array_equal(np.array(vendors), vendor)
    assert len(set(choices)) == 3  # nothing, factory and platform all occur
