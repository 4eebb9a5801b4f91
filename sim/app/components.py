"""The Solara components of the app page: the status line, the badge, the figures and the
parameter table."""

from __future__ import annotations

import solara
from mesa.visualization.utils import update_counter
from solara.lab import use_task

from sim.app import natural, point_of_no_return
from sim.app.dashboard import FALLEN_COLOR
from sim.app.params import APP_CONSUMERS, help_table
from sim.app.story import claim_reading
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
.story-grid { display: grid; gap: 12px; width: 100%;
  grid-template-columns: repeat(auto-fill, minmax(580px, 1fr)); }
.story-grid > * { min-width: 0; }
.v-btn__content { white-space: normal; }
.claim-reading, .no-return-found, .no-return-measuring, .no-return-meaning, .natural-course,
.natural-measuring { display: block; margin: 4px 0; }
.parameter-help table { border-collapse: collapse; }
.parameter-help tr { border-bottom: 1px solid #e0e0e0; }
.parameter-help th, .parameter-help td { text-align: left !important; vertical-align: top;
  padding: 3px 8px !important; font-size: 13px; }
"""
HELP_SUMMARY = "Every parameter: what it means, its unit and range, and its value in this run"
INTERVENTIONS = {"release": "release: the push withdrawn",
                 "hold": "hold: the push frozen",
                 "stall": "stall: frozen, no new platform users"}


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
    """The platform's share of the gross, when it first passed 20%, and on request the run's
    point of no return (measured in the background, then drawn on the share plot)."""
    update_counter.get()
    chosen = solara.use_reactive("release")

    def measure() -> tuple[MarketView, str, dict | None]:
        how = chosen.value
        return model, how, point_of_no_return.measure(model.seed, model.p, intervention=how)

    task = use_task(measure, dependencies=None)
    if task.finished and task.value is not None:
        shown, how, found = task.value
        if shown is model and how not in model.no_return:  # a Reset discards the answer
            model.no_return[how] = found
            model.dashboard.mark_no_return(found, how, point_of_no_return.HORIZON)
    with solara.Card(margin=0):
        _figure(model, "share", key=tuple(model.no_return))
        shares = model.datacollector.model_vars.get("platform_share", [])
        solara.Text(claim_reading(shares, model.factory.fall_step, int(model.time)),
                    classes=["claim-reading"])
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.ToggleButtonsSingle(value=chosen, values=list(INTERVENTIONS), dense=True)
            solara.Button("Find the point of no return", on_click=task, color="primary",
                          disabled=task.pending, outlined=True, dense=True)
        solara.Text(f"In the copies of this run: {INTERVENTIONS[chosen.value]}.",
                    style={"font-size": "13px"}, classes=["no-return-meaning"])
        if task.pending:
            solara.Text(f"Measuring the point of no return: copies of this run every "
                        f"{point_of_no_return.EVERY} weeks, a few seconds...",
                        classes=["no-return-measuring"])
            solara.ProgressLinear(True)
        for how, found in model.no_return.items():
            solara.Text(no_return_sentence(how, found), classes=["no-return-found"])


def no_return_sentence(how: str, found: dict | None) -> str:
    """The measured point of no return in words."""
    if found is None:
        return f"Point of no return ({how}): none within {point_of_no_return.HORIZON} weeks."
    at = (" (at the fall itself)" if found["by"] == "fall" else
          " (already past at the first checkpoint: the fall was inevitable from the start)"
          if found.get("share_before") is None else "")
    return (f"Point of no return ({how}): week {found['week']}, {found['share']:.1%} of the "
            f"gross{at}.")


@solara.component
def NaturalCourse(model: MarketView) -> None:
    """What this world does with no push: a few quick runs, on request, in the background."""
    def measure() -> tuple[MarketView, dict]:
        return model, natural.natural_course(model.p, model.seed)

    task = use_task(measure, dependencies=None)
    known = natural.cached(model.p, model.seed)
    with solara.Card("What the natural course of this world does", margin=0):
        if known is not None:
            solara.Text(natural.sentence(known), classes=["natural-course"])
            solara.Text("The run shown below is one run of this world: its own course can "
                        "differ from most.", style={"font-size": "13px"})
        elif task.pending:
            solara.Text(f"Measuring: {natural.RUNS} runs of this world without push, to week "
                        f"{natural.HORIZON}...", classes=["natural-measuring"])
            solara.ProgressLinear(True)
        else:
            solara.Text(f"Does the incumbent fall here even with no committed consumers? "
                        f"{natural.RUNS} quick runs of these parameters with no push, seeds "
                        f"from seed {model.seed}, tell (about 10 seconds).")
            solara.Button(f"Measure the natural course ({natural.RUNS} runs)", on_click=task,
                          color="primary", outlined=True, dense=True)


@solara.component
def Network(model: MarketView) -> None:
    """Who bought what this week, on the tie network."""
    update_counter.get()
    with solara.Card(margin=0):
        _figure(model, "network")


@solara.component
def FactoryPlots(model: MarketView) -> None:
    """The factory's price, volume, profit and cash."""
    update_counter.get()
    with solara.Card(margin=0):
        _figure(model, "factory")


@solara.component
def PlatformPlots(model: MarketView) -> None:
    """Trust in the platform and its vendors."""
    update_counter.get()
    with solara.Card(margin=0):
        _figure(model, "platform")


@solara.component
def ParameterHelp(model: MarketView) -> None:
    """The parameters of this run. Plain HTML: solara.Markdown would fetch KaTeX from a CDN."""
    solara.HTML(unsafe_innerHTML=(
        f"<p><strong>The parameters of this run (seed {model.seed}).</strong> Values that "
        f"differ from the declared default are in bold. The app's population starts at "
        f"{APP_CONSUMERS}.</p>" + help_table(model.p)), classes=["parameter-help"])
