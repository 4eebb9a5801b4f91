"""The one parameter declaration: its checks, and every reader of it in step."""

import pytest

from sim.model.parameters import DEFAULTS, PARAMETERS, ParameterError, parse_value, resolve
from sim.outputs import odd as docs


def test_odd_parameter_table_matches_the_declarations():
    text = docs.ODD.read_text(encoding="utf-8")
    assert docs.render(text) == text, "run `python -m sim.outputs.odd` to regenerate the table"
    for name in PARAMETERS:
        assert f"| `{name}` |" in text


def test_every_declaration_is_complete_and_its_default_allowed():
    for p in PARAMETERS.values():
        assert p.description and p.source and p.group, p.name
        assert p.check(p.default) == p.default
        if p.kind in (int, float):
            assert p.low <= p.default <= p.high, p.name


def test_public_names_of_the_brief_exist():
    names = {"n_consumers", "strong_ties", "weak_ties", "referral_hops", "endorsements_needed",
             "committed_share", "consumer_switching", "factory_fixed_cost_share",
             "factory_pricing", "factory_reprice_every", "factory_cash_reserve_weeks",
             "platform_fee"}
    assert names <= set(PARAMETERS)
    assert PARAMETERS["factory_pricing"].choices == ("fixed", "full_cost", "responsive")


def test_resolve_fills_defaults_and_checks_overrides():
    params = resolve({"committed_share": 0.3, "referral_hops": 2.0})
    assert params["committed_share"] == 0.3
    assert params["referral_hops"] == 2 and isinstance(params["referral_hops"], int)
    assert params["platform_fee"] == DEFAULTS["platform_fee"]


@pytest.mark.parametrize("overrides, message", [
    ({"comitted_share": 0.1},
     "unknown parameter 'comitted_share' (did you mean 'committed_share'?)"),
    ({"platform_fee": 0.9}, "parameter 'platform_fee': got 0.9, allowed: a number in [0, 0.5]"),
    ({"referral_hops": 1.5}, "parameter 'referral_hops': got 1.5, allowed: an integer in [0, 6]"),
    ({"factory_pricing": "cost_plus"},
     "parameter 'factory_pricing': got 'cost_plus', allowed: one of \"fixed\", \"full_cost\""),
    ({"consumer_switching": "no"},
     "parameter 'consumer_switching': got 'no', allowed: true or false"),
    ({"n_consumers": True}, "parameter 'n_consumers': got True"),
])
def test_bad_values_name_the_parameter_and_what_is_allowed(overrides, message):
    with pytest.raises(ParameterError) as error:
        resolve(overrides)
    assert str(error.value).startswith(message)


def test_command_line_values_are_parsed_to_the_declared_type():
    assert parse_value("consumer_switching", "false") is False
    assert parse_value("n_consumers", "500") == 500
    assert parse_value("factory_pricing", "fixed") == "fixed"
    with pytest.raises(ParameterError):
        parse_value("platform_fee", "ten percent")
    with pytest.raises(ParameterError, match=r"got 10, allowed: an integer in \[50, 1e\+06\]"):
        parse_value("n_consumers", "10")
    with pytest.raises(ParameterError, match=r"got 500.5, allowed: an integer"):
        parse_value("n_consumers", "500.5")


def test_every_parameter_has_a_plausible_range_or_a_reason_to_be_fixed_never_both():
    assert [n for n, p in PARAMETERS.items() if bool(p.plausible) == bool(p.fixed)] == []
    for name in ("beta_quality", "beta_price", "beta_risk", "search_rate", "tie_threshold",
                 "referral_hops", "hop_discount", "referral_withhold", "referral_reciprocity",
                 "referral_status", "referral_reputation_cost"):
        assert PARAMETERS[name].plausible is not None, name
    assert PARAMETERS["tie_threshold"].plausible == (2, 6)
    assert PARAMETERS["committed_share"].fixed.startswith("experiment design")
    text = docs.ODD.read_text(encoding="utf-8")
    assert "| fixed: normalisation: the factory's starting price is the unit of money |" in text


def test_plausible_ranges_lie_inside_the_allowed_ranges_and_name_their_source():
    ranged = {n: p for n, p in PARAMETERS.items() if p.plausible is not None}
    assert {"factory_fixed_cost_share", "habit", "platform_fee", "vendor_unit_cost",
            "clustering", "strong_ties", "factory_cash_reserve_weeks"} <= set(ranged)
    for name, p in ranged.items():
        low, high = p.plausible
        assert p.low <= low < high <= p.high, name
        assert type(low) is type(high) is p.kind, name
        assert p.plausible_source, name
    assert PARAMETERS["factory_fixed_cost_share"].plausible == (0.55, 0.85)
    assert PARAMETERS["habit"].plausible == (2.0, 4.0)
    text = docs.ODD.read_text(encoding="utf-8")
    assert "| 0.55 – 0.85 (newspapers c. 2000" in text
