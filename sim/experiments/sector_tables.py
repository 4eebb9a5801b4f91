"""A several-sector scenario's ``[sectors.NAME]`` tables and top-level ``spillover``, read as
the flat parameters of the model ``sector_market`` (``sectors``, ``spillover``,
``NAME__PARAM``; docs/sectors.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.experiments.scenario_tables import fail, parameter_value
from sim.model.parameters import ParameterError
from sim.model.registry import resolve_params

MODEL = "sector_market"
ALLOWED = 'a table of sector tables, [sectors.NAME] (model = "sector_market" only)'


def flat_params(path: Path | str, model: str, data: dict[str, Any]) -> dict[str, Any]:
    """The sector tables and spillover of ``data`` (a scenario's TOML) as flat parameters,
    each checked; errors name the file and the table."""
    if "sectors" not in data and "spillover" not in data:
        return {}
    if model != MODEL:
        key = "sectors" if "sectors" in data else "spillover"
        raise fail(path, key, f'only for model = "{MODEL}", not "{model}"')
    params = data.get("params", {})
    flat: dict[str, Any] = {}
    for name in ("sectors", "spillover"):
        if name in data and name in params:
            raise fail(path, name, "also set in [params]; set it in one place")
    if "spillover" in data:
        flat["spillover"] = parameter_value(path, "spillover", model, "spillover",
                                            data["spillover"])
    if "sectors" not in data:
        return flat
    tables = data["sectors"]
    if not isinstance(tables, dict) or not tables:
        raise fail(path, "sectors", f"got {tables!r}, allowed: {ALLOWED}")
    flat["sectors"] = parameter_value(path, "sectors", model, "sectors", ",".join(tables))
    for sector, table in tables.items():
        where = f"sectors.{sector}"
        if not isinstance(table, dict):
            raise fail(path, where, f"got {table!r}, allowed: a table of the sector's "
                       "parameter overrides")
        own = {f"{sector}__{name}": value for name, value in table.items()}
        for full in own:
            if full in params:
                raise fail(path, where, f"'{full.partition('__')[2]}' also set in [params] "
                           f"as '{full}'; set it in one place")
        try:  # the table as a whole: a sector's costs are checked together
            resolved = resolve_params(model, {"sectors": sector, **own})
        except ParameterError as error:
            raise fail(path, where, str(error)) from None
        flat.update({full: resolved[full] for full in own})
    return flat
