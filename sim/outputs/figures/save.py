"""The figure registry (:data:`FIGURES`), and writing figures to files (:func:`save`,
:func:`make_figures`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.outputs.figures import writer
from sim.outputs.figures.arms import arms
from sim.outputs.figures.common import Plot, Result, varying
from sim.outputs.figures.death_spiral import SPIRAL, death_spiral
from sim.outputs.figures.early_warning import early_warning
from sim.outputs.figures.fall_probability import fall_probability
from sim.outputs.figures.fork_fall import fork_fall
from sim.outputs.figures.network import network
from sim.outputs.figures.phase_map import phase_map
from sim.outputs.figures.predictive import predictive
from sim.outputs.figures.sensitivity import sensitivity
from sim.outputs.figures.share_over_time import share_over_time
from sim.outputs.figures.survival import survival
from sim.outputs.figures.worlds import (
    not_drawn,
    regimes_across_worlds,
    tipping_across_worlds,
    tipping_sensitivity,
    verdicts_across_worlds,
    where_the_claim_holds,
)

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class FigureDef:
    """A figure: its file name, title, drawing function, whether a result has its data and,
    when its data are there but cannot make it, why not (None: it can be drawn)."""

    name: str
    title: str
    draw: Callable[[Result], Plot]
    applies: Callable[[Result], bool]
    cannot: Callable[[Result], str | None] = lambda result: None


def _has_series(result: Result, columns: list[str]) -> bool:
    return (result.has("runs") and len(result.runs) > 0
            and set(columns) <= set(result.series_columns))


def _tipping(result: Result) -> dict[str, Any]:
    return result.json("tipping.json")


def _worlds_cannot(name: str) -> Callable[[Result], str | None]:
    """Why a worlds figure cannot be drawn from a stored ``worlds.json`` (None: it can)."""
    return lambda result: not_drawn(result.json("worlds.json")).get(name)


FIGURES = [
    FigureDef("share_over_time", "Platform share over time", share_over_time,
         lambda r: _has_series(r, ["platform_share"]) and len(varying(r.runs)) <= 2),
    FigureDef("fall_probability", "Probability of the fall", fall_probability,
         lambda r: bool(_tipping(r).get("design"))),
    FigureDef("phase_map", "The phase map", phase_map,
         lambda r: len(_tipping(r).get("estimates", [])) > 1
         and 1 <= len(_tipping(r)["varied"]) <= 2),
    FigureDef("death_spiral", "The death spiral", death_spiral,
         lambda r: _has_series(r, [column for column, _, _ in SPIRAL])
         and "sector" not in r.series_columns),  # one incumbent: single-sector results only
    FigureDef("network", "The network at a few moments", network,
         lambda r: r.has("network/nodes.parquet") and r.has("network/edges.parquet")),
    FigureDef("early_warning", "Early-warning signals before the fall", early_warning,
         lambda r: r.has("ews.parquet") and len(pd.read_parquet(r.path / "ews.parquet")) > 0),
    FigureDef("sensitivity", "Sensitivity indices", sensitivity,
         lambda r: any(m in r.json("sensitivity.json") for m in ("morris", "sobol"))),
    FigureDef("fork_fall", "The point of no return", fork_fall,
         lambda r: "arms" in _tipping(r) and r.has("forks")),
    FigureDef("arms", "What trust does: the arms", arms,
         lambda r: "arms" in _tipping(r)),
    FigureDef("survival", "The fall in time", survival,
         lambda r: bool(_tipping(r).get("survival"))),
    FigureDef("predictive", "The predictive reading", predictive,
              lambda r: bool(_tipping(r).get("predictive"))),
    FigureDef("worlds_regimes", "The regimes across worlds", regimes_across_worlds,
              lambda r: r.has("worlds.json")),
    *[FigureDef(name, title, draw, lambda r: r.has("worlds.json"), _worlds_cannot(name))
      for name, title, draw in (
          ("worlds_tipping", "The tipping share across threshold worlds",
           tipping_across_worlds),
          ("worlds_verdicts", "The verdict across threshold worlds", verdicts_across_worlds),
          ("worlds_sensitivity", "What moves the answers", tipping_sensitivity),
          ("worlds_boxes", "Where the claim holds", where_the_claim_holds))],
]


def provenance(result: Result, plot: Plot) -> str:
    """Where a figure's data come from, in one sentence."""
    return writer.provenance(result.scenario, result.path, plot.n_runs,
                             plot.made_by or result.manifest.get("code_version", "unknown"))


def save(plot: Plot, result: Result, figure: FigureDef, out: Path | None = None) -> list[Path]:
    """Write ``plot`` as out/NAME.{pdf,svg,png,txt} (default out: DIR/figures) by
    :func:`~sim.outputs.figures.writer.write_figure`, with its data's provenance."""
    return writer.write_figure(plot.figure, out or result.path / "figures", figure.name,
                               figure.title, plot.caption, provenance(result, plot),
                               f"scenario={result.scenario}; runs={plot.n_runs}")


def applicable(result: Result) -> list[FigureDef]:
    """The figures whose data ``result`` holds."""
    return [figure for figure in FIGURES if figure.applies(result)]


def make_figures(result: Result | Path | str, names: list[str] | None = None,
                 ) -> dict[str, list[Path]]:
    """Draw and save every figure that applies to ``result`` (a Result or its folder), or
    only those in ``names``; logs one line per figure written (INFO)."""
    result = result if isinstance(result, Result) else Result(result)
    made = {}
    for figure in applicable(result):
        if names is None or figure.name in names:
            if why := figure.cannot(result):
                LOG.info("  %s: not drawn (%s): %s", figure.name, figure.title, why)
                continue
            made[figure.name] = save(figure.draw(result), result, figure)
            LOG.info(f"  {figure.name}: {', '.join(p.suffix[1:] for p in made[figure.name])}"
                f"  ({figure.title})")
    return made
