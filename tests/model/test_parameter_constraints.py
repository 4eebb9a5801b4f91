"""Rules between parameters: each refuses its combination in one line naming every parameter,
the defaults pass them all, and the combinations that broke the model are refused."""

import pytest

from sim.model import parameter_constraints
from sim.model.parameter_constraints import RULES, ConstraintError
from sim.model.parameters import DEFAULTS, PARAMETERS, ParameterError, resolve
from sim.model.registry import resolve_value

# One combination per rule, each value inside its own declared range.
BROKEN = [
    {"factory_price": 0.5, "factory_marginal_cost": 0.5},
    {"factory_marginal_cost": 0.0, "factory_fixed_cost_share": 0.0},
    {"n_consumers": 50, "strong_ties": 50.0, "weak_ties": 0.0},
    {"n_consumers": 50, "strong_ties": 12.0, "weak_ties": 40.0},
    {"strong_ties": 40.0, "strong_tie_cap": 30},
    {"n_consumers": 50, "initial_vendors": 51, "weak_ties": 10.0},
    {"vendor_quality_spread": 2.2250738585e-313},
    {"vendor_quality_mean": 0.99, "vendor_quality_spread": 0.1},
    {"institutional_weight": 0.0},
    {"factory_price": 100.0, "factory_marginal_cost": 1.0, "beta_price": 50.0},
]


def test_defaults_pass_every_rule():
    assert parameter_constraints.check(dict(DEFAULTS)) == DEFAULTS


def test_every_rule_names_declared_parameters():
    for rule in RULES:
        assert set(rule.names) <= set(PARAMETERS), rule.names
        assert all(name in rule.allowed for name in rule.names[:2]), rule.allowed
    assert len({rule.names for rule in RULES}) == len(RULES)


@pytest.mark.parametrize("overrides, rule", list(zip(BROKEN, RULES, strict=True)))
def test_each_rule_refuses_its_combination_naming_every_parameter(overrides, rule):
    for name, value in overrides.items():
        assert PARAMETERS[name].check(value) == value  # each value alone is allowed
    with pytest.raises(ConstraintError) as error:
        resolve(overrides)
    message = str(error.value)
    assert "\n" not in message
    shown = ", ".join(f"{n} = {error.value.params[n]!r}" for n in rule.names)
    assert message == f"parameters {shown}: allowed: {rule.allowed}"
    assert isinstance(error.value, ParameterError)


def test_marginal_cost_at_or_above_price_is_refused_with_both_values():
    with pytest.raises(ParameterError) as error:
        resolve({"factory_price": 0.01, "factory_marginal_cost": 100.0})
    assert str(error.value).startswith(
        "parameters factory_marginal_cost = 100.0, factory_price = 0.01: allowed: "
        "factory_marginal_cost < factory_price")
    assert resolve({"factory_price": 2.0, "factory_marginal_cost": 1.99})["factory_price"] == 2.0


def test_sixty_strong_ties_among_fifty_consumers_is_refused():
    with pytest.raises(ParameterError, match=r"strong_ties = 60.0, n_consumers = 50: allowed"):
        resolve({"n_consumers": 50, "strong_ties": 60})


def test_quality_spread_bound_is_the_beta_limit():
    mean = 0.9
    limit = (mean * (1 - mean)) ** 0.5  # 0.3
    assert resolve({"vendor_quality_mean": mean, "vendor_quality_spread": limit - 1e-9})
    with pytest.raises(ConstraintError):
        resolve({"vendor_quality_mean": mean, "vendor_quality_spread": limit})


def test_resolve_value_gives_the_coerced_value_whatever_the_other_defaults():
    assert resolve_value("trust_market", "factory_marginal_cost", 2) == 2.0
    assert type(resolve_value("trust_market", "factory_marginal_cost", 2)) is float
    with pytest.raises(ParameterError, match="got -1"):
        resolve_value("trust_market", "factory_marginal_cost", -1)


def test_the_model_itself_refuses_a_broken_combination():
    from sim.model.market import TrustMarket

    with pytest.raises(ConstraintError, match="factory_fixed_cost_share"):
        TrustMarket(n_consumers=60, factory_marginal_cost=0.0, factory_fixed_cost_share=0.0)
