"""The several-sector app (``python run.py viz --sectors``): pick the sectors (the presets of
docs/sectors.md), the spillover and each sector's committed share, and watch each sector's
platform share and incumbent, one colour per sector."""

from __future__ import annotations

import io
from typing import Any

import solara
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from sim.app.params import APP_CONSUMERS, APP_MAX_CONSUMERS, APP_SEED, parse_seed
from sim.model.sectors.market import SectorMarket
from sim.model.sectors.parameters import SECTORS_DEFAULT, SPILLOVER_DEFAULT
from sim.model.sectors.presets import SECTORS
from sim.outputs.palette import BLACK, SECTOR_COLORS

CHOICES = [SECTORS_DEFAULT, "news,health,food", *SECTORS]  # the sector presets to pick from


def user_params() -> dict[str, dict[str, Any]]:
    """The sectors, the spillover, the population, each sector's committed share, the seed."""
    params: dict[str, dict[str, Any]] = {
        "seed": {"type": "InputText", "label": "seed (integer)", "value": str(APP_SEED)},
        "sectors": {"type": "Select", "label": "sectors (presets)", "value": SECTORS_DEFAULT,
                    "values": CHOICES},
        "spillover": {"type": "SliderFloat", "label": "spillover (0: independent sectors)",
                      "value": SPILLOVER_DEFAULT, "min": 0.0, "max": 1.0, "step": 0.05},
        "n_consumers": {"type": "SliderInt", "label": "n_consumers (consumers)",
                        "value": APP_CONSUMERS, "min": 50, "max": APP_MAX_CONSUMERS, "step": 1}}
    for sector in SECTORS:
        params[f"{sector}__committed_share"] = {
            "type": "SliderFloat", "label": f"{sector}: committed_share (share)", "value": 0.0,
            "min": 0.0, "max": 1.0, "step": 0.01}
    return params


class SectorsView(SectorMarket):
    """SectorMarket built from the app's inputs (a seed typed as text)."""

    def __init__(self, seed: int | str = APP_SEED, scenario: Any = None, **params: Any) -> None:
        self.seed, self.seed_note = parse_seed(seed)
        super().__init__(rng=self.seed, **params)


def status_lines(model: SectorMarket) -> list[tuple[str, bool]]:
    """One line per sector, and whether its incumbent has fallen."""
    lines = []
    for name, sector in model.sectors.items():
        share, fall = sector.week["platform_share"], sector.factory.fall_step
        if fall is not None:
            lines.append((f"{name}: the incumbent fell in week {fall}; platform share now "
                          f"{share:.1%}.", True))
        else:
            f = sector.factory
            weeks = f.cash / f.fixed_cost if f.fixed_cost else 0.0
            lines.append((f"{name}: platform share {share:.1%}; the incumbent stands, with cash "
                          f"for {weeks:.0f} weeks of fixed cost.", False))
    return lines


def figure(model: SectorMarket) -> Figure:
    """Each sector's platform share and its incumbent's cash by week, a colour per sector
    (the paper figures' colours; Solara's server gets no style file, as in the main app);
    a sector's fall is marked by a black dot."""
    fig = Figure(figsize=(9.0, 3.2), dpi=100, layout="constrained")
    share_ax, cash_ax = fig.subplots(1, 2)
    for name, sector in model.sectors.items():
        frame = sector.datacollector.get_model_vars_dataframe()
        weeks = range(1, len(frame) + 1)
        color = SECTOR_COLORS[name]
        share_ax.plot(weeks, frame["platform_share"], color=color, label=name, gid=name)
        cash = frame["factory_cash"] / max(sector.factory.fixed_cost0, 1e-12)
        cash_ax.plot(weeks, cash, color=color, label=name, gid=name)
        if sector.factory.fall_step is not None:
            share_ax.plot([sector.factory.fall_step],
                          [frame["platform_share"].iloc[sector.factory.fall_step - 1]],
                          "o", color=BLACK, ms=4, gid=f"fall-{name}")
    share_ax.set(xlabel="Week", ylabel="Platform share of the sector's gross", ylim=(0, 1.05))
    cash_ax.set(xlabel="Week", ylabel="Incumbent's cash (weeks of fixed cost)")
    cash_ax.axhline(0, color=BLACK, lw=0.6)
    share_ax.legend(loc="upper left", fontsize=7)
    return fig


def png(model: SectorMarket) -> bytes:
    """The figure as PNG bytes."""
    fig = figure(model)
    out = io.BytesIO()
    FigureCanvasAgg(fig).print_png(out)
    return out.getvalue()


@solara.component
def SectorStatus(model: SectorMarket) -> None:
    """A line per sector: green while its incumbent stands, red once it has fallen."""
    update_counter.get()
    for text, fallen in status_lines(model):
        (solara.Error if fallen else solara.Success)(text, dense=True)


@solara.component
def SectorPlots(model: SectorMarket) -> None:
    """Each sector's share and incumbent."""
    update_counter.get()
    image = solara.use_memo(lambda: png(model), [model, model.time])
    solara.Image(image, format="png")


@solara.component
def Page() -> None:
    """The several-sector app: one SectorMarket per browser session."""
    model = solara.use_reactive(solara.use_memo(
        lambda: SectorsView(**{k: v["value"] for k, v in user_params().items()}), []))
    if model.value.seed_note:
        solara.Warning(model.value.seed_note, dense=True)
    SolaraViz(model, components=[SectorStatus, SectorPlots], model_params=user_params(),
              name="Trust tipping in several sectors")


page = Page()
