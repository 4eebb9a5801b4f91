"""The declared-field checks shared by every scenario table."""

import pytest

from sim.experiments.scenario_tables import (
    RANGE,
    ScenarioError,
    Setting,
    check_table,
    check_value,
    declare,
)
from sim.model.parameters import Param

FIELDS = declare(Setting("grid", 7, 3, 101, description="a whole number, 3 to 101"),
                 Setting("level", 0.95, 0.5, 0.999, description="a number in [0.5, 0.999]"),
                 Setting("n", 8, 2, 64, description="a power of 2",
                         test=lambda v: v & (v - 1) == 0),
                 Setting("low", 0.0, description="a number", required=True),
                 Setting("method", "lhs", choices=("lhs", "sobol")))


def test_a_table_is_filled_in_from_the_declared_defaults_and_whole_numbers_become_floats():
    values = check_table("f.toml", "t", {"low": 0, "n": 16}, FIELDS)
    assert values == {"grid": 7, "level": 0.95, "low": 0.0, "n": 16, "method": "lhs"}
    assert type(values["low"]) is float
    assert check_table("f.toml", "t", {"low": 1}, FIELDS, {"grid": 9})["grid"] == 9


def test_a_setting_is_a_model_parameter_declaration_and_words_default_to_the_parameters():
    assert isinstance(FIELDS["grid"], Param)
    assert FIELDS["method"].allowed() == 'one of "lhs", "sobol"'
    assert Setting("x", 0.5, 0, 1).allowed() == "a number in [0, 1]"


@pytest.mark.parametrize(("raw", "message"), [
    ({"low": 0, "gird": 5}, "f.toml: t.gird: unknown key (did you mean 'grid'?); allowed: "
     "grid, level, n, low, method"),
    ({}, "f.toml: t.low: missing; allowed: a number"),
    ({"low": True}, "f.toml: t.low: got True, allowed: a number"),
    ({"low": 0, "grid": 3.0}, "f.toml: t.grid: got 3.0, allowed: a whole number, 3 to 101"),
    ({"low": 0, "grid": 102}, "f.toml: t.grid: got 102, allowed: a whole number, 3 to 101"),
    ({"low": 0, "level": 1}, "f.toml: t.level: got 1, allowed: a number in [0.5, 0.999]"),
    ({"low": 0, "n": 12}, "f.toml: t.n: got 12, allowed: a power of 2"),
    ([1], "f.toml: t: got [1], allowed: a table"),
    ({"low": 0, "method": "sobl"}, "f.toml: t.method: got 'sobl' (did you mean 'sobol'?), "
     'allowed: one of "lhs", "sobol"'),
    ({"low": 0, "grid": 2**70}, f"f.toml: t.grid: got {2**70}, allowed: a whole number, 3 to 101"),
])
def test_each_error_is_one_line_naming_file_key_value_and_what_is_allowed(raw, message):
    with pytest.raises(ScenarioError) as error:
        check_table("f.toml", "t", raw, FIELDS)
    assert str(error.value) == message


@pytest.mark.parametrize("bounds", [[0.3, 0.1], [1], [0, "1"], [True, 2], "0, 1"])
def test_a_range_is_two_numbers_low_below_high(bounds):
    with pytest.raises(ScenarioError, match=r"allowed: \[low, high\] with low < high"):
        check_value("f.toml", "r.x", bounds, RANGE)
    assert check_value("f.toml", "r.x", [1, 2.5], RANGE) == [1, 2.5]
