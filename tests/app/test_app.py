"""The browser app: its sliders follow the parameter declaration, its figures follow the model,
``run.py viz`` serves it on this machine only, and it works in a real headless chromium."""

from __future__ import annotations

import os
import re
import signal
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.app.app import PLAY_MS
from sim.app.components import HELP_SUMMARY, status
from sim.app.dashboard import CHOICE_PALETTE, FALL_LINE_COLOR, SHARE_TOP, grown
from sim.app.params import APP_SEED, help_table, label, parse_seed, slider_step, user_params
from sim.app.view import MarketView
from sim.cli.commands.viz import solara_command, solara_environment
from sim.cli.main import build_parser
from sim.model.market import TrustMarket
from sim.model.parameters import PARAMETERS, resolve
from tests.app.browser import (
    needs_chromium,
    page_of,
    port_answers,
    serve,
    wait_quiet,
    wait_until,
)

ROOT = Path(__file__).resolve().parents[2]
TYPES = {bool: "Checkbox", int: "SliderInt", float: "SliderFloat", str: "Select"}


# ----------------------------------------------------------------- no browser
def test_every_declared_parameter_has_an_input_with_its_default_range_and_label():
    params = user_params()
    assert list(params) == ["seed", *PARAMETERS]
    for name, param in PARAMETERS.items():
        spec = params[name]
        assert spec["type"] == TYPES[param.kind]
        assert spec["label"].startswith(f"{name} ({param.unit})" if param.unit else name)
        if param.choices:
            assert spec["values"] == list(param.choices)
        if spec["type"].startswith("Slider"):
            assert spec["min"] == param.low
        if name == "n_consumers":
            continue
        assert spec["value"] == param.default, name
        assert spec["label"] == label(param)
        if spec["type"].startswith("Slider"):
            assert spec["max"] == param.high, name


def test_only_the_population_differs_and_its_label_says_so():
    spec, declared = user_params()["n_consumers"], PARAMETERS["n_consumers"]
    assert (spec["value"], spec["min"], spec["max"]) == (300, declared.low, 2000)
    assert spec["label"] == "n_consumers (consumers): app starts at 300, not 2000"
    assert user_params()["seed"] == {"type": "InputText", "label": "seed (integer)",
                                         "value": "8"}


def test_every_float_default_and_bound_lies_on_its_slider_steps():
    for param in PARAMETERS.values():
        if param.kind is not float:
            continue
        step = slider_step(param)
        for x in (param.low, param.default):
            assert x / step == pytest.approx(round(x / step)), param.name
        assert 10 <= (param.high - param.low) / step <= 100_000, param.name


@pytest.fixture(scope="module")
def view() -> MarketView:
    return MarketView(seed=3, n_consumers=300, committed_share=0.1)


def test_the_layout_comes_from_the_seed_and_stays_fixed_while_the_model_runs(view):
    before = view.layout.copy()
    assert before.shape == (300, 2)
    view.run_for(3)
    np.testing.assert_array_equal(view.layout, before)
    again = MarketView(seed=3, n_consumers=300, committed_share=0.1)
    np.testing.assert_array_equal(again.layout, before)
    other = MarketView(seed=4, n_consumers=300, committed_share=0.1)
    assert not np.allclose(other.layout, before)


def test_the_app_model_runs_exactly_like_the_model_with_the_same_seed():
    shown = MarketView(seed=5, n_consumers=300, committed_share=0.2)
    plain = TrustMarket(rng=np.random.default_rng(5), n_consumers=300, committed_share=0.2)
    shown.run_for(6)
    plain.run_for(6)
    pd.testing.assert_frame_equal(shown.datacollector.get_model_vars_dataframe(),
                                  plain.datacollector.get_model_vars_dataframe())


