"""The browser app: Mesa's SolaraViz showing the market tip (``python run.py viz``).

Sliders and inputs are generated from :data:`sim.model.parameters.PARAMETERS`, plus the seed. The
app starts with :data:`APP_CONSUMERS` consumers, not the model's default, so that the tie
network can be drawn; every other slider starts at its declared default. All drawing is
matplotlib (no Vega/altair assets are needed, so the app works offline).
"""

from __future__ import annotations

import io
import math
from html import escape
from typing import Any

import networkx as nx
import numpy as np
import solara
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter
from PIL import Image

from sim.model.market import TrustMarket
from sim.model.parameters import PARAMETERS, Param
from sim.model.rules.economics import FACTORY, NOTHING, PLATFORM, break_even_share
from sim.model.rules.network import to_networkx
from sim.outputs import figures

APP_CONSUMERS = 300  # the app's population; the model's default is much larger
APP_MAX_CONSUMERS = 2000  # the network is drawn and laid out; more would be slow to watch
APP_SEED = 1
TIPPING_SHARE = 0.20  # the essay's claim: incumbents tip at about 20% of the gross
CHOICE_COLORS = {code: figures.CHOICE_COLOURS[name]  # as in the paper figures
                 for code, name in ((FACTORY, "factory"), (PLATFORM, "platform"),
                                    (NOTHING, "nothing"))}
CHOICE_PALETTE = np.array([CHOICE_COLORS[k] for k in (NOTHING, FACTORY, PLATFORM)])
CHOICE_NAMES = {FACTORY: "factory", PLATFORM: "platform", NOTHING: "nothing"}
FALLEN_COLOR = "#c62828"  # the app bar's badge
FALL_LINE_COLOR = figures.BLACK  # the week of the fall, on every plot
THIS_WEEK = {"marker": "o", "ms": 3.5, "markevery": [-1]}  # a dot on each line's last week
SHARE_TOP = 1.05  # the share axis grows up to here, with room above 100%
SAME_LEVEL = 1e-9  # the 20% and break-even lines closer than this are drawn as one


# ----------------------------------------------------------------- the sliders
def label(param: Param) -> str:
    """A slider's label: the parameter's name (as on the command line) and its unit."""
    return f"{param.name} ({param.unit})" if param.unit else param.name


def slider_step(param: Param) -> int | float:
    """1 for integers; for floats about a hundredth of the range, with the default on it."""
    if param.kind is int:
        return 1
    step = 10.0 ** math.floor(math.log10((param.high - param.low) / 100))
    while not all(abs(x / step - round(x / step)) < 1e-6
                  for x in (param.low, param.default)):
        step /= 10
    return step


def user_param(param: Param) -> dict[str, Any]:
    """Mesa's user-parameter dict for one declared parameter."""
    spec: dict[str, Any] = {"label": label(param), "value": param.default}
    if param.choices:
        return {**spec, "type": "Select", "values": list(param.choices)}
    if param.kind is bool:
        return {**spec, "type": "Checkbox"}
    return {**spec, "type": "SliderInt" if param.kind is int else "SliderFloat",
            "min": param.low, "max": param.high, "step": slider_step(param)}


def user_params() -> dict[str, dict[str, Any]]:
    """Every declared parameter as a slider, select or checkbox, plus the seed.

    The one difference from the declaration: the population starts at APP_CONSUMERS and
    goes up to APP_MAX_CONSUMERS.
    """
    params = {"seed": {"type": "InputText", "label": "seed (integer)", "value": str(APP_SEED)}}
    params.update({name: user_param(param) for name, param in PARAMETERS.items()})
    n = PARAMETERS["n_consumers"]
    params["n_consumers"].update(
        value=APP_CONSUMERS, max=min(n.high, APP_MAX_CONSUMERS),
        label=f"{label(n)}: app starts at {APP_CONSUMERS}, not {n.default}")
    return params


def parse_seed(text: int | str) -> tuple[int, str | None]:
    """The seed typed in the app; APP_SEED and a note saying so if it is not an integer >= 0."""
    try:
        seed = int(str(text))
    except ValueError:
        seed = -1
    if seed >= 0:
        return seed, None
    return APP_SEED, (f"The seed must be a whole number, 0 or more; {str(text)!r} is not, so "
                      f"this run uses seed {APP_SEED}.")


