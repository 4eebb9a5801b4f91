"""The colors every picture shares (paper figures and the browser app), read from the one
matplotlib style, ``sim/outputs/figures/style.mplstyle``: the colour-blind-safe Okabe-Ito
cycle, two greys, and what each color stands for."""

from __future__ import annotations

from pathlib import Path

import matplotlib

STYLE = Path(__file__).with_name("figures") / "style.mplstyle"
BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY, YELLOW, BLACK = (
    entry["color"] for entry in
    matplotlib.rc_params_from_file(STYLE, use_default_template=False)["axes.prop_cycle"])
GREY, LIGHT = "#777777", "#CCCCCC"
CHOICE_COLORS = {"factory": BLUE, "platform": VERMILLION, "nothing": LIGHT}
OUTCOME_COLORS = {"fell": VERMILLION, "did not fall": BLUE}
POINT_COLORS = (BLUE, VERMILLION, GREEN, ORANGE, PURPLE)
SECTOR_COLORS = {"news": BLUE, "education": PURPLE, "health": VERMILLION, "food": GREEN}
ARM_COLORS = {"no_switching": GREY, "price_only": BLUE, "price_only_uninformed": SKY,
              "full": VERMILLION}  # verdict arms
