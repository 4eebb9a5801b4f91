"""The ``[worlds]`` table of a scenario, checked, and the worlds it draws.

Each uncertain parameter is drawn over its plausible range as declared in
:mod:`sim.model.parameters` (``Param.plausible``), never over a range written in a
scenario: ``vary`` only chooses which of them vary (default: all not fixed in
``[params]``). The worlds are a Latin hypercube or a Sobol sequence
(``scipy.stats.qmc``, through :class:`sim.experiments.scenarios.Sample`) seeded from the
scenario's root seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.experiments.scenarios import Sample, ScenarioError
from sim.model.parameters import PARAMETERS, suggest
from sim.studies.worlds.measure import Budget, world_params

KEYS = {
    "n": "a whole number of worlds, 2 to 100000 (sobol: a power of 2)",
    "method": 'one of "lhs", "sobol"',
    "vary": "a non-empty list of parameters that have a plausible range",
    "runs": "a whole number of probed runs per world, 1 to 1000",
    "copies": "a whole number of copies per checkpoint, 1 to 1000",
    "every": "a whole number of weeks between checkpoints, 1 to horizon",
    "ramp": "a number in [0, 1]: committed share added at each checkpoint",
    "horizon": "a whole number of weeks, 1 to 100000",
    "claim": "a number in (0, 1): the claimed tipping share of the gross",
    "margin": "a number in (0, 0.5]: how close to the claim an interval must lie",
    "level": "a number in (0.5, 1): the confidence level of every interval",
    "sensitivity": 'one of "rbd_fast", "delta": the SALib estimator on the worlds',
    "peel_alpha": "a number in (0, 0.5): share of worlds PRIM peels at each step",
    "mass_min": "a number in (0, 1): smallest share of worlds a PRIM box may hold",
    "min_coverage": "a number in (0, 1]: the chosen PRIM box keeps at least this coverage",
}
METHODS = ("lhs", "sobol")
ESTIMATORS = ("rbd_fast", "delta")


def plausible() -> dict[str, tuple[Any, Any]]:
    """Every parameter with a declared plausible range, and that range."""
    return {name: p.plausible for name, p in PARAMETERS.items() if p.plausible is not None}


@dataclass(frozen=True)
class WorldsPlan:
    """The ``[worlds]`` table, checked."""

    ranges: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    n: int = 32
    method: str = "lhs"
    budget: Budget = Budget()
    sensitivity: str = "rbd_fast"
    peel_alpha: float = 0.1
    mass_min: float = 0.1
    min_coverage: float = 0.5

    def draw(self, seed: int) -> tuple[np.ndarray, list[dict[str, Any]]]:
        """The worlds: their points in the unit cube and their parameter values."""
        sample = Sample(self.method, self.n, self.ranges)
        return sample.unit_points(seed), sample.points(seed)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def plan_from(scenario: Any) -> WorldsPlan:
    """The scenario's ``[worlds]`` table checked; errors read ``FILE: worlds.KEY: message``
    and raise ScenarioError."""
    path, raw = scenario.path, scenario.worlds

    def fail(key: str, message: str) -> ScenarioError:
        return ScenarioError(f"{path}: worlds{'.' + key if key else ''}: {message}")

    def bad(key: str, value: Any) -> ScenarioError:
        return fail(key, f"got {value!r}, allowed: {KEYS[key]}")

    if raw is None:
        raise fail("", "missing; a worlds study needs a [worlds] table (e.g. n = 32)")
    if scenario.sweep or scenario.sample:
        raise fail("", "a worlds study draws its own worlds; remove [sweep] and [sample]")
    for key in raw:
        if key not in KEYS:
            raise fail(key, f"unknown key{suggest(key, list(KEYS))}; allowed: "
                       + ", ".join(KEYS))
    declared = plausible()
    values: dict[str, Any] = {}
    whole = {"n": (2, 100_000), "runs": (1, 1000), "copies": (1, 1000),
             "horizon": (1, 100_000), "every": (1, 100_000)}
    for key, (low, high) in whole.items():
        if key in raw:
            value = raw[key]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise bad(key, value)
            values[key] = value
    values.setdefault("horizon", scenario.steps)
    if values.get("every", 1) > values["horizon"]:
        raise bad("every", values["every"])
    bounds = {"ramp": (0.0, 1.0, True), "claim": (0.0, 1.0, False),
              "margin": (0.0, 0.5, None), "level": (0.5, 1.0, False),
              "peel_alpha": (0.0, 0.5, False), "mass_min": (0.0, 1.0, False),
              "min_coverage": (0.0, 1.0, None)}
    for key, (low, high, closed) in bounds.items():
        if key in raw:
            value = raw[key]
            inside = _number(value) and (
                low <= value <= high if closed else low < value < high if closed is False
                else low < value <= high)
            if not inside:
                raise bad(key, value)
            values[key] = float(value)
    for key, allowed in (("method", METHODS), ("sensitivity", ESTIMATORS)):
        if key in raw:
            if raw[key] not in allowed:
                raise bad(key, raw[key])
            values[key] = raw[key]
    if values.get("method") == "sobol" and values.get("n", 32) & (values.get("n", 32) - 1):
        raise bad("n", values["n"])
    vary = raw.get("vary", [k for k in declared if k not in scenario.params])
    if not (isinstance(vary, list) and vary and all(isinstance(v, str) for v in vary)):
        raise bad("vary", vary)
    for name in vary:
        if name not in declared:
            raise fail("vary", f"'{name}' has no plausible range{suggest(name, list(declared))}"
                       f"; allowed: {', '.join(declared)}")
        if name in scenario.params:
            raise fail("vary", f"'{name}' is also set in [params]; set it in one place")
    budget_keys = ("runs", "copies", "every", "ramp", "horizon", "claim", "margin", "level")
    budget = Budget(**{k: values.pop(k) for k in budget_keys if k in values})
    plan = WorldsPlan(ranges={name: declared[name] for name in dict.fromkeys(vary)},
                      budget=budget, **values)
    try:
        world_params({**scenario.params}, budget)
    except ValueError as error:
        raise fail("", str(error)) from None
    return plan