# ----------------------------------------------------------------- the model the app shows
class MarketView(TrustMarket):
    """TrustMarket built from an integer seed, with the tie graph and a fixed layout to draw.

    The layout is a spring layout of the strong-tie layer, seeded with the model's seed and
    computed once, when the model is built; it draws nothing from the model's generator. A
    seed that is not an integer >= 0 is replaced by APP_SEED, and ``seed_note`` says so.
    """

    def __init__(self, seed: int | str = APP_SEED, scenario: Any = None, **params: Any) -> None:
        # Mesa's Reset also passes ``scenario``, an empty mesa Scenario: the app's
        # parameters all come as keywords, so it is not used.
        self.seed, self.seed_note = parse_seed(seed)
        super().__init__(rng=self.seed, **params)
        graph = to_networkx(self.ties)
        strong = nx.Graph([(u, v) for u, v, s in graph.edges(data="strong") if s])
        strong.add_nodes_from(graph)
        pos = nx.spring_layout(strong, seed=self.seed)
        self.layout = np.array([pos[i] for i in range(graph.number_of_nodes())])
        self.tie_segments = {
            kind: self.layout[np.array([(u, v) for u, v, s in graph.edges(data="strong")
                                        if s == kind], dtype=int).reshape(-1, 2)]
            for kind in (True, False)}
        self.dashboard = Dashboard(self)


# ----------------------------------------------------------------- the figures
class Frame:
    """A figure redrawn by blitting: its background (axes, ticks, legends) is drawn again
    only when an axis has to grow; each week only the changing artists are drawn on it."""

    def __init__(self, fig: Figure, changing: list[Artist]) -> None:
        self.fig, self.changing = fig, changing
        self.canvas = FigureCanvasAgg(fig)
        self.background = None
        for artist in changing:
            artist.set_animated(True)

    def invalidate(self) -> None:
        self.background = None

    def png(self) -> bytes:
        if self.background is None:
            self.canvas.draw()
            self.background = self.canvas.copy_from_bbox(self.fig.bbox)
        else:
            self.canvas.restore_region(self.background)
        for artist in self.changing:
            self.fig.draw_artist(artist)
        out = io.BytesIO()
        Image.fromarray(np.asarray(self.canvas.buffer_rgba())).save(out, "png",
                                                                    compress_level=1)
        return out.getvalue()


def grown(limits: tuple[float, float], low: float, high: float) -> tuple[float, float] | None:
    """Wider limits if [low, high] does not fit in ``limits`` with room at the top, else None."""
    if limits[0] <= low and high <= limits[1] - 0.02 * (limits[1] - limits[0]):
        return None
    margin = 0.5 * max(high - low, 0.2 * max(abs(low), abs(high)), 1e-9)
    bottom = limits[0] if low >= limits[0] else low - margin
    return bottom, max(limits[1], high + margin)


def share_legend(ax: Axes) -> None:
    """The share plot's legend, below the axes, where it covers no line."""
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2,
              frameon=False)


