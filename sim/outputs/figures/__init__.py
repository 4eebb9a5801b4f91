"""Figures for papers, drawn only from the stored results in a result folder (never re-run).

One module per figure; each figure function takes a :class:`Result`, reads its tables and
returns a :class:`Plot` (the matplotlib Figure and a caption). :func:`save` writes it as PDF
(vector, fonts embedded), SVG and PNG (300 dpi) with a caption file, provenance in each
file's metadata. :func:`make_figures` draws every figure that applies to what a folder
holds. All figures share ``style.mplstyle`` (next to this file; its colors in
:mod:`sim.outputs.palette`); :mod:`.common` holds what they share, :mod:`.save` the
registry :data:`FIGURES`.
"""

from sim.outputs.figures.common import (
    DOUBLE,
    MAX_POINTS,
    SINGLE,
    STYLE,
    Plot,
    Result,
    shown_points,
    value_text,
)
from sim.outputs.figures.death_spiral import SPIRAL, death_spiral
from sim.outputs.figures.early_warning import INDICATOR_NAMES, early_warning
from sim.outputs.figures.fall_probability import fall_probability
from sim.outputs.figures.network import network
from sim.outputs.figures.phase_map import phase_map
from sim.outputs.figures.save import FIGURES, FigureDef, applicable, make_figures, save
from sim.outputs.figures.sensitivity import sensitivity
from sim.outputs.figures.share_over_time import share_over_time
from sim.outputs.palette import (
    BLACK,
    BLUE,
    CHOICE_COLORS,
    GREEN,
    GREY,
    LIGHT,
    OUTCOME_COLORS,
    VERMILLION,
)

__all__ = ["BLACK", "BLUE", "CHOICE_COLORS", "DOUBLE", "FIGURES", "GREEN", "GREY",
           "INDICATOR_NAMES", "LIGHT", "MAX_POINTS", "OUTCOME_COLORS", "SINGLE", "SPIRAL",
           "STYLE", "VERMILLION", "Plot", "Result", "FigureDef", "applicable", "death_spiral",
           "early_warning", "fall_probability", "make_figures", "network", "phase_map", "save",
           "sensitivity", "share_over_time", "shown_points", "value_text"]
