"""The Solara components of the app page: the status line, the badge, the figures and the
parameter table."""

from __future__ import annotations

import solara
from mesa.visualization.utils import update_counter

from sim.app import point_of_no_return
from sim.app.dashboard import FALLEN_COLOR
from sim.app.params import APP_CONSUMERS, help_table
from sim.app.view import MarketView
from sim.model.market import TrustMarket

# Slider labels on their own line above a full-width slider, and every slider's value shown
# above its thumb (Mesa's sliders show it only while dragged).
CSS = """
.v-input__slider .v-input__slot { flex-wrap: wrap; }
.v-input__slider .v-input__slot > .v-label { flex: 0 0 100%; margin: 0 0 18px 0 !important;
  font-size: 13px; white-space: normal; }
.v-slider__thumb-container::after { content: attr(aria-valuenow); position: absolute;
  top: -25px; left: 0; transform: translateX(-50%); font-size: 11px; color: #1565c0;
  white-space: nowrap; }
.widget-image { max-width: 100%; height: auto; }
.vue-grid-item { overflow: auto; }
.parameter-help table { border-collapse: collapse; }
.parameter-help tr { border-bottom: 1px solid #e0e0e0; }
.parameter-help th, .parameter-help td { text-align: left !important; vertical-align: top;
  padding: 3px 8px !important; font-size: 13px; }
"""
HELP_SUMMARY = "Every parameter: what it means, its unit and range, and its value in this run"


def status(model: TrustMarket) -> tuple[str, bool]:
    """One line on the state of the market, and whether the incumbent has fallen."""
    share = model.week["platform_share"]
    fall = model.factory.fall_step
    if fall is not None:
        at_fall = model.outcomes()["platform_share_at_fall"]
        return (f"THE INCUMBENT HAS FALLEN: week {fall}, at a platform share of {at_fall:.1%}. "
                f"Now week {int(model.time)}, platform share {share:.1%}.", True)
    cash_weeks = model.factory.cash / model.factory.fixed_cost if model.factory.fixed_cost else 0
    return (f"Week {int(model.time)}: platform share {share:.1%}. The incumbent stands, with "
            f"cash for {cash_weeks:.0f} weeks of fixed cost.", False)


def _figure(model: MarketView, name: str, key: object = None) -> None:
    png = solara.use_memo(lambda: model.dashboard.png(name), [model, model.time, key])
    solara.Image(png, format="png", classes=[f"figure-{name}"])


@solara.component
def FallenBadge(model: TrustMarket) -> None:
    """In the app bar: red once the incumbent has fallen."""
    update_counter.get()
    fall = model.factory.fall_step
    text = "incumbent standing" if fall is None else f"THE INCUMBENT FELL IN WEEK {fall}"
    solara.v.Chip(children=[text], color="green darken-1" if fall is None else FALLEN_COLOR,
                  text_color="white", label=True, class_="mx-4 font-weight-bold")


@solara.component
def Status(model: TrustMarket) -> None:
    """Where the market stands: green, or red once the incumbent has fallen."""
    update_counter.get()
    text, fallen = status(model)
    (solara.Error if fallen else solara.Success)(text, icon=True, dense=True)


@solara.component
def Share(model: MarketView) -> None:
    """The platform's share of the gross, and on request the run's point of no return."""
    update_counter.get()
    measured = solara.use_reactive(0)  # bumped once the point is measured: redraw

    def find() -> None:
        model.no_return = point_of_no_return.measure(model.seed, model.p)
        model.dashboard.mark_no_return(model.no_return)
        measured.set(measured.value + 1)

    _figure(model, "share", key=measured.value)
    if not hasattr(model, "no_return"):  # a new model (Reset) has not been measured
        solara.Button("Find this run's point of no return (fork experiment, a few seconds)",
                      on_click=find, text=True, color="primary")


@solara.component
def Network(model: MarketView) -> None:
    """Who bought what this week, on the tie network."""
    update_counter.get()
    _figure(model, "network")


@solara.component
def FactoryPlots(model: MarketView) -> None:
    """The factory's price, volume, profit and cash."""
    update_counter.get()
    _figure(model, "factory")


@solara.component
def PlatformPlots(model: MarketView) -> None:
    """Trust in the platform and its vendors."""
    update_counter.get()
    _figure(model, "platform")


@solara.component
def ParameterHelp(model: MarketView) -> None:
    """The parameters of this run. Plain HTML: solara.Markdown would fetch KaTeX from a CDN."""
    solara.HTML(unsafe_innerHTML=(
        f"<p><strong>The parameters of this run (seed {model.seed}).</strong> Values that "
        f"differ from the declared default are in bold. The app's population starts at "
        f"{APP_CONSUMERS}.</p>" + help_table(model.p)), classes=["parameter-help"])