class Dashboard:
    """The app's figures for one model, built once and brought up to date each week."""

    def __init__(self, model: MarketView) -> None:
        self.model = model
        self.updated_at: float | None = None
        self.lines: dict[str, Line2D] = {}
        self.horizon = 52  # weeks on the x axes; doubles when the run gets there
        self.fall_marked = False
        self.frames = {"network": self._network(), "share": self._share(),
                       "factory": self._panels("The factory", FACTORY, (2, 2), [
                           ("factory_price", "price"), ("factory_volume", "volume (units sold)"),
                           ("factory_profit", "profit (per week)"), ("factory_cash", "cash")]),
                       "platform": self._panels("The platform", PLATFORM, (1, 2), [
                           ("platform_trust", "mean trust in the platform"),
                           ("n_vendors", "vendors on the platform")])}

    # building
    def _network(self) -> Frame:
        fig = Figure(figsize=(5.6, 3.8), dpi=100, layout="constrained")
        ax = fig.add_subplot()
        ax.add_collection(LineCollection(self.model.tie_segments[False], colors="#9a9a9a",
                                         linewidths=0.3, alpha=0.12, zorder=1))
        ax.add_collection(LineCollection(self.model.tie_segments[True], colors="#303030",
                                         linewidths=0.7, alpha=0.3, zorder=2))
        xy, committed = self.model.layout, self.model.consumers.committed
        self.nodes = ax.scatter(xy[:, 0], xy[:, 1], s=30, c=CHOICE_COLORS[NOTHING],
                                edgecolors="white", linewidths=0.4, zorder=3)
        rings = ax.scatter(xy[committed, 0], xy[committed, 1], s=75, facecolors="none",
                           edgecolors="black", linewidths=1.4, zorder=4)
        handles = [Line2D([], [], ls="", marker="o", ms=7, color=CHOICE_COLORS[k],
                          label=CHOICE_NAMES[k]) for k in (FACTORY, PLATFORM, NOTHING)]
        handles += [Line2D([], [], ls="", marker="o", ms=9, mfc="none", mec="black", mew=1.4,
                           label="committed"),
                    Line2D([], [], color="#303030", lw=1.6, alpha=0.7, label="strong tie"),
                    Line2D([], [], color="#9a9a9a", lw=0.6, alpha=0.7, label="weak tie")]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8,
                  frameon=False, title="bought this week", title_fontsize=8)
        ax.set_title(f"The tie network ({self.model.p['n_consumers']} consumers)", fontsize=10)
        ax.set_aspect("equal")
        ax.autoscale_view()
        ax.set_axis_off()
        self.counts = ax.text(0.5, -0.02, "", transform=ax.transAxes, ha="center", va="top",
                              fontsize=8.5)
        return Frame(fig, [self.nodes, rings, self.counts])

    def _share(self) -> Frame:
        fig = Figure(figsize=(5.6, 3.9), dpi=100)
        fig.subplots_adjust(left=0.14, right=0.97, bottom=0.3, top=0.92)
        ax = fig.add_subplot()
        be = break_even_share(self.model.p["factory_fixed_cost_share"])
        (line,) = ax.plot([], [], color=CHOICE_COLORS[PLATFORM], lw=1.8, label="platform share",
                          **THIS_WEEK)
        if abs(be - TIPPING_SHARE) < SAME_LEVEL:
            ax.axhline(be, color=figures.GREEN, ls="--", lw=1.6,
                       label=f"{TIPPING_SHARE:.0%} claim = break-even share")
        else:
            ax.axhline(TIPPING_SHARE, color=figures.GREY, ls="--", lw=1.2,
                       label=f"{TIPPING_SHARE:.0%}: the essay's tipping point")
            ax.axhline(be, color=figures.GREEN, ls=":", lw=2.0,
                       label=f"break-even share ({be:.0%})")
        ax.set(xlim=(0, self.horizon), ylim=(0, max(0.3, be + 0.1)), xlabel="week",
               ylabel="share of the gross")
        ax.yaxis.set_major_formatter(lambda y, _: f"{y:.0%}")
        ax.set_title("The platform's share of the sector's gross", fontsize=10)
        share_legend(ax)
        ax.grid(alpha=0.3)
        self.lines["platform_share"] = line
        return Frame(fig, [line])

    def _panels(self, title: str, side: int, shape: tuple[int, int],
                panels: list[tuple[str, str]]) -> Frame:
        fig = Figure(figsize=(5.6, 3.7), dpi=100)  # fixed margins: redrawing stays cheap
        fig.subplots_adjust(left=0.1, right=0.97, bottom=0.12, top=0.84, wspace=0.28,
                            hspace=0.5)
        color = CHOICE_COLORS[side]
        lines = []
        for ax, (name, heading) in zip(fig.subplots(*shape).ravel(), panels, strict=True):
            (line,) = ax.plot([], [], color=color, lw=1.5, **THIS_WEEK)
            ax.set_title(heading, fontsize=9)
            ax.tick_params(labelsize=8)
            ax.yaxis.set_major_locator(MaxNLocator(4))
            ax.grid(alpha=0.3)
            ax.set_xlim(0, self.horizon)
            ax.set_ylim(0, 1)
            ax.axhline(0, color="black", lw=0.6)
            self.lines[name] = line
            lines.append(line)
        fig.suptitle(title, fontsize=10)
        return Frame(fig, lines)

    # updating
    def update(self) -> None:
        """Bring every figure to the model's current week."""
        model = self.model
        if self.updated_at == model.time:
            return
        self.updated_at = model.time
        choice = model.consumers.choice
        self.nodes.set_facecolors(CHOICE_PALETTE[choice])
        counts = np.bincount(choice, minlength=3)
        self.counts.set_text(
            f"week {int(model.time)}: factory {counts[FACTORY]}, platform {counts[PLATFORM]}, "
            f"nothing {counts[NOTHING]}; {int(model.consumers.committed.sum())} committed")
        weeks = len(model.datacollector.model_vars.get("platform_share", []))
        if weeks > self.horizon:
            while weeks > self.horizon:
                self.horizon *= 2
            for name in ("share", "factory", "platform"):
                for ax in self.frames[name].fig.axes:
                    ax.set_xlim(0, self.horizon)
                self.frames[name].invalidate()
        for name, line in self.lines.items():
            values = np.asarray(model.datacollector.model_vars.get(name, []), dtype=float)
            line.set_data(np.arange(1, values.size + 1), values)
            finite = values[np.isfinite(values)]
            if finite.size and (new := grown(line.axes.get_ylim(), finite.min(), finite.max())):
                line.axes.set_ylim(new if name != "platform_share" else (0, min(SHARE_TOP, new[1])))
                self.frame_of(line).invalidate()
        if model.factory.fall_step is not None and not self.fall_marked:
            self.fall_marked = True
            for line in self.lines.values():
                line.axes.axvline(model.factory.fall_step, color=FALL_LINE_COLOR, lw=1.5,
                                  label="the incumbent fell")
                self.frame_of(line).invalidate()
            share_legend(self.lines["platform_share"].axes)

    def frame_of(self, line: Line2D) -> Frame:
        return next(f for f in self.frames.values() if line.figure is f.fig)

    def png(self, name: str) -> bytes:
        """One figure, up to date, as PNG bytes."""
        self.update()
        return self.frames[name].png()


