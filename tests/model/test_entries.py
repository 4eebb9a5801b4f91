"""The week calls its compiled rules from Python through their entries
(``sim.model.rules.records.entry``): each takes the same arguments as its rule and gives
the same results, to the bit; a rule that takes no record is its own entry."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import typing
from typing import NamedTuple

import numpy as np
from numba import njit
from numba.core.dispatcher import Dispatcher

import sim.model.rules
from sim.model.market import TrustMarket
from sim.model.rules import referral_paths, weekly
from sim.model.rules.python_source import python_source
from sim.model.rules.records import TieLayer, entry


def _rules() -> dict[str, Dispatcher]:
    """Every compiled function of ``sim.model.rules`` made by ``records.rule``, by name."""
    found = {}
    for info in pkgutil.iter_modules(sim.model.rules.__path__):
        module = importlib.import_module(f"sim.model.rules.{info.name}")
        for name, value in vars(module).items():
            if (isinstance(value, Dispatcher) and hasattr(value, "entry")
                    and value.py_func.__module__ == module.__name__):
                found[f"{info.name}.{name}"] = value
    return found


def _takes_a_record(rule: Dispatcher) -> bool:
    hints = typing.get_type_hints(rule.py_func)
    return any(isinstance(kind, type) and issubclass(kind, tuple) and hasattr(kind, "_fields")
               for name, kind in hints.items() if name != "return")


def test_a_rule_that_takes_a_record_has_an_entry_with_its_own_arguments():
    rules = _rules()
    with_entry = sorted(name for name, rule in rules.items() if rule.entry is not rule)
    assert with_entry == sorted(name for name, rule in rules.items() if _takes_a_record(rule))
    assert {"weekly.recommend", "weekly.take_choices", "books.book_buyers",
            "referral_paths.propagate", "referrals.credit_referrals"} <= set(with_entry)
    assert weekly.draw_from_weights.entry is weekly.draw_from_weights  # arrays only
    assert (len(with_entry), len(rules) - len(with_entry)) == (27, 6)
    for name in with_entry:
        rule = rules[name]
        assert (list(inspect.signature(rule.entry).parameters)
                == list(inspect.signature(rule.py_func).parameters)), name
        assert rule.entry.__doc__ == rule.py_func.__doc__


def test_an_entry_returns_what_its_rule_returns_and_writes_what_it_writes():
    model = TrustMarket(n_consumers=300, committed_share=0.1, rng=5)
    model.run_for(30)
    strong = model.ties.strong

    def propagate(call):
        n = model.p["n_consumers"]
        outs = (np.empty(n), np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n),
                np.empty(n, np.int64))
        strength = np.random.default_rng(1).random(n)
        asking = np.random.default_rng(2).random(n) < 0.3
        result = call(TieLayer.of(strong), TieLayer.of(model.ties.weak), strength, 3, 0.7,
                      np.ones(n, bool), asking, *outs)
        return result, outs[:3]

    by_rule, by_entry = propagate(referral_paths.propagate), propagate(
        referral_paths.propagate.entry)
    assert by_rule[0] == by_entry[0]
    for a, b in zip(by_rule[1], by_entry[1], strict=True):
        np.testing.assert_array_equal(a, b)
    assert (by_rule[1][1] >= 0).sum() > 30  # some rows hear a referral


def _run(weeks: int) -> tuple[dict, dict]:
    model = TrustMarket(n_consumers=400, committed_share=0.1, rng=3)
    model.run_for(weeks)
    series = {k: np.asarray(v, float) for k, v in model.datacollector.model_vars.items()}
    state = {**model.consumers._asdict(), "platform_trust": model.platform_trust,
             "cash": model.vendors.cash, "good": model.vendors.good,
             "ties": model.ties.strong.stored.data}
    return series, state


def test_a_market_run_through_the_entries_equals_one_through_the_rules(monkeypatch):
    """120 weeks of a market of 400 (the platform takes over in them), through the entries
    and then with every entry replaced by its rule, give the same series and state."""
    entries_run = _run(120)
    for rule in _rules().values():
        monkeypatch.setattr(rule, "entry", rule)
    rules_run = _run(120)
    assert entries_run[0].keys() == rules_run[0].keys()
    for part_e, part_r in zip(entries_run, rules_run, strict=True):
        for name in part_e:
            np.testing.assert_array_equal(part_e[name], part_r[name], err_msg=name)
    share = entries_run[0]["platform_share"]
    assert share[:4].max() < 0.5 < share[-1]  # the run moves: the rules have work to do


def test_under_python_source_a_rules_entry_is_its_python_source():
    compiled = weekly.take_choices
    with python_source():
        assert weekly.take_choices.entry is compiled.py_func
    assert weekly.take_choices is compiled


def test_a_market_runs_from_the_python_source_through_the_entries():
    """The whole week from the Python source (the agent-by-agent reference): the entries
    are the rules' own Python functions there, and the run is the compiled one's."""
    compiled = TrustMarket(n_consumers=60, committed_share=0.1, rng=2)
    compiled.run_for(6)
    with python_source():
        source = TrustMarket(n_consumers=60, committed_share=0.1, rng=2)
        source.run_for(6)
    assert (compiled.datacollector.model_vars["platform_share"]
            == source.datacollector.model_vars["platform_share"])
    np.testing.assert_array_equal(compiled.consumers.fav, source.consumers.fav)


def test_a_parameter_record_holds_each_value_as_the_type_its_field_names():
    """``from_params`` reads a record's fields from the parameters as floats and bools (the
    records' annotations are strings; a bool read as 1.0 made numba type it as a float)."""
    from sim.model.parameters import resolve
    from sim.model.rules.records import Learning, Tastes, from_params

    tastes = from_params(Tastes, resolve({"trust_channels": False, "habit": 2}))
    assert tastes.trust_channels is False and type(tastes.habit) is float
    assert tastes.habit == 2.0
    learning = from_params(Learning, resolve({}))
    assert learning.trust_channels is True
    assert [type(v) for v in learning] == [float, bool, float]


class _One(NamedTuple):
    x: np.ndarray


class _Renamed(NamedTuple):  # the same types as _One, another field
    y: np.ndarray


def _reader(kind: type) -> Dispatcher:
    def read(r):
        return r[0][0]

    read.__annotations__ = {"r": kind, "return": float}
    return njit(read)


def test_an_entry_cached_for_a_records_fields_is_not_taken_for_other_fields():
    """Numba keys a cached entry on its arguments' types (plain tuples, which do not name
    their fields) and checks it against the rule's own file: a record whose fields change
    in records.py must give its rules' entries other cache entries, which their names do."""
    def cached_as(rule: Dispatcher) -> str:
        return entry(rule).__globals__["ENTRY"].py_func.__name__

    one, again, renamed = (cached_as(_reader(kind)) for kind in (_One, _One, _Renamed))
    assert one == again and one.startswith("read_entry_")
    assert renamed != one and renamed.startswith("read_entry_")
    x = np.arange(3.0)
    assert entry(_reader(_One))(_One(x)) == entry(_reader(_Renamed))(_Renamed(x)) == 0.0
