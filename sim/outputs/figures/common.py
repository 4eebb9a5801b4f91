"""What every figure shares: the style, the column widths, :class:`Result`
(the stored tables of one result folder), :class:`Plot` and the helpers that put parameters
and numbers into words."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cached_property, wraps
from pathlib import Path
from typing import Any, NamedTuple

import matplotlib
import matplotlib.style
import numpy as np
import pandas as pd
import pyarrow.dataset as ds
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from sim.experiments import storage
from sim.model.essay_claim import CLAIM_SHARE
from sim.model.parameters import PARAMETERS
from sim.outputs.palette import GREEN, STYLE

SINGLE, DOUBLE = 3.5, 7.2  # journal column widths, inches
FORMATS = ("pdf", "svg", "png")
DIMENSIONLESS = {"", "share", "fraction", "probability", "factor"}
MAX_POINTS = 5
OUTCOME_WORDS = {"incumbent_fell": "the incumbent falls"}
LABELS = {"factory_fixed_cost_share": "Fixed cost share of contribution ($F/C_0$)"}


class Plot(NamedTuple):
    """A drawn figure, what it shows in words, and how many runs it was drawn from."""

    figure: Figure
    caption: str
    n_runs: int
    made_by: str = ""  # code version of the data, when not the manifest's


class Result:
    """The stored tables of one result folder, each read once and only when asked for."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def has(self, name: str) -> bool:
        return (self.path / name).exists()

    def json(self, name: str) -> dict[str, Any]:
        """A JSON file of the folder, or {} when it is not there."""
        path = self.path / name
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

    @cached_property
    def manifest(self) -> dict[str, Any]:
        return self.json("manifest.json")

    @property
    def scenario(self) -> str:
        return self.manifest.get("scenario", {}).get("name") or self.path.name

    @cached_property
    def runs(self) -> pd.DataFrame:
        """The stored runs that finished (status "ok"); failed runs are left out."""
        runs = storage.load_runs(self.path) if self.has("runs") else pd.DataFrame()
        return runs[runs["status"] == "ok"].reset_index(drop=True) if len(runs) else runs

    @cached_property
    def series_columns(self) -> list[str]:
        """The reporters the series hold (their schema only, no rows read)."""
        return ds.dataset(self.path / "series").schema.names if self.has("series") else []

    def series(self, run_ids: list[str] | None = None) -> pd.DataFrame:
        """The per-week series of ``run_ids`` (all runs by default), sorted by run and week."""
        return storage.load_series(self.path, run_ids=run_ids)


def styled(draw: Callable[..., Plot]) -> Callable[..., Plot]:
    """Draw inside the shared style."""
    @wraps(draw)
    def wrapper(*args: Any, **kwargs: Any) -> Plot:
        with matplotlib.style.context(STYLE):
            return draw(*args, **kwargs)
    return wrapper


def label(name: str) -> str:
    """An axis label for a parameter: its name in words, with its unit when it has one."""
    if name in LABELS:
        return LABELS[name]
    unit = PARAMETERS[name].unit if name in PARAMETERS else ""
    words = name.replace("_", " ").capitalize()
    return words if unit in DIMENSIONLESS or unit in words.lower() else f"{words} ({unit})"


def is_share(name: str) -> bool:
    return name in PARAMETERS and PARAMETERS[name].unit in ("share", "fraction")


def value_text(name: str, value: Any) -> str:
    """A parameter value as a legend shows it: shares in percent, numbers to 3 digits."""
    if isinstance(value, str):
        return value.replace("_", " ")
    return f"{100 * value:.3g}%" if is_share(name) else f"{value:.3g}"


def varying(runs: pd.DataFrame) -> list[str]:
    """The parameters whose value differs between the runs' points."""
    return [name for name in PARAMETERS if name in runs and runs[name].nunique() > 1]


def count(n: int, noun: str) -> str:
    """``n`` and ``noun``, plural unless ``n`` is 1: "1 run", "3 runs"."""
    return f"{n} {noun}{'s' * (n != 1)}"


def interval_text(name: str, low: float | None, high: float | None) -> str:
    """An interval of ``name`` in words; ``None`` is an open side: "[5%, 30%]", "≥ 5%"."""
    if low is None:
        return "open on both sides" if high is None else f"≤ {value_text(name, high)}"
    return f"≥ {value_text(name, low)}" if high is None else \
        f"[{value_text(name, low)}, {value_text(name, high)}]"


def point_label(row: pd.Series, names: list[str], named: bool = True) -> str:
    """A point in words: its varying parameters' values, each after its name if ``named``."""
    return ", ".join(f"{n.replace('_', ' ')} {value_text(n, row[n])}" if named
                     else value_text(n, row[n]) for n in names) or "all runs"


def shown_points(runs: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """One row per point (point_id and the varying parameters), sorted by them; of more
    than ``MAX_POINTS``, a spread of them (:func:`spread`)."""
    points = runs.drop_duplicates("point_id").sort_values([*names, "point_id"])
    return spread(points[["point_id", *names]].reset_index(drop=True), names)


def spread(points: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """At most ``MAX_POINTS`` of ``points`` (rows sorted by ``names``): those nearest to
    evenly spread values of the first name (one, numeric) or evenly spread in order."""
    if len(points) <= MAX_POINTS:
        return points
    if len(names) == 1 and pd.api.types.is_numeric_dtype(points[names[0]]):
        values = points[names[0]].to_numpy(float)
        targets = np.linspace(values.min(), values.max(), MAX_POINTS)
        keep = np.unique([np.abs(values - t).argmin() for t in targets])
    else:
        keep = np.unique(np.linspace(0, len(points) - 1, MAX_POINTS).round().astype(int))
    return points.iloc[keep].reset_index(drop=True)


def events(outcome: str) -> str:
    """An outcome in words, as in 'the chance that ...'."""
    return OUTCOME_WORDS.get(outcome, f"'{outcome}'")


def claim_of(result: Result) -> float:
    return float(result.json("tipping.json").get("claim", CLAIM_SHARE))  # older results may not say


def percent_axis(axis: Any) -> None:
    axis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def letter(ax: Any, index: int, title: str) -> None:
    """Panel title with its letter (a, b, ...) as journals want it."""
    ax.set_title(f"{'abcdefgh'[index]}   {title}")


# ---------------------------------------------------------------------- the verdict's figures
ARM_LABELS = {"no_switching": "No switching", "price_only": "Price only (quality known)",
              "price_only_uninformed": "Price only (nothing known)", "full": "Full model"}


def claim_band(ax: Any, claim: float, margin: float, vertical: bool = True) -> None:
    """The claim as a dashed line inside a light band of +- ``margin``."""
    span, line = (ax.axvspan, ax.axvline) if vertical else (ax.axhspan, ax.axhline)
    span(claim - margin, claim + margin, color=GREEN, alpha=0.12, lw=0)
    line(claim, color=GREEN, lw=1.0, ls="--")


def arm_names(tip: dict[str, Any]) -> list[str]:
    """The arms of a verdict study's ``tipping.json``, in their order."""
    return [name for name in tip.get("arms", {}) if name != "differences"]