# ----------------------------------------------------------------- the page
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


def _figure(model: MarketView, name: str) -> None:
    png = solara.use_memo(lambda: model.dashboard.png(name), [model, model.time])
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
    """The platform's share of the gross."""
    update_counter.get()
    _figure(model, "share")


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


def help_table(values: dict[str, Any]) -> str:
    """Every parameter as an HTML table row (escaped text): its value in ``values`` (bold
    where it differs from the default), default, allowed values, unit and description."""
    head = "".join(f"<th>{h}</th>" for h in ("parameter", "this run", "default",
                                              "allowed (unit)", "description"))
    rows = []
    for name, param in PARAMETERS.items():
        value = escape(str(values[name]))
        unit = f" ({param.unit})" if param.unit else ""
        cells = [f"<code>{name}</code>",
                 value if values[name] == param.default else f"<strong>{value}</strong>",
                 escape(str(param.default)), escape(param.allowed() + unit),
                 escape(param.description)]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


@solara.component
def ParameterHelp(model: MarketView) -> None:
    """The parameters of this run. Plain HTML: solara.Markdown would fetch KaTeX from a CDN."""
    solara.HTML(unsafe_innerHTML=(
        f"<p><strong>The parameters of this run (seed {model.seed}).</strong> Values that "
        f"differ from the declared default are in bold. The app's population starts at "
        f"{APP_CONSUMERS}.</p>" + help_table(model.p)), classes=["parameter-help"])


def initial_model() -> MarketView:
    """The model the app opens with: the sliders' starting values."""
    return MarketView(**{name: spec["value"] for name, spec in user_params().items()})


@solara.component
def Page() -> None:
    """The app: one model per browser session, shown by Mesa's SolaraViz."""
    model = solara.use_reactive(solara.use_memo(initial_model, []))
    solara.Style(CSS)
    with solara.AppBar():
        FallenBadge(model.value)
    with solara.Column(gap="6px", style={"padding": "8px 12px 0 12px"}):
        Status(model.value)
        if model.value.seed_note:
            solara.Warning(model.value.seed_note, dense=True)
        solara.Info(f"The app starts with {APP_CONSUMERS} consumers so that the network can be "
                    f"drawn; the model's default is {PARAMETERS['n_consumers'].default}. Every "
                    "other parameter starts at its declared default. Change a parameter, then "
                    "press Reset.", dense=True)
        with solara.Details(HELP_SUMMARY):
            ParameterHelp(model.value)
    SolaraViz(model, components=[Share, Network, FactoryPlots, PlatformPlots],
              model_params=user_params(), name="Trust tipping: do trust platforms tip "
              "mass-production incumbents?")


page = Page()
