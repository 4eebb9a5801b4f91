"""Reference models are declared with the trust market's Param and registered, so that
scenario files check their names and ranges alike."""

import pytest

from sim.experiments import scenarios
from sim.experiments.scenarios import ScenarioError
from sim.model.registry import MODELS, outcome_types, reporters, resolve_params

NAMES = ("naming_game", "binary_agreement", "watts_threshold", "bass", "granovetter")


def test_every_reference_model_is_registered_with_its_outcomes():
    assert set(NAMES) <= set(MODELS)
    assert outcome_types("naming_game") == {"adoption": "float64", "tipped": "bool"}
    assert outcome_types("watts_threshold") == {"cascade_size": "float64", "cascade": "bool"}
    assert reporters("bass") == ("time", "adopted_share")
    assert resolve_params("granovetter", {}) == {"n_agents": 10_000, "threshold_mean": 0.25,
                                                 "threshold_sd": 0.1}


@pytest.mark.parametrize(("body", "message"), [
    ('model = "naming_gme"', "t.toml: model: got 'naming_gme' (did you mean 'naming_game'?), "
     'allowed: one of "trust_market", "naming_game", "binary_agreement", "watts_threshold", '
     '"bass", "granovetter", "granovetter_reversible", "sector_market", "trust_market_forks", '
     '"granovetter_reversible_forks", "sector_market_forks"'),
    ('model = "naming_game"\n[params]\nmemroy = 12',
     "t.toml: params: unknown parameter 'memroy' (did you mean 'memory'?)"),
    ('model = "watts_threshold"\n[params]\nthreshold = 1.5',
     "t.toml: params: parameter 'threshold': got 1.5, allowed: a number in [0, 1]"),
    ('model = "bass"\n[sweep]\nn_agents = [100, 0]',
     "t.toml: sweep: parameter 'n_agents': got 0, allowed: an integer in [1, 1e+07]"),
])
def test_scenario_errors_name_the_reference_models_parameters(body, message):
    with pytest.raises(ScenarioError) as error:
        scenarios.parse(body, "t.toml")
    assert str(error.value) == message


def test_a_reference_scenario_resolves_its_own_defaults():
    scenario = scenarios.parse('model = "binary_agreement"\n[params]\nn_agents = 500', "t.toml")
    assert scenario.resolved() == {"n_agents": 500, "committed_share": 0.0}
