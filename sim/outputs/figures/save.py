"""The figure registry (:data:`FIGURES`), and writing figures to files (:func:`save`,
:func:`make_figures`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.style
import pandas as pd

from sim.experiments.atomic import write_atomic, write_text
from sim.experiments.provenance import code_version
from sim.outputs.figures.arms import arms
from sim.outputs.figures.common import FORMATS, STYLE, Plot, Result, count, varying
from sim.outputs.figures.death_spiral import SPIRAL, death_spiral
from sim.outputs.figures.early_warning import early_warning
from sim.outputs.figures.fall_probability import fall_probability
from sim.outputs.figures.fork_fall import fork_fall
from sim.outputs.figures.network import network
from sim.outputs.figures.phase_map import phase_map
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
    """A figure: its file name, title, drawing function and whether a result has its data."""

    name: str
    title: str
    draw: Callable[[Result], Plot]
    applies: Callable[[Result], bool]


def _has_series(result: Result, columns: list[str]) -> bool:
    return (result.has("runs") and len(result.runs) > 0
            and set(columns) <= set(result.series_columns))


def _tipping(result: Result) -> dict[str, Any]:
    return result.json("tipping.json")


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
    FigureDef("arms", "What trust does: the three arms", arms,
         lambda r: "arms" in _tipping(r)),
    FigureDef("survival", "The fall in time", survival,
         lambda r: bool(_tipping(r).get("survival"))),
    FigureDef("worlds_regimes", "The regimes across worlds", regimes_across_worlds,
              lambda r: r.has("worlds.json")),
    *[FigureDef(name, title, draw, lambda r, name=name: r.has("worlds.json")
                and name not in not_drawn(r.json("worlds.json")))
      for name, title, draw in (
          ("worlds_tipping", "The tipping share across threshold worlds",
           tipping_across_worlds),
          ("worlds_verdicts", "The verdict across threshold worlds", verdicts_across_worlds),
          ("worlds_sensitivity", "What moves the answers", tipping_sensitivity),
          ("worlds_boxes", "Where the claim holds", where_the_claim_holds))],
]


def provenance(result: Result, plot: Plot) -> str:
    """Where a figure's data come from, in one sentence."""
    made_by = plot.made_by or result.manifest.get("code_version", "unknown")
    return (f"Data: scenario '{result.scenario}' ({result.path}), "
            f"{count(plot.n_runs, 'run')}, results made by code version {made_by}; "
            f"figure drawn by trust-tipping {code_version()}.")


def save(plot: Plot, result: Result, figure: FigureDef, out: Path | None = None) -> list[Path]:
    """Write ``plot`` as out/NAME.{pdf,svg,png,txt} (default out: DIR/figures); the caption
    and provenance go in the .txt file and in each file's metadata."""
    out = Path(out or result.path / "figures")
    out.mkdir(parents=True, exist_ok=True)
    source = provenance(result, plot)
    creator = (f"trust-tipping {code_version()} (sim.outputs.figures), "
               f"matplotlib {matplotlib.__version__}")
    keywords = f"scenario={result.scenario}; runs={plot.n_runs}"
    metadata = {
        "pdf": {"Title": figure.title, "Subject": f"{plot.caption} {source}",
                "Keywords": keywords, "Creator": creator, "CreationDate": None},
        "svg": {"Title": figure.title, "Description": f"{plot.caption} {source}",
                "Keywords": keywords, "Creator": creator, "Date": None},
        "png": {"Title": figure.title, "Description": plot.caption, "Source": source,
                "Software": creator},
    }
    with matplotlib.style.context(STYLE):
        paths = [write_atomic(out / f"{figure.name}.{fmt}",
                              lambda tmp, fmt=fmt: plot.figure.savefig(
                                  tmp, format=fmt, metadata=metadata[fmt]))
                 for fmt in FORMATS]
    text = f"{figure.title}. {plot.caption}\n\n{source}\n"
    paths.append(write_text(out / f"{figure.name}.txt", text))
    return paths


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
            made[figure.name] = save(figure.draw(result), result, figure)
            LOG.info(f"  {figure.name}: {', '.join(p.suffix[1:] for p in made[figure.name])}"
                f"  ({figure.title})")
    return made