def test_strong_ties_are_drawn_darker_and_thicker_than_weak_ones(view):
    ax = view.dashboard.frames["network"].fig.axes[0]
    weak, strong = ax.collections[:2]
    assert strong.get_linewidth()[0] > weak.get_linewidth()[0]
    assert strong.get_alpha() > weak.get_alpha()
    n_strong = view.ties.strong.adjacency.nnz // 2
    assert len(strong.get_segments()) == n_strong


def test_the_figures_show_this_weeks_choices_and_the_series(view):
    png = view.dashboard.png("network")
    assert png.startswith(b"\x89PNG")
    colors = view.dashboard.nodes.get_facecolors()
    expected = np.array([CHOICE_PALETTE[c] for c in view.consumers.choice])
    from matplotlib.colors import to_rgba_array
    np.testing.assert_allclose(colors, to_rgba_array(expected))
    for name in ("share", "factory", "platform"):
        assert view.dashboard.png(name).startswith(b"\x89PNG")
    x, y = view.dashboard.lines["platform_share"].get_data()
    np.testing.assert_array_equal(x, np.arange(1, view.steps + 1))
    np.testing.assert_array_equal(y, view.datacollector.model_vars["platform_share"])


def levels_and_labels(model: MarketView) -> list[tuple[float, str]]:
    ax = model.dashboard.lines["platform_share"].axes
    return sorted((line.get_ydata()[0], line.get_label()) for line in ax.lines[1:])


ACCOUNTING = {"consumer_switching": False, "factory_pricing": "fixed",
              "factory_cash_reserve_weeks": 0.0}


def test_the_share_plot_has_lines_at_20_percent_and_at_break_even_in_its_regime():
    model = MarketView(seed=1, n_consumers=60, factory_fixed_cost_share=0.7, **ACCOUNTING)
    assert levels_and_labels(model) == [
        (0.2, "20%: the essay's tipping point"),
        (pytest.approx(0.3), "break-even share (30%; fixed price, no reserve, no switching)")]


def test_outside_its_regime_the_break_even_line_is_dropped():
    model = MarketView(seed=1, n_consumers=60, factory_fixed_cost_share=0.7)
    assert levels_and_labels(model) == [(0.2, "20%: the essay's tipping point")]


def test_at_the_claimed_fixed_cost_the_two_lines_are_drawn_as_one():
    model = MarketView(seed=1, n_consumers=60, factory_fixed_cost_share=0.8, **ACCOUNTING)
    assert levels_and_labels(model) == [(pytest.approx(0.2), "20% claim = break-even share "
                                         "(fixed price, no reserve, no switching)")]


def test_the_share_legend_lies_below_the_axes_where_it_covers_no_line():
    model = MarketView(seed=1, n_consumers=60, factory_fixed_cost_share=0.8, **ACCOUNTING)
    model.dashboard.png("share")
    ax = model.dashboard.lines["platform_share"].axes
    legend, axes = ax.get_legend().get_window_extent(), ax.get_window_extent()
    assert legend.y1 < axes.y0
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "platform share", "20% claim = break-even share (fixed price, no reserve, no switching)"]


def test_a_seed_that_is_not_an_integer_of_0_or_more_falls_back_to_seed_8_and_says_so():
    assert parse_seed("7") == (7, None)
    assert parse_seed(0) == (0, None)
    note = ("The seed must be a whole number, 0 or more; {!r} is not, so this run uses "
            "seed 8.")
    for typed in ("-3", "1.5", "abc", ""):
        assert parse_seed(typed) == (8, note.format(typed))
    model = MarketView(seed="-3", n_consumers=60)  # what Reset does with the typed text
    assert (model.seed, model.seed_note) == (8, note.format("-3"))
    plain = TrustMarket(rng=np.random.default_rng(8), n_consumers=60)
    model.run_for(2)
    plain.run_for(2)
    pd.testing.assert_frame_equal(model.datacollector.get_model_vars_dataframe(),
                                  plain.datacollector.get_model_vars_dataframe())


