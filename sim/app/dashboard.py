"""The app's matplotlib figures (network, share, factory, platform), built once per model
and brought up to date each week by blitting."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator
from PIL import Image

from sim.app.story import first_past
from sim.model.essay_claim import CLAIM_SHARE
from sim.model.rules.economics import FACTORY, NOTHING, PLATFORM, break_even_share
from sim.outputs.palette import BLACK, CHOICE_COLORS, GREEN, GREY

if TYPE_CHECKING:
    from sim.app.view import MarketView

CODE_COLORS = {code: CHOICE_COLORS[name]  # as in the paper figures
                 for code, name in ((FACTORY, "factory"), (PLATFORM, "platform"),
                                    (NOTHING, "nothing"))}
CHOICE_PALETTE = np.array([CODE_COLORS[k] for k in (NOTHING, FACTORY, PLATFORM)])
CHOICE_NAMES = {FACTORY: "factory", PLATFORM: "platform", NOTHING: "nothing"}
FALLEN_COLOR = "#c62828"  # the app bar's badge
FALL_LINE_COLOR = BLACK  # the week of the fall, on every plot
THIS_WEEK = {"marker": "o", "ms": 3.5, "markevery": [-1]}  # a dot on each line's last week
SHARE_TOP = 1.05  # the share axis grows up to here, with room above 100%
SAME_LEVEL = 1e-9  # the 20% and break-even lines closer than this are drawn as one
BREAK_EVEN_REGIME = "fixed price, no reserve, no switching"
NO_RETURN_MARKERS = {"release": "o", "hold": "s", "stall": "^"}  # one per intervention
NEAR_TIE = (0.1, 0.1, 0.1, 1.0)  # a strong tie within a cluster of inner circles
FAR_TIE = (0.55, 0.55, 0.6, 1.0)  # a strong tie to another cluster
CLAIM_MARKER = {"marker": "D", "ms": 7, "mfc": "white", "mec": BLACK, "mew": 1.4, "ls": ""}


def in_break_even_regime(p: dict) -> bool:
    """Whether 1 - F/C0 is the fall's threshold here: a fixed price, no cash reserve and no
    switching (docs/sources.md, the pure-accounting limit); elsewhere the app draws no
    break-even line."""
    return (p["factory_pricing"] == "fixed" and p["factory_cash_reserve_weeks"] == 0
            and not p["consumer_switching"])


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
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=1,
              frameon=False)


class Dashboard:
    """The app's figures for one model, built once and brought up to date each week."""

    def __init__(self, model: MarketView) -> None:
        self.model = model
        self.updated_at: float | None = None
        self.lines: dict[str, Line2D] = {}
        self.horizon = 52  # weeks on the x axes; doubles when the run gets there
        self.fall_marked = False
        self.claim_week: int | None = None
        self.claim_marker: Line2D | None = None  # drawn once the platform passes 20%
        self.frames = {"network": self._network(), "share": self._share(),
                       "factory": self._panels("The factory", FACTORY, (2, 2), [
                           ("factory_price", "price"), ("factory_volume", "volume (units sold)"),
                           ("factory_profit", "profit (per week)"), ("factory_cash", "cash")]),
                       "platform": self._panels("The platform", PLATFORM, (2, 3), [
                           ("platform_trust", "mean trust in the platform"),
                           ("institutional_trust", "institutional trust"),
                           ("rated_share_4_5_stars", "rated vendors at 4.5+ stars"),
                           ("n_vendors", "vendors on the platform"),
                           ("campaign_success_share", "campaigns that succeed"),
                           ("referrals_made", "referrals passed on")])}

    # building
    def _network(self) -> Frame:
        fig = Figure(figsize=(5.6, 3.8), dpi=100, layout="constrained")
        ax = fig.add_subplot()
        ax.add_collection(LineCollection(self.model.tie_segments[False], colors="#9a9a9a",
                                         linewidths=0.3, alpha=0.1, zorder=1))
        far = self.model.strong_far  # strong ties between clusters: long, so fainter
        ax.add_collection(LineCollection(self.model.tie_segments[True], alpha=0.45, zorder=2,
                                         colors=np.where(far[:, None], FAR_TIE, NEAR_TIE),
                                         linewidths=np.where(far, 0.4, 0.9)))
        xy, committed = self.model.layout, self.model.consumers.committed
        self.nodes = ax.scatter(xy[:, 0], xy[:, 1], s=30, c=CODE_COLORS[NOTHING],
                                edgecolors="white", linewidths=0.4, zorder=3)
        rings = ax.scatter(xy[committed, 0], xy[committed, 1], s=75, facecolors="none",
                           edgecolors="black", linewidths=1.4, zorder=4)
        handles = [Line2D([], [], ls="", marker="o", ms=7, color=CODE_COLORS[k],
                          label=CHOICE_NAMES[k]) for k in (FACTORY, PLATFORM, NOTHING)]
        handles += [Line2D([], [], ls="", marker="o", ms=9, mfc="none", mec="black", mew=1.4,
                           label="committed"),
                    Line2D([], [], color=NEAR_TIE[:3], lw=1.6, alpha=0.8,
                           label="strong, same cluster"),
                    Line2D([], [], color=FAR_TIE[:3], lw=1.0, alpha=0.8,
                           label="strong, other cluster"),
                    Line2D([], [], color="#9a9a9a", lw=0.6, alpha=0.7, label="weak tie")]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8,
                  frameon=False, title="bought this week", title_fontsize=8)
        circles = int(self.model.circle.max()) + 1 if self.model.circle.size else 0
        ax.set_title(f"Inner circles: {self.model.p['n_consumers']} consumers in {circles} "
                     "clusters", fontsize=10)
        ax.set_aspect("equal")
        ax.autoscale_view()
        ax.set_axis_off()
        self.counts = ax.text(0.5, -0.02, "", transform=ax.transAxes, ha="center", va="top",
                              fontsize=8.5)
        return Frame(fig, [self.nodes, rings, self.counts])

    def _share(self) -> Frame:
        # constrained: the legend below grows with the marks; only full redraws lay it out
        fig = Figure(figsize=(5.6, 4.6), dpi=100, layout="constrained")
        ax = fig.add_subplot()
        p = self.model.p
        be = break_even_share(p["factory_fixed_cost_share"])
        (line,) = ax.plot([], [], color=CODE_COLORS[PLATFORM], lw=1.8, label="platform share",
                          **THIS_WEEK)
        if not in_break_even_regime(p):  # the comparator belongs to one regime only
            ax.axhline(CLAIM_SHARE, color=GREY, ls="--", lw=1.2,
                       label=f"{CLAIM_SHARE:.0%}: the essay's tipping point")
        elif abs(be - CLAIM_SHARE) < SAME_LEVEL:
            ax.axhline(be, color=GREEN, ls="--", lw=1.6,
                       label=f"{CLAIM_SHARE:.0%} claim = break-even share ({BREAK_EVEN_REGIME})")
        else:
            ax.axhline(CLAIM_SHARE, color=GREY, ls="--", lw=1.2,
                       label=f"{CLAIM_SHARE:.0%}: the essay's tipping point")
            ax.axhline(be, color=GREEN, ls=":", lw=2.0,
                       label=f"break-even share ({be:.0%}; {BREAK_EVEN_REGIME})")
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
        fig = Figure(figsize=(5.6, 1.85 * shape[0] + 0.5), dpi=100)  # fixed margins: cheap
        fig.subplots_adjust(left=0.1, right=0.95, bottom=0.12, top=0.84, wspace=0.3,
                            hspace=0.5)
        color = CODE_COLORS[side]
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
        fall = model.factory.fall_step
        for name, line in self.lines.items():
            values = np.asarray(model.datacollector.model_vars.get(name, []), dtype=float)
            if name.startswith("factory_") and fall is not None:
                values = values[:fall]  # the factory has no price, volume or cash after exit
            line.set_data(np.arange(1, values.size + 1), values)
            finite = values[np.isfinite(values)]
            if finite.size and (new := grown(line.axes.get_ylim(), finite.min(), finite.max())):
                line.axes.set_ylim(new if name != "platform_share" else (0, min(SHARE_TOP, new[1])))
                self.frame_of(line).invalidate()
        if model.factory.fall_step is not None and not self.fall_marked:
            self.fall_marked = True
            for line in self.lines.values():
                line.axes.axvline(model.factory.fall_step, color=FALL_LINE_COLOR, lw=1.5,
                                  label=f"the incumbent fell: week {model.factory.fall_step}")
                self.frame_of(line).invalidate()
            share_legend(self.lines["platform_share"].axes)
        self._mark_claim()

    def _mark_claim(self) -> None:
        """A marker where the platform first passed 20% of the gross; once the incumbent has
        fallen, its label gives the weeks from there to the fall."""
        shares = self.model.datacollector.model_vars.get("platform_share", [])
        week = self.claim_week = self.claim_week or first_past(shares)
        if week is None:
            return
        fall = self.model.factory.fall_step
        label = f"first past {CLAIM_SHARE:.0%}: week {week}"
        if fall is not None and fall >= week:
            label += f", fell {fall - week} weeks later"
        ax = self.lines["platform_share"].axes
        if self.claim_marker is None:
            (self.claim_marker,) = ax.plot([week], [shares[week - 1]], zorder=5,
                                           **CLAIM_MARKER)
        if label != self.claim_marker.get_label():
            self.claim_marker.set_label(label)
            share_legend(ax)
            self.frame_of(self.lines["platform_share"]).invalidate()

    def mark_no_return(self, found: dict[str, Any] | None, intervention: str = "release",
                       horizon: int = 520) -> None:
        """Draw the measured point of no return (the push withdrawn by ``intervention``) on
        the share plot, or say there is none within ``horizon`` weeks."""
        ax = self.lines["platform_share"].axes
        if found is None:
            ax.plot([], [], ls="", label=f"no point of no return ({intervention}) within "
                                         f"{horizon} weeks")
        else:
            how = "" if found["by"] == "forks" else ", at the fall"
            ax.axvline(found["week"], color=FALL_LINE_COLOR, ls=":", lw=1.2)
            ax.plot([found["week"]], [found["share"]], NO_RETURN_MARKERS[intervention],
                    color=FALL_LINE_COLOR, ms=7, zorder=6,
                    label=f"point of no return ({intervention}{how}): week {found['week']}, "
                          f"{found['share']:.1%} of the gross")
            while found["week"] > self.horizon:
                self.horizon *= 2
            for name in ("share", "factory", "platform"):
                for axis in self.frames[name].fig.axes:
                    axis.set_xlim(0, self.horizon)
                self.frames[name].invalidate()
        share_legend(ax)
        self.frame_of(self.lines["platform_share"]).invalidate()

    def frame_of(self, line: Line2D) -> Frame:
        return next(f for f in self.frames.values() if line.figure is f.fig)

    def png(self, name: str) -> bytes:
        """One figure, up to date, as PNG bytes."""
        self.update()
        return self.frames[name].png()
