"""The models a scenario can name, each with its runner, parameter resolver and result types.

A model is a function ``simulate(params, steps, seed, every) -> (series, outcomes)`` (the
series a DataFrame with a ``step`` column, one row per kept step, the outcomes a dict) and a
function ``resolve(overrides) -> params`` that fills in defaults and checks values, raising
:class:`sim.model.parameters.ParameterError` (or its subclass
:class:`sim.model.parameter_constraints.ConstraintError` for a combination, carrying the values). A
model may also declare comparators: values that follow from a point's parameters alone, which
studies report beside their estimates (the trust market's break-even share). Reference models
join through :func:`register`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.model import parameters
from sim.model.measures import MODEL_REPORTERS, OUTCOME_TYPES
from sim.model.parameter_constraints import ConstraintError
from sim.model.reference.declarations import REFERENCE_MODELS
from sim.model.rules import economics
from sim.model.sectors import measures as sector_measures
from sim.model.sectors import parameters as sector_parameters

Simulate = Callable[..., tuple[Any, dict[str, Any]]]
Resolve = Callable[[dict[str, Any]], dict[str, Any]]
Comparators = Callable[[dict[str, Any]], dict[str, float]]
Builder = Callable[[dict[str, Any], Any], Any]

MODELS: dict[str, Simulate] = {}
_RESOLVERS: dict[str, Resolve] = {}
_REPORTERS: dict[str, tuple[str, ...]] = {}
_OUTCOME_TYPES: dict[str, dict[str, str]] = {}
_COMPARATORS: dict[str, Comparators] = {}
_MARKETS: dict[str, Builder] = {}
_SHARES: dict[str, str] = {}

OUTCOME_KINDS = ("bool", "int64", "float64", "string")


def register(name: str, run: Simulate, resolve: Resolve, reporters: tuple[str, ...],
             outcome_types: dict[str, str],
             comparators: Comparators = lambda params: {}, market: Builder | None = None,
             share: str = "") -> None:
    """Make a model available to scenarios under ``name``.

    ``reporters`` names the series columns besides ``step``; ``outcome_types`` gives each
    outcome one of :data:`OUTCOME_KINDS`, so stored tables keep one type even where an
    outcome is ``None`` (stored as null); ``comparators(params)`` gives the model's
    comparators at a point (a dict of name to number; none by default).
    """
    bad = {k: v for k, v in outcome_types.items() if v not in OUTCOME_KINDS}
    if bad:
        raise ValueError(f"model {name!r}: outcome types {bad} not in {OUTCOME_KINDS}")
    MODELS[name] = run
    _RESOLVERS[name] = resolve
    _REPORTERS[name] = tuple(reporters)
    _OUTCOME_TYPES[name] = dict(outcome_types)
    _COMPARATORS[name] = comparators
    if market is not None:
        _MARKETS[name] = market
        _SHARES[name] = share


def forkable() -> dict[str, str]:
    """The models that can be forked, each with the share the fork experiment reads."""
    return dict(_SHARES)


def build_market(model: str, params: dict[str, Any], seed: Any) -> Any:
    """A running ``model`` at its start (a :class:`sim.model.forkable.Forkable`)."""
    if model not in _MARKETS:
        raise ValueError(f"model {model!r} cannot be forked; these can: "
                         + ", ".join(sorted(_MARKETS)))
    return _MARKETS[model](params, seed)


def resolve_params(model: str, overrides: dict[str, Any]) -> dict[str, Any]:
    """Every parameter of ``model``: its defaults updated by checked ``overrides``."""
    return _RESOLVERS[model](overrides)


def resolve_value(model: str, name: str, value: Any) -> Any:
    """``value`` checked as parameter ``name`` of ``model`` on its own, with the other
    parameters at their defaults. Rules between parameters wait until the whole point is
    known: a :class:`sim.model.parameter_constraints.ConstraintError` here still gives the value."""
    try:
        return resolve_params(model, {name: value})[name]
    except ConstraintError as error:
        return error.params[name]


def reporters(model: str) -> tuple[str, ...]:
    """Names of the series columns ``model`` reports each step (besides ``step``)."""
    return _REPORTERS[model]


def outcome_types(model: str) -> dict[str, str]:
    """Each outcome of ``model`` and its stored type (one of :data:`OUTCOME_KINDS`)."""
    return _OUTCOME_TYPES[model]


def comparators(model: str, params: dict[str, Any]) -> dict[str, float]:
    """The comparators ``model`` declares at the point ``params`` (resolved parameters)."""
    return _COMPARATORS[model](params)


def _trust_market(*args: Any, **kwargs: Any) -> tuple[Any, dict[str, Any]]:
    """:func:`sim.model.simulate.simulate`, imported on first use (Mesa is slow to import)."""
    from sim.model.simulate import simulate

    return simulate(*args, **kwargs)


def _break_even(params: dict[str, Any]) -> dict[str, float]:
    """The share of volume the factory can lose before it makes a loss at its starting price."""
    return {"break_even_share": economics.break_even_share(params["factory_fixed_cost_share"])}


def _trust_market_at_start(params: dict[str, Any], seed: Any) -> Any:
    """A :class:`~sim.model.market.TrustMarket` at week 0 (imported on first use)."""
    import numpy as np

    from sim.model.market import TrustMarket

    return TrustMarket(rng=np.random.default_rng(seed), **params)


register("trust_market", _trust_market, parameters.resolve, tuple(MODEL_REPORTERS),
         OUTCOME_TYPES, _break_even, market=_trust_market_at_start,
         share="the platform's share of the sector's gross")
for _reference in REFERENCE_MODELS:
    register(_reference.name, _reference.simulate, _reference.resolve, _reference.reporters,
             _reference.outcome_types, market=_reference.at_start if _reference.share else None,
             share=_reference.share)


def _sector_break_even(params: dict[str, Any]) -> dict[str, float]:
    """Each present sector's break-even share, as ``SECTOR__break_even_share``."""
    return {f"{sector}__break_even_share": economics.break_even_share(
        params[f"{sector}__factory_fixed_cost_share"]) for sector in params["sectors"].split(",")}


def _sector_market(*args: Any, **kwargs: Any) -> tuple[Any, dict[str, Any]]:
    """:func:`sim.model.sectors.simulate.simulate`, imported on first use."""
    from sim.model.sectors.simulate import simulate

    return simulate(*args, **kwargs)


def _sector_market_at_start(params: dict[str, Any], seed: Any) -> Any:
    """A :class:`~sim.model.sectors.market.SectorMarket` at week 0 (imported on first use)."""
    import numpy as np

    from sim.model.sectors.market import SectorMarket

    return SectorMarket(rng=np.random.default_rng(seed), **params)


register("sector_market", _sector_market, sector_parameters.resolve, sector_measures.REPORTERS,
         sector_measures.OUTCOME_TYPES_SECTORS, _sector_break_even,
         market=_sector_market_at_start,
         share="the platform's share of the gross of the sector forked (fork_sector)")
