"""The browser app: Mesa's SolaraViz showing the market tip (``python run.py viz``).

Sliders and inputs are generated from :data:`sim.model.parameters.PARAMETERS`, plus the seed. The
app starts with :data:`APP_CONSUMERS` consumers, not the model's default, so that the tie
network can be drawn; every other slider starts at its declared default. All drawing is
matplotlib (no Vega/altair assets are needed, so the app works offline).
"""

from __future__ import annotations

import solara
from mesa.visualization import SolaraViz

from sim.app.components import (
    CSS,
    HELP_SUMMARY,
    FactoryPlots,
    FallenBadge,
    NaturalCourse,
    Network,
    ParameterHelp,
    PlatformPlots,
    Share,
    Status,
)
from sim.app.params import APP_CONSUMERS, APP_SEED, QUIET_SEED, user_params
from sim.app.view import MarketView
from sim.model.parameters import PARAMETERS


def initial_model() -> MarketView:
    """The model the app opens with: the sliders' starting values."""
    return MarketView(**{name: spec["value"] for name, spec in user_params().items()})


# Weeks played per second: a week must render before the next is stepped, or Solara's render
# loop guard stops the page ("Too many renders") on a busy machine.
PLAY_MS = 300
TITLE = "Trust tipping: do trust platforms tip mass-production incumbents?"


@solara.component
def Page() -> None:
    """The app: one model per browser session, shown by Mesa's SolaraViz."""
    model = solara.use_reactive(solara.use_memo(initial_model, []))
    solara.Title(TITLE)
    solara.Style(CSS)
    with solara.AppBar():
        FallenBadge(model.value)
    # SolaraViz gives the sidebar (controls, sliders); the panels are laid out here, without
    # its draggable grid and its "Page 0" tab
    SolaraViz(model, components=[], play_interval=PLAY_MS, model_params=user_params(),
              name=TITLE)
    with solara.Column(gap="8px", style={"padding": "8px 12px"}):
        Status(model.value)
        if model.value.seed_note:
            solara.Warning(model.value.seed_note, dense=True)
        solara.Info(f"The app starts with {APP_CONSUMERS} consumers so that the network can be "
                    f"drawn; the model's default is {PARAMETERS['n_consumers'].default}. Every "
                    "other parameter starts at its declared default. With no committed "
                    "consumers the platform takes off on its own in some runs and dies out in "
                    f"others: seed {APP_SEED}, the default here, is one where it takes off; "
                    f"seed {QUIET_SEED} is one where it dies out. Change a parameter, then press "
                    "Reset.", dense=True)
        NaturalCourse(model.value)
        with solara.Div(classes=["story-grid"]):
            Share(model.value)
            Network(model.value)
            FactoryPlots(model.value)
            PlatformPlots(model.value)
        with solara.Details(HELP_SUMMARY):
            ParameterHelp(model.value)


page = Page()
