"""The ``[worlds]`` table of a scenario, checked, and the worlds it draws.

Each uncertain parameter is drawn over its plausible range as declared in
:mod:`sim.model.parameters` (``Param.plausible``), never over a range written in a
scenario: ``vary`` only chooses which of them vary (default: all not fixed in
``[params]``). The worlds are a Latin hypercube or a Sobol sequence
(``scipy.stats.qmc``, through :class:`sim.experiments.scenarios.Sample`) seeded from the
scenario's root seed. Each world is measured as the verdict measures its one point: the
regime from ``regime_runs`` natural-course and largest-push runs, then, in a threshold
world, the fork runs of the scenario's ``[forks]`` table with ``release``
(:func:`sim.studies.fork_study.fork_table`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import numpy as np

from sim.experiments.scenario_tables import Setting, check_table, declare, fail
from sim.experiments.scenarios import Sample
from sim.model.essay_claim import CLAIM_SHARE
from sim.model.parameters import PARAMETERS, suggest
from sim.model.registry import resolve_params
from sim.studies.fork_study import SETTINGS as FORKS
from sim.studies.fork_study import fork_table
from sim.studies.tipping.study import SETTINGS as TIPPING
from sim.studies.verdict.predictive import WINDOWS

METHODS = ("lhs", "sobol")
ESTIMATORS = ("rbd_fast", "delta")
SETTINGS = declare(  # vary's default (every plausible parameter not in [params]) and the
    # window's (at most steps) depend on the scenario: plan_from
    Setting("n", 32, 2, 100_000,
            description="a whole number of worlds, 2 to 100000 (sobol: a power of 2)"),
    Setting("method", "lhs", choices=METHODS, description='one of "lhs", "sobol"'),
    Setting("vary", [], form=list, description="a non-empty list of parameters that have a "
            "plausible range", test=lambda v: bool(v) and all(isinstance(n, str) for n in v)),
    Setting("regime_runs", 4, 1, 1000, description="a whole number of natural-course and "
            "largest-push runs per world, 1 to 1000"),
    Setting("largest_push", 0.8, test=lambda v: 0 < v <= 1,
            description="a number in (0, 1]: the committed share of the largest push"),
    Setting("claim", CLAIM_SHARE, test=lambda v: 0 < v < 1,
            description="a number in (0, 1): the claimed tipping share of the gross"),
    Setting("margin", TIPPING["margin"].default, test=lambda v: 0 < v <= 0.5,
            description="a number in (0, 0.5]: how close to the claim an interval must lie"),
    Setting("level", TIPPING["level"].default, test=lambda v: 0.5 < v < 1,
            description="a number in (0.5, 1): the confidence level of every interval"),
    Setting("window", max(WINDOWS), 1, 100_000,
            description="a whole number of weeks (the predictive window), 1 to steps"),
    Setting("sensitivity", "rbd_fast", choices=ESTIMATORS,
            description='one of "rbd_fast", "delta": the SALib estimator on the worlds'),
    Setting("peel_alpha", 0.1, test=lambda v: 0 < v < 0.5,
            description="a number in (0, 0.5): share of worlds PRIM peels at each step"),
    Setting("mass_min", 0.1, test=lambda v: 0 < v < 1,
            description="a number in (0, 1): smallest share of worlds a PRIM box may hold"),
    Setting("min_coverage", 0.5, test=lambda v: 0 < v <= 1,
            description="a number in (0, 1]: the chosen PRIM box keeps at least this coverage"),
)

TABLES = {"worlds": SETTINGS, "forks": FORKS}  # the scenario tables the study reads


def plausible() -> dict[str, tuple[Any, Any]]:
    """Every parameter with a declared plausible range, and that range."""
    return {name: p.plausible for name, p in PARAMETERS.items() if p.plausible is not None}


@dataclass(frozen=True)
class WorldsPlan:
    """The ``[worlds]`` table, checked, and the ``[forks]`` settings of the fork runs."""

    ranges: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    n: int = SETTINGS["n"].default
    method: str = SETTINGS["method"].default
    regime_runs: int = SETTINGS["regime_runs"].default
    largest_push: float = SETTINGS["largest_push"].default
    claim: float = SETTINGS["claim"].default
    margin: float = SETTINGS["margin"].default
    level: float = SETTINGS["level"].default
    window: int = SETTINGS["window"].default
    sensitivity: str = SETTINGS["sensitivity"].default
    peel_alpha: float = SETTINGS["peel_alpha"].default
    mass_min: float = SETTINGS["mass_min"].default
    min_coverage: float = SETTINGS["min_coverage"].default
    forks: dict[str, Any] = field(default_factory=dict)

    @property
    def fork_plan(self) -> SimpleNamespace:
        """The ``[forks]`` settings as :func:`sim.studies.fork_study.fork_specs` reads them."""
        return SimpleNamespace(**self.forks)

    def draw(self, seed: int) -> tuple[np.ndarray, list[dict[str, Any]]]:
        """The worlds: their points in the unit cube and their parameter values."""
        sample = Sample(self.method, self.n, self.ranges)
        return sample.unit_points(seed), sample.points(seed)


def plan_from(scenario: Any) -> WorldsPlan:
    """The scenario's ``[worlds]`` (and ``[forks]``) tables checked; errors read
    ``FILE: worlds.KEY: message`` and raise ScenarioError."""
    path, raw = scenario.path, scenario.worlds
    if raw is None:
        raise fail(path, "worlds", "missing; a worlds study needs a [worlds] table (e.g. n = 32)")
    if scenario.sweep or scenario.sample:
        raise fail(path, "worlds", "a worlds study draws its own worlds; remove [sweep] and "
                   "[sample]")
    declared = plausible()
    defaults = {"window": min(SETTINGS["window"].default, scenario.steps),
                "vary": [k for k in declared if k not in scenario.params]}
    values = check_table(path, "worlds", raw, SETTINGS, defaults)
    if values["window"] > scenario.steps:
        raise fail(path, "worlds.window", f"got {values['window']}, allowed: "
                   f"{SETTINGS['window'].allowed()} ({scenario.steps})")
    if values["method"] == "sobol" and values["n"] & (values["n"] - 1):
        raise fail(path, "worlds.n", f"got {values['n']}, allowed: {SETTINGS['n'].allowed()}")
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
    ranges = {name: declared[name] for name in dict.fromkeys(values.pop("vary"))}
    resolve_params("trust_market", dict(scenario.params))  # the model accepts [params]
    forks = dict(fork_table(scenario))
    forks["interventions"] = ("release",)
    return WorldsPlan(ranges=ranges, forks=forks, **values)
