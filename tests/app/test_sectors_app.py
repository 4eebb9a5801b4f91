"""The several-sector app: its inputs, its model, its status lines and figure, and
``run.py viz --sectors``."""

import numpy as np
import pandas as pd
import pytest

from sim.app.sectors import CHOICES, SectorsView, figure, status_lines, user_params
from sim.cli.commands.viz import SECTORS_APP, solara_command
from sim.cli.main import build_parser
from sim.model.sectors.market import SectorMarket
from sim.model.sectors.simulate import series_of
from sim.outputs.palette import SECTOR_COLORS
from tests.app.browser import needs_chromium, page_of, serve


def _view(**overrides) -> SectorsView:
    values = {k: v["value"] for k, v in user_params().items()}
    return SectorsView(**{**values, **overrides})


def test_inputs_pick_the_sector_presets_and_start_at_the_models_defaults():
    params = user_params()
    assert params["sectors"]["values"] == CHOICES
    assert CHOICES[0] == "news,education,health,food" and set(CHOICES[2:]) == set(SECTOR_COLORS)
    assert params["spillover"]["value"] == SectorMarket(rng=0, n_consumers=60).p["spillover"]
    assert [k for k in params if k.endswith("__committed_share")] == [
        f"{s}__committed_share" for s in SECTOR_COLORS]


def test_the_app_model_runs_exactly_like_the_model_with_the_same_seed():
    view = _view(seed="4", sectors="news,food", n_consumers=120, news__committed_share=0.4)
    model = SectorMarket(rng=4, sectors="news,food", n_consumers=120,
                         news__committed_share=0.4, spillover=view.p["spillover"])
    view.run_for(20)
    model.run_for(20)
    pd.testing.assert_frame_equal(series_of(view), series_of(model), check_exact=True)


def test_status_and_figure_show_each_sector_in_its_colour_and_mark_a_fall():
    view = _view(sectors="news,health", n_consumers=120, news__committed_share=0.9)
    view.sectors["news"].factory.reserve = view.sectors["news"].factory.cash = 0.0
    view.run_for(6)
    (news, news_fell), (health, health_fell) = status_lines(view)
    assert news_fell and news.startswith("news: the incumbent fell in week 1;")
    assert not health_fell and health.startswith("health: platform share ")
    share_ax, cash_ax = figure(view).axes
    for ax in (share_ax, cash_ax):
        lines = {line.get_gid(): line for line in ax.lines if line.get_gid() in SECTOR_COLORS}
        assert {k: line.get_color() for k, line in lines.items()} == {
            "news": SECTOR_COLORS["news"], "health": SECTOR_COLORS["health"]}
        assert all(len(line.get_xdata()) == 6 for line in lines.values())
    np.testing.assert_allclose([line for line in share_ax.lines
                                if line.get_gid() == "news"][0].get_ydata(),
                               series_of(view).query("sector == 'news'")["platform_share"])
    assert [line.get_gid() for line in share_ax.lines if line.get_marker() == "o"] == [
        "fall-news"]


def test_viz_sectors_serves_the_sectors_app():
    args = build_parser().parse_args(["viz", "--sectors"])
    assert args.sectors
    command = solara_command("127.0.0.1", 8765, app=SECTORS_APP)
    assert command[4].endswith("sim/app/sectors.py")


@pytest.mark.browser
@needs_chromium
def test_the_sectors_app_steps_in_headless_chromium_and_shows_each_sector(tmp_path):
    from playwright.sync_api import expect

    errors: list[str] = []
    expected = _view()  # the app's starting model, stepped here to the same weeks
    with serve(tmp_path, "--sectors") as (_, url, log), page_of(url, errors, 1200) as page:
        step = page.get_by_role("button", name="Step")
        expect(step).to_be_visible()
        for week in (1, 2):
            step.click()
            expect(page.get_by_text(f"Time: {week}.0")).to_be_visible()
            expected.step()
        for text, _ in status_lines(expected):
            expect(page.get_by_text(text)).to_be_visible()
        page.screenshot(path=str(tmp_path / "sectors_app.png"), full_page=True)
    assert errors == []
    assert "Traceback" not in log.read_text()