def test_the_parameter_table_is_escaped_html_with_changed_values_in_bold():
    values = {name: param.default for name, param in PARAMETERS.items()}
    table = help_table({**values, "committed_share": 0.05})
    assert table.count("<tr>") == len(PARAMETERS) + 1
    assert table.count("<strong>") == 1
    assert ("<tr><td><code>committed_share</code></td><td><strong>0.05</strong></td>"
            "<td>0.0</td><td>a number in [0, 1] (share)</td>"
            "<td>Consumers who buy on the platform whatever happens.</td></tr>") in table
    assert '<td>one of &quot;' in table  # the choices' quotes, escaped


def test_axes_grow_in_few_large_steps_and_a_full_share_fits():
    assert grown((0, 1), 0.2, 0.9) is None
    assert grown((0, 1), 0, 1.0) == pytest.approx((0, 1.5))
    assert grown((0, 1.5), 0, 1.4) is None
    assert grown((0, SHARE_TOP), 0, 1.0) is None
    assert grown((0, 10), -1, 5) == pytest.approx((-4, 10))


def test_a_fallen_incumbent_turns_the_status_red_and_marks_every_plot(view):
    # The display only: the fall itself is the model's business (tests/model/test_model.py).
    model = MarketView(seed=2, n_consumers=300)
    model.run_for(4)
    assert status(model)[1] is False
    model.factory.alive, model.factory.fall_step = False, 4
    model.step()
    text, fallen = status(model)
    assert fallen and text.startswith("THE INCUMBENT HAS FALLEN: week 4")
    model.dashboard.update()
    for line in model.dashboard.lines.values():
        assert [m.get_xdata()[0] for m in line.axes.lines
                if m.get_color() == FALL_LINE_COLOR] == [4]


def test_viz_serves_on_this_machine_only_unless_asked():
    args = build_parser().parse_args(["viz"])
    assert (args.host, args.port) == ("127.0.0.1", 8765)
    args = build_parser().parse_args(["viz", "--host", "0.0.0.0", "--port", "9000"])
    assert (args.host, args.port) == ("0.0.0.0", 9000)
    command = solara_command("127.0.0.1", 8765)
    assert command[:4] == [sys.executable, "-m", "solara", "run"]
    assert command[4].endswith("sim/app/app.py")
    assert command[5:] == ["--host", "127.0.0.1", "--port", "8765", "--no-open"]


