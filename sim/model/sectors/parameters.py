"""Parameters of the several-sector market, as one flat dictionary.

Shared by all sectors: the network (:data:`SHARED`), ``spillover``, ``sectors`` (the
sectors present, in order, comma-separated) and ``fork_sector`` (the sector the fork
experiment pushes and reads; empty: the first present). Every other single-sector
parameter is set per sector under a flat name ``SECTOR__NAME`` (``news__need_rate``),
whose default is the single-sector default updated by the sector's preset
(:mod:`sim.model.sectors.presets`).
Flat names keep the runs table one row per run, and let ``[sweep]``, ``[sample]`` and
``[tipping]`` vary a sector's parameter like any other.
"""

from __future__ import annotations

from typing import Any

from sim.model.parameters import DEFAULTS, ParameterError, check_name, suggest
from sim.model.parameters import resolve as single_resolve
from sim.model.sectors.presets import SECTORS, overrides

SEP = "__"
SHARED = ("n_consumers", "strong_ties", "weak_ties", "network_model", "clustering",
          "weak_tie_weight", "strong_tie_floor")
PER_SECTOR = tuple(name for name in DEFAULTS if name not in SHARED)
SPILLOVER_DEFAULT = 0.5  # assumption: half of what is learnt in one sector carries over
SECTORS_DEFAULT = ",".join(SECTORS)


def flat(sector: str, name: str) -> str:
    """The flat name of a sector's parameter: ``news__need_rate``."""
    return f"{sector}{SEP}{name}"


def defaults() -> dict[str, Any]:
    """Every parameter of the several-sector market at its default."""
    params: dict[str, Any] = {name: DEFAULTS[name] for name in SHARED}
    params.update(spillover=SPILLOVER_DEFAULT, sectors=SECTORS_DEFAULT, fork_sector="")
    for sector in SECTORS:
        preset = overrides(sector)
        params.update({flat(sector, n): preset.get(n, DEFAULTS[n]) for n in PER_SECTOR})
    return params


def _sectors(value: Any) -> str:
    allowed = f"allowed: a comma-separated list of sectors from {', '.join(SECTORS)}"
    if not isinstance(value, str) or not value.strip():
        raise ParameterError(f"parameter 'sectors': got {value!r}, {allowed}")
    names = [s.strip() for s in value.split(",")]
    for name in names:
        if name not in SECTORS:
            raise ParameterError(f"parameter 'sectors': unknown sector '{name}'"
                                 f"{suggest(name, list(SECTORS))}; {allowed}")
    if len(set(names)) < len(names):
        raise ParameterError(f"parameter 'sectors': got {value!r}, each sector once")
    return ",".join(names)


def check(name: str, value: Any) -> Any:
    """``value`` checked as the several-sector parameter ``name``."""
    if name == "sectors":
        return _sectors(value)
    if name == "fork_sector":
        if value != "" and value not in SECTORS:
            raise ParameterError(f"parameter 'fork_sector': got {value!r}, allowed: \"\" (the "
                                 f"first sector present) or one of {', '.join(SECTORS)}")
        return value
    if name == "spillover":
        if isinstance(value, bool) or not isinstance(value, int | float) or not (
                0 <= value <= 1):
            raise ParameterError(f"parameter 'spillover': got {value!r}, allowed: a number "
                                 "in [0, 1] (0: independent sectors)")
        return float(value)
    if name in SHARED:
        return check_name(name).check(value)
    sector, sep, base = name.partition(SEP)
    if not sep:
        if name in DEFAULTS:
            raise ParameterError(f"parameter '{name}' is set per sector: name it "
                                 f"'{flat(SECTORS[0], name)}' (or [sectors.NAME] in a scenario)")
        raise ParameterError(f"unknown parameter '{name}'"
                             f"{suggest(name, [*SHARED, 'spillover', 'sectors', 'fork_sector'])}")
    if sector not in SECTORS:
        raise ParameterError(f"parameter '{name}': unknown sector '{sector}'"
                             f"{suggest(sector, list(SECTORS))}; allowed: {', '.join(SECTORS)}")
    if base in SHARED:
        raise ParameterError(f"parameter '{name}': '{base}' is shared by all sectors; set "
                             f"'{base}' once")
    if base not in DEFAULTS:
        hint = suggest(name, [flat(sector, n) for n in PER_SECTOR])
        raise ParameterError(f"unknown parameter '{name}'{hint}")
    return check_name(base).check(value)


def resolve(overrides_: dict[str, Any] | None = None) -> dict[str, Any]:
    """Defaults updated by checked ``overrides_``; each present sector's parameters are held
    to the single-sector rules between parameters (:mod:`sim.model.parameter_constraints`)."""
    params = defaults()
    for name, value in (overrides_ or {}).items():
        params[name] = check(name, value)
    if params["fork_sector"] and params["fork_sector"] not in present(params):
        raise ParameterError(f"parameter 'fork_sector': '{params['fork_sector']}' is not among "
                             f"the sectors present ({params['sectors']})")
    for sector in present(params):
        try:
            single_resolve(sector_params(params, sector))
        except ParameterError as error:
            raise ParameterError(f"sector '{sector}': {error}") from None
    return params


def present(params: dict[str, Any]) -> list[str]:
    """The sectors present, in order."""
    return params["sectors"].split(",")


def sector_params(params: dict[str, Any], sector: str) -> dict[str, Any]:
    """The single-sector parameters of ``sector``: the shared ones and its own."""
    own = {name: params[flat(sector, name)] for name in PER_SECTOR}
    return {**{name: params[name] for name in SHARED}, **own}
