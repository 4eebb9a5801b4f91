"""Rules between parameters: combinations that each pass their own range but together make
the model meaningless or divide by zero.

Each :class:`Rule` names the parameters it reads, a predicate over the resolved parameters
and what is allowed. :func:`check` is called by :func:`sim.model.parameters.resolve`, so
scenarios, ``--set``, sweep and sample points and the model itself are all held to them. A
broken rule raises :class:`ConstraintError` (a ``ParameterError``) in one line naming every
parameter involved and its value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.model.parameters import ParameterError
from sim.model.rules import economics


class ConstraintError(ParameterError):
    """Parameters that pass one by one but not together. ``params`` holds the checked values,
    so a caller that checks one value before the rest are known can still read it."""

    def __init__(self, message: str, params: dict[str, Any]) -> None:
        super().__init__(message)
        self.params = params


@dataclass(frozen=True)
class Rule:
    """One rule: the parameters it reads, a predicate that is true when they fit, and the
    allowed combination in words."""

    names: tuple[str, ...]
    holds: Callable[[dict[str, Any]], bool]
    allowed: str


def _baseline_volume(p: dict[str, Any]) -> float:
    """The factory's weekly volume with the whole market at its starting price (the model's
    baseline, from which its fixed cost is set)."""
    with np.errstate(over="ignore"):  # a huge price makes exp overflow: the chance is 0
        chance = economics.factory_choice_probability(
            p["factory_price"], p["factory_quality"], p["factory_advertising"],
            p["beta_quality"], p["beta_price"])
    return p["n_consumers"] * p["need_rate"] * chance


RULES: tuple[Rule, ...] = (
    Rule(("factory_marginal_cost", "factory_price"),
         lambda p: p["factory_marginal_cost"] < p["factory_price"],
         "factory_marginal_cost < factory_price (the factory must earn a positive "
         "contribution per unit)"),
    Rule(("factory_marginal_cost", "factory_fixed_cost_share"),
         lambda p: p["factory_marginal_cost"] > 0 or p["factory_fixed_cost_share"] > 0,
         "factory_marginal_cost > 0 or factory_fixed_cost_share > 0 (with neither the "
         "factory's average cost is 0 and its full-cost markup divides by zero)"),
    Rule(("strong_ties", "n_consumers"),
         lambda p: p["strong_ties"] <= p["n_consumers"] - 1,
         "strong_ties <= n_consumers - 1 (a consumer has at most n_consumers - 1 ties)"),
    Rule(("strong_ties", "weak_ties", "n_consumers"),
         lambda p: p["strong_ties"] + p["weak_ties"] <= p["n_consumers"] - 1,
         "strong_ties + weak_ties <= n_consumers - 1 (a consumer has at most "
         "n_consumers - 1 ties)"),
    Rule(("strong_tie_cap", "strong_ties"),
         lambda p: p["strong_tie_cap"] >= p["strong_ties"],
         "strong_tie_cap >= strong_ties (no inner circle may exceed the cap, so their mean "
         "cannot)"),
    Rule(("initial_vendors", "n_consumers"),
         lambda p: p["initial_vendors"] <= p["n_consumers"],
         "initial_vendors <= n_consumers (every vendor is a consumer who opened a shop)"),
    Rule(("vendor_quality_spread",),
         lambda p: p["vendor_quality_spread"] == 0 or p["vendor_quality_spread"] >= 1e-6,
         "vendor_quality_spread = 0 or >= 1e-6 (a smaller spread squared underflows to 0 "
         "and the Beta's concentration divides by zero)"),
    Rule(("vendor_quality_spread", "vendor_quality_mean"),
         lambda p: p["vendor_quality_spread"] ** 2
         < p["vendor_quality_mean"] * (1 - p["vendor_quality_mean"]),
         "vendor_quality_spread^2 < vendor_quality_mean * (1 - vendor_quality_mean) (the "
         "largest spread a Beta distribution with that mean has)"),
    Rule(("institutional_weight",),
         lambda p: p["institutional_weight"] > 0,
         "institutional_weight > 0 (at 0 a consumer with no evidence has trust 0/0 in the "
         "platform)"),
    Rule(("factory_price", "beta_price", "beta_quality", "factory_quality",
          "factory_advertising", "need_rate", "n_consumers"),
         lambda p: _baseline_volume(p) >= 1.0,
         "factory_price and beta_price that leave the factory a baseline volume "
         "(n_consumers * need_rate * chance to buy at factory_price, with beta_quality, "
         "factory_quality, factory_advertising) of at least 1 unit a week"),
)


def _values(names: tuple[str, ...], params: dict[str, Any]) -> str:
    return ", ".join(f"{name} = {params[name]!r}" for name in names)


def check(params: dict[str, Any], rules: tuple[Rule, ...] = RULES) -> dict[str, Any]:
    """Return ``params`` if every rule whose parameters are all present holds; otherwise
    raise :class:`ConstraintError` for the first rule broken."""
    for rule in rules:
        if all(name in params for name in rule.names) and not rule.holds(params):
            raise ConstraintError(
                f"parameters {_values(rule.names, params)}: allowed: {rule.allowed}", params)
    return params
