"""The ``[worlds]`` table of a scenario, checked, and the worlds it draws.

Each uncertain parameter is drawn over its plausible range as declared in
:mod:`sim.model.parameters` (``Param.plausible``), never over a range written in a
scenario: ``vary`` only chooses which of them vary (default: all not fixed in
``[params]``). The worlds are a Latin hypercube or a Sobol sequence
(``scipy.stats.qmc``, through :class:`sim.experiments.scenarios.Sample`) seeded from the
scenario's root seed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from sim.experiments.scenario_tables import Field, check_table, fail
from sim.experiments.scenarios import Sample
from sim.model.parameters import PARAMETERS, suggest
from sim.studies.worlds.measure import Budget, world_params

METHODS = ("lhs", "sobol")
ESTIMATORS = ("rbd_fast", "delta")
PLAN_FIELDS = {
    "n": Field("a whole number of worlds, 2 to 100000 (sobol: a power of 2)", int, 2, 100_000),
    "method": Field('one of "lhs", "sobol"', str, test=lambda v: v in METHODS),
    "vary": Field("a non-empty list of parameters that have a plausible range", list,
                  test=lambda v: bool(v) and all(isinstance(n, str) for n in v)),
    "runs": Field("a whole number of probed runs per world, 1 to 1000", int, 1, 1000),
    "copies": Field("a whole number of copies per checkpoint, 1 to 1000", int, 1, 1000),
    "every": Field("a whole number of weeks between checkpoints, 1 to horizon", int, 1,
                   100_000),
    "ramp": Field("a number in [0, 1]: committed share added at each checkpoint", float, 0, 1),
    "horizon": Field("a whole number of weeks, 1 to 100000", int, 1, 100_000),
    "claim": Field("a number in (0, 1): the claimed tipping share of the gross", float,
                   test=lambda v: 0 < v < 1),
    "margin": Field("a number in (0, 0.5]: how close to the claim an interval must lie", float,
                    test=lambda v: 0 < v <= 0.5),
    "level": Field("a number in (0.5, 1): the confidence level of every interval", float,
                   test=lambda v: 0.5 < v < 1),
    "sensitivity": Field('one of "rbd_fast", "delta": the SALib estimator on the worlds', str,
                         test=lambda v: v in ESTIMATORS),
    "peel_alpha": Field("a number in (0, 0.5): share of worlds PRIM peels at each step", float,
                        test=lambda v: 0 < v < 0.5),
    "mass_min": Field("a number in (0, 1): smallest share of worlds a PRIM box may hold", float,
                      test=lambda v: 0 < v < 1),
    "min_coverage": Field("a number in (0, 1]: the chosen PRIM box keeps at least this "
                          "coverage", float, test=lambda v: 0 < v <= 1),
}
BUDGET_KEYS = ("runs", "copies", "every", "ramp", "horizon", "claim", "margin", "level")


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


def plan_from(scenario: Any) -> WorldsPlan:
    """The scenario's ``[worlds]`` table checked; errors read ``FILE: worlds.KEY: message``
    and raise ScenarioError."""
    path, raw = scenario.path, scenario.worlds
    if raw is None:
        raise fail(path, "worlds", "missing; a worlds study needs a [worlds] table (e.g. n = 32)")
    if scenario.sweep or scenario.sample:
        raise fail(path, "worlds", "a worlds study draws its own worlds; remove [sweep] and "
                   "[sample]")
    declared = plausible()
    defaults = {**{k: v for k, v in asdict(WorldsPlan()).items() if k not in ("ranges",
                                                                              "budget")},
                **asdict(Budget()), "horizon": scenario.steps,
                "vary": [k for k in declared if k not in scenario.params]}
    values = check_table(path, "worlds", raw, PLAN_FIELDS, defaults)
    if values["every"] > values["horizon"]:
        raise fail(path, "worlds.every", f"got {values['every']}, allowed: "
                   f"{PLAN_FIELDS['every'].allowed} ({values['horizon']})")
    if values["method"] == "sobol" and values["n"] & (values["n"] - 1):
        raise fail(path, "worlds.n", f"got {values['n']}, allowed: {PLAN_FIELDS['n'].allowed}")
    if not values["vary"]:
        raise fail(path, "worlds.vary", "nothing left to vary: every parameter with a "
                   "plausible range is fixed in [params]")
    for name in values["vary"]:
        if name not in declared:
            raise fail(path, "worlds.vary", f"'{name}' has no plausible range"
                       f"{suggest(name, list(declared))}; allowed: {', '.join(declared)}")
        if name in scenario.params:
            raise fail(path, "worlds.vary", f"'{name}' is also set in [params]; set it in one "
                       "place")
    budget = Budget(**{k: values.pop(k) for k in BUDGET_KEYS})
    ranges = {name: declared[name] for name in dict.fromkeys(values.pop("vary"))}
    world_params(dict(scenario.params), budget)  # the probed model accepts the budget
    return WorldsPlan(ranges=ranges, budget=budget, **values)