def test_viz_turns_solaras_telemetry_off(monkeypatch):
    from solara.server.settings import Telemetry

    env = solara_environment()
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert env["PATH"] == os.environ["PATH"]
    monkeypatch.setenv("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    assert Telemetry().mixpanel_enable is False


# ----------------------------------------------------------------- in a real browser
@pytest.fixture
def server(tmp_path):
    """``run.py viz`` on a free port of 127.0.0.1, answering; yields its process, URL and log;
    stopped (whole process group) afterwards."""
    with serve(tmp_path) as running:
        yield running


@pytest.mark.slow
def test_sigterm_to_viz_stops_the_server_and_frees_the_port(server):
    process, url, _ = server
    port = int(url.rsplit(":", 1)[1].strip("/"))
    assert port_answers(port)
    process.send_signal(signal.SIGTERM)  # to run.py viz only, not its process group
    assert process.wait(timeout=30) is not None
    wait_until(lambda: not port_answers(port), f"port {port} freed", timeout_s=30)
    assert not port_answers(port)


def listening(pid: int) -> set[tuple[str, int]]:
    """(address, port) of every listening TCP socket of process ``pid`` and its children."""
    import psutil

    root = psutil.Process(pid)
    found = set()
    for process in [root, *root.children(recursive=True)]:
        for c in process.net_connections(kind="inet"):
            if c.status == psutil.CONN_LISTEN:
                found.add((c.laddr.ip, c.laddr.port))
    return found


@pytest.mark.slow
def test_viz_listens_on_127_0_0_1_only(server):
    process, url, _ = server
    port = int(url.rsplit(":", 1)[1].strip("/"))
    sockets = listening(process.pid)
    assert (("127.0.0.1", port)) in sockets
    assert {ip for ip, _ in sockets} == {"127.0.0.1"}, sockets


def test_the_project_starts_no_dask_cluster_of_its_own():
    """The batch runner only connects to the scheduler the user names (``--dask``); a
    cluster the project started itself would have to bind 127.0.0.1 as the app does."""
    lines = [(str(p.relative_to(ROOT)), line) for p in sorted((ROOT / "sim").rglob("*.py"))
             for line in p.read_text().splitlines()]
    starts = [(p, line) for p, line in lines
              if re.search(r"LocalCluster|SSHCluster|SpecCluster|Scheduler\(|Nanny\(", line)]
    assert starts == []
    clients = [(p, line.strip()) for p, line in lines if re.search(r"\bClient\(", line)]
    assert [p for p, _ in clients] == ["sim/experiments/batch.py"]
    assert clients[0][1].startswith("client = Client(dask, ")


@pytest.mark.browser
@pytest.mark.slow
@needs_chromium
def test_the_app_steps_plays_and_resets_in_headless_chromium(server, tmp_path):
    from playwright.sync_api import expect

    _, url, log = server
    assert f"The app will be at {url}" in log.read_text()
    specs = user_params()
    errors: list[str] = []

    def banner(week: int) -> str:  # the share the app must show: the same model, run here
        model = TrustMarket(rng=np.random.default_rng(7), n_consumers=300, committed_share=0.05)
        model.run_for(week)
        assert model.week["platform_share"] > 0
        return f"Week {week}: platform share {model.week['platform_share']:.1%}."

    with page_of(url, errors) as page:
        step = page.get_by_role("button", name="Step")
        expect(step).to_be_visible()
        counter = page.get_by_text(re.compile(r"^Time: \d+\.0$"))
        expect(counter).to_have_text("Time: 0.0")

        def week() -> int:
            return int(float(counter.inner_text().removeprefix("Time: ")))

        sliders = {spec["label"]: [spec["value"], spec["min"], spec["max"]]
                   for spec in specs.values() if spec["type"].startswith("Slider")}
        page.wait_for_function(  # the sidebar may still be filling in
            "labels => { const shown = new Set([...document.querySelectorAll("
            "'[role=slider]')].map(e => e.getAttribute('aria-label'))); "
            "return labels.every(label => shown.has(label)); }", arg=list(sliders))
        thumbs = page.eval_on_selector_all(
            "[role=slider]", "els => els.map(e => ['aria-label', 'aria-valuenow', "
            "'aria-valuemin', 'aria-valuemax'].map(a => e.getAttribute(a)))")
        shown = {label: [float(x) for x in values] for label, *values in thumbs}
        assert {label: shown.get(label) for label in sliders} == sliders
        expect(page.get_by_label("seed (integer)")).to_have_value(str(APP_SEED))
        for name in ("network_model", "factory_pricing"):
            expect(page.get_by_text(PARAMETERS[name].default, exact=True)).to_be_visible()

        # Each change travels to the server on the page's one connection, in order, and the
        # server may redraw the inputs after it: a Step answered (the counter moves) is a
        # round trip sent after the change, so the server holds it before the next input is
        # touched and before the Reset that builds the run from them.
        seed = page.get_by_label("seed (integer)")
        seed.fill("7")
        seed.press("Enter")
        seed.press("Tab")
        step.click()
        expect(counter).to_have_text("Time: 1.0")
        expect(seed).to_have_value("7")
        committed = page.get_by_role("slider", name=specs["committed_share"]["label"],
                                     exact=True)
        committed.focus()
        for _ in range(5):
            committed.press("ArrowRight")
        expect(committed).to_have_attribute("aria-valuenow", "0.05")
        step.click()
        expect(counter).to_have_text("Time: 2.0")
        expect(seed).to_have_value("7")
        page.get_by_role("button", name="Reset").click()
        expect(counter).to_have_text("Time: 0.0")
        help_summary = page.get_by_text(HELP_SUMMARY)
        help_summary.click()
        expect(page.get_by_text("The parameters of this run (seed 7).")).to_be_visible()
        help_summary.click()
        expect(page.get_by_text("The parameters of this run (seed 7).")).to_be_hidden()
        expect(page.get_by_text("Week 0: platform share")).to_be_visible()

        share = page.locator("img.figure-share")
        before = share.screenshot()
        for n in (1, 2, 3):
            step.click()
            expect(counter).to_have_text(f"Time: {n}.0")
        expect(page.get_by_text(banner(3))).to_be_visible()
        assert share.screenshot() != before

        help_summary.click()
        expect(page.get_by_text("The parameters of this run (seed 7).")).to_be_visible()
        row = page.locator("tr", has=page.get_by_text("committed_share", exact=True))
        expect(row.locator("td").nth(1)).to_have_text("0.05")
        expect(row.locator("td").nth(1).locator("strong")).to_have_count(1)
        expect(row.locator("td").nth(4)).to_have_text(PARAMETERS["committed_share"].description)
        expect(row.locator("td").nth(4)).to_be_visible()
        help_summary.click()

        page.get_by_role("button", name="▶").click()
        expect(counter).to_have_text(re.compile(r"^Time: ([5-9]|\d{2,})\.0$"))
        page.get_by_role("button", name="❚❚").click()
        expect(page.get_by_role("button", name="▶")).to_be_enabled()
        wait_quiet(page, r"^Time: \d+\.0$", quiet_ms=10 * PLAY_MS)
        paused = week()
        assert paused >= 5
        expect(page.get_by_text(banner(paused))).to_be_visible()  # its own week's numbers

        step.click()
        expect(counter).to_have_text(f"Time: {paused + 1}.0")
        find = page.get_by_role("button", name=re.compile("point of no return"))
        drawn = share.screenshot()
        find.click()
        expect(page.locator(".no-return-found")).to_have_count(1)  # measured and shown
        assert share.screenshot() != drawn  # and the share plot shows the point
        # Paused means paused: the measurement took seconds (at 300 ms a week) and the
        # counter still shows the week stepped to by hand.
        expect(counter).to_have_text(f"Time: {paused + 1}.0")
        page.screenshot(path=tmp_path / "app.png", full_page=True)
    assert (tmp_path / "app.png").stat().st_size > 10_000
    assert errors == []
    server_log = log.read_text()
    assert "Traceback" not in server_log
    assert "Could not load URL" not in server_log


def test_at_its_defaults_the_app_shows_a_platform_that_grows_on_its_own():
    model = MarketView(**{name: spec["value"] for name, spec in user_params().items()})
    assert model.p["committed_share"] == 0.0
    model.run_for(156)
    share = model.datacollector.get_model_vars_dataframe()["platform_share"]
    assert share.iloc[0] < 0.05 < 0.3 < share.iloc[-1]


def test_sliders_that_break_a_rule_between_parameters_fall_back_to_the_defaults_and_say_so():
    model = MarketView(seed=3, n_consumers=60, factory_marginal_cost=1.5)
    assert model.p == resolve({"n_consumers": 300})
    assert "factory_marginal_cost = 1.5" in model.seed_note and "default" in model.seed_note
    model.run_for(2)
    assert model.steps == 2


def test_the_point_of_no_return_of_the_app_run_is_measured_and_drawn():
    from sim.app.point_of_no_return import measure

    model = MarketView(seed=APP_SEED, n_consumers=300)
    found = measure(model.seed, model.p)
    assert found is not None and found["by"] in ("forks", "fall")
    model.run_for(found["week"])  # the twin followed the app's run week for week
    share = model.datacollector.get_model_vars_dataframe()["platform_share"]
    assert share.iloc[found["week"] - 1] == found["share"]
    model.dashboard.mark_no_return(found)
    ax = model.dashboard.lines["platform_share"].axes
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(text.startswith("point of no return (") and f"week {found['week']}," in text
               for text in labels)
