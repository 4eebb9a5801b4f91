"""The reference models' parameters and results, declared once and Mesa-free.

Each reference model (:mod:`sim.model.reference`) declares its parameters with the same
:class:`~sim.model.parameters.Param` as the trust market, so that scenario files, ranges and
did-you-mean hints work alike; :data:`REFERENCE_MODELS` is what :mod:`sim.model.registry`
registers. The model code itself (and Mesa) is imported on a model's first run.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from sim.model.parameters import Param, ParameterError, suggest


def _p(name: str, default: Any, low: float, high: float, unit: str, description: str,
       source: str) -> Param:
    return Param(name, default, low, high, None, unit, description, source)


# fmt: off
NAMING_GAME = (
    _p("n_agents",        100,  2, 1_000_000, "agents", "Population size (complete graph).", "Centola et al. 2018 authors' code: N = 100"),
    _p("memory",          12,   1, 100, "names", "Names heard that an agent remembers.", "Centola et al. 2018: memory 12"),
    _p("committed_share", 0.0,  0, 1, "share", "Agents who always say the new name and never listen.", "Centola et al. 2018"),
)
BINARY_AGREEMENT = (
    _p("n_agents",        1000, 2, 1_000_000, "agents", "Population size (complete graph).", "Xie et al. 2011"),
    _p("committed_share", 0.0,  0, 1, "share", "Agents who hold opinion A whatever they hear.", "Xie et al. 2011"),
)
WATTS_THRESHOLD = (
    _p("n_agents",        10_000, 10, 10_000_000, "nodes", "Nodes of the Erdos-Renyi graph.", "Watts 2002: n = 10,000"),
    _p("mean_degree",     4.0,  0, 100, "neighbours", "Mean degree z of the Erdos-Renyi graph.", "Watts 2002"),
    _p("threshold",       0.18, 0, 1, "fraction", "Share of active neighbours at which a node turns active (every node).", "Watts 2002, Fig. 1: 0.18"),
)
BASS = (
    _p("n_agents",        10_000, 1, 10_000_000, "agents", "Population size (well mixed).", "Bass 1969"),
    _p("p",               0.03, 0, 10, "per time unit", "Coefficient of innovation.", "Bass 1969"),
    _p("q",               0.38, 0, 10, "per time unit", "Coefficient of imitation.", "Bass 1969"),
    _p("dt",              0.02, 0.0001, 10, "time units", "Length of one step.", "numerical choice"),
)
GRANOVETTER = (
    _p("n_agents",        10_000, 2, 10_000_000, "agents", "Population size.", "Granovetter 1978: 100"),
    _p("threshold_mean",  0.25, -1, 2, "share", "Mean of the normally distributed thresholds.", "Granovetter 1978: 25 of 100"),
    _p("threshold_sd",    0.1,  0, 1, "share", "Standard deviation of the thresholds.", "Granovetter 1978"),
)
GRANOVETTER_REVERSIBLE = (
    _p("n_agents",        20_000, 2, 10_000_000, "agents", "Population size (well mixed).", "numerical choice: large enough that the mean field holds to about 0.005"),
    _p("threshold_mean",  0.40, -1, 2, "share", "Mean of the normally distributed thresholds.", "test design: boundary 0.366"),
    _p("threshold_sd",    0.10, 0, 1, "share", "Standard deviation of the thresholds.", "test design: boundary 0.366"),
    _p("revision_rate",   0.05, 0.001, 1, "share per step", "Share of the people not committed who revise each step.", "test design: a pushed run climbs through the boundary over several steps"),
    _p("committed_share", 0.0,  0, 1, "share", "People who take part whatever happens (the push).", "test design"),
    _p("full_share",      0.95, 0, 1, "share", "Participation that counts as the cascade (the event the fork experiment watches).", "test design"),
)
# fmt: on


@dataclass(frozen=True)
class ReferenceModel:
    """One reference model as the registry needs it: its module (``simulate`` lives there),
    parameters, series columns and outcome types."""

    name: str
    module: str
    params: tuple[Param, ...]
    reporters: tuple[str, ...]
    outcome_types: dict[str, str]
    share: str = ""  # the share the fork experiment reads, if the model can be forked

    def simulate(self, *args: Any, **kwargs: Any) -> tuple[Any, dict[str, Any]]:
        """The module's ``simulate``, imported on first use (Mesa is slow to import)."""
        return importlib.import_module(self.module).simulate(*args, **kwargs)

    def at_start(self, params: dict[str, Any], seed: Any) -> Any:
        """The module's ``at_start``: the running model at step 0 (forkable models)."""
        return importlib.import_module(self.module).at_start(params, seed)

    def resolve(self, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        """Defaults updated by ``overrides``, every value checked against its declaration."""
        declared = {p.name: p for p in self.params}
        params = {p.name: p.default for p in self.params}
        for name, value in (overrides or {}).items():
            if name not in declared:
                raise ParameterError(f"unknown parameter '{name}' of model {self.name}"
                                     f"{suggest(name, list(declared))}")
            params[name] = declared[name].check(value)
        return params


_PACKAGE = "sim.model.reference."
REFERENCE_MODELS = (
    ReferenceModel("naming_game", _PACKAGE + "naming_game", NAMING_GAME, ("adoption",),
                   {"adoption": "float64", "tipped": "bool"}),
    ReferenceModel("binary_agreement", _PACKAGE + "binary_agreement", BINARY_AGREEMENT,
                   ("adoption",), {"adoption": "float64", "tipped": "bool"}),
    ReferenceModel("watts_threshold", _PACKAGE + "watts_threshold", WATTS_THRESHOLD,
                   ("active_share",), {"cascade_size": "float64", "cascade": "bool"}),
    ReferenceModel("bass", _PACKAGE + "bass", BASS, ("time", "adopted_share"),
                   {"adopted_final": "float64", "peak_time": "float64"}),
    ReferenceModel("granovetter", _PACKAGE + "granovetter", GRANOVETTER, ("participation",),
                   {"participation": "float64", "riot": "bool"}),
    ReferenceModel("granovetter_reversible", _PACKAGE + "granovetter_reversible",
                   GRANOVETTER_REVERSIBLE, ("participation",),
                   {"participation": "float64", "cascade": "bool", "cascade_step": "int64"},
                   share="the share taking part"),
)
