"""The app tells the story: inner circles you can see, the world's natural course, the week
the platform passed 20% of the gross, the point of no return, and a page with no framework
defaults or cut labels, checked in headless chromium at 1280 x 800 and 1920 x 1080."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import numpy as np
import pytest

from sim.app.components import no_return_sentence
from sim.app.layout import inner_circles, mean_tie_lengths
from sim.app.natural import natural_course, sentence
from sim.app.params import APP_CONSUMERS, APP_SEED
from sim.app.story import claim_reading, first_past
from sim.app.view import MarketView
from sim.model.market import TrustMarket
from sim.model.parameters import resolve
from sim.model.rules.network import to_networkx
from tests.app.browser import serve

ROOT = Path(__file__).resolve().parents[2]
SHORTER = 2.5  # weak ties are drawn at least this many times longer than strong ones, on average
SIZES = ((1280, 800), (1920, 1080))


# ----------------------------------------------------------------- the network drawing
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_strong_ties_are_drawn_at_least_2_5_times_shorter_than_weak_ones(seed):
    graph = to_networkx(TrustMarket(rng=np.random.default_rng(seed), n_consumers=300).ties)
    xy, circle = inner_circles(graph, seed)
    assert xy.shape == (300, 2) and circle.shape == (300,)
    lengths = mean_tie_lengths(xy, graph)
    assert lengths["weak"] > SHORTER * lengths["strong"], lengths


def test_the_layout_shows_several_clusters_and_takes_under_2_seconds_at_300_consumers():
    graph = to_networkx(TrustMarket(rng=np.random.default_rng(4), n_consumers=300).ties)
    start = time.perf_counter()
    xy, circle = inner_circles(graph, 4)
    took = time.perf_counter() - start
    assert took < 2.0  # about 0.7 s on a busy 2-core machine
    sizes = np.bincount(circle)
    clusters = sizes[sizes >= 5]  # a consumer with no strong tie is a community of one
    assert 4 <= clusters.size <= 20 and clusters.sum() >= 0.95 * 300
    # each cluster sits apart: its members are closer to their own centre than to any other
    centres = np.array([xy[circle == k].mean(axis=0) for k in range(sizes.size)])
    nearest = np.linalg.norm(xy[:, None, :] - centres[None], axis=2).argmin(axis=1)
    assert (nearest == circle).mean() > 0.9
    np.testing.assert_array_equal(inner_circles(graph, 4)[0], xy)  # seeded: the same again


def test_the_drawn_segments_are_the_layouts_strong_and_weak_ties():
    view = MarketView(seed=3, n_consumers=120)
    ax = view.dashboard.frames["network"].fig.axes[0]
    weak, strong = ax.collections[:2]
    assert len(strong.get_segments()) == view.ties.strong.adjacency.nnz // 2
    assert len(weak.get_segments()) == view.ties.weak.adjacency.nnz // 2
    mean = {name: np.mean([np.linalg.norm(s[1] - s[0]) for s in c.get_segments()])
            for name, c in (("strong", strong), ("weak", weak))}
    assert mean["weak"] > SHORTER * mean["strong"]
    assert ax.get_title().startswith("Inner circles: 120 consumers in ")


# ----------------------------------------------------------------- the readings
def test_the_20_percent_reading_names_the_week_and_the_weeks_to_the_fall():
    shares = [0.0, 0.1, 0.19, 0.2, 0.5, 0.3]
    assert first_past(shares) == 4
    assert first_past([0.1, 0.15]) is None
    assert claim_reading(shares, None, 6) == ("The platform first passed 20% of the gross in "
                                              "week 4; the incumbent still stands, 2 weeks on.")
    assert claim_reading(shares, 30, 31) == ("The platform first passed 20% of the gross in "
                                             "week 4; the incumbent fell 26 weeks later, in "
                                             "week 30.")
    assert claim_reading([0.1], None, 1) == "The platform has not passed 20% of the gross."


def test_the_share_plot_marks_the_first_week_past_20_percent_and_the_fall():
    model = MarketView(seed=APP_SEED, n_consumers=APP_CONSUMERS)
    while model.factory.fall_step is None and model.time < 520:
        model.step()
    model.run_for(3)
    model.dashboard.update()
    shares = model.datacollector.model_vars["platform_share"]
    week, fall = first_past(shares), model.factory.fall_step
    assert week is not None and fall is not None and week < fall
    marker = model.dashboard.claim_marker
    assert [list(marker.get_xdata()), list(marker.get_ydata())] == [[week], [shares[week - 1]]]
    assert marker.get_label() == f"first past 20%: week {week}, fell {fall - week} weeks later"
    # the factory's series stop at the fall; the platform's go on
    x, _ = model.dashboard.lines["factory_price"].get_data()
    assert x[-1] == fall
    x, _ = model.dashboard.lines["platform_share"].get_data()
    assert x[-1] == fall + 3


def test_nothing_drawn_in_any_figure_reaches_past_its_edges_with_every_mark_drawn():
    model = MarketView(seed=APP_SEED, n_consumers=APP_CONSUMERS)
    while model.factory.fall_step is None and model.time < 520:
        model.step()
    for how, week in (("release", 13), ("hold", 26), ("stall", 39)):
        model.dashboard.mark_no_return({"week": week, "share": 0.012, "by": "forks",
                                        "share_before": None}, how)
    for name, frame in model.dashboard.frames.items():
        model.dashboard.png(name)
        drawn = frame.fig.get_tightbbox(frame.canvas.get_renderer())  # inches
        width, height = frame.fig.get_size_inches()
        tolerance = 0.01
        assert drawn.x0 >= -tolerance and drawn.y0 >= -tolerance, (name, drawn)
        assert drawn.x1 <= width + tolerance and drawn.y1 <= height + tolerance, (name, drawn)


def test_the_natural_course_counts_falls_without_push_and_is_cached():
    params = resolve({"n_consumers": 60, "committed_share": 0.3})
    first = natural_course(params, 5, runs=3, horizon=30)
    assert first["runs"] == 3 and len(first["fall_weeks"]) == 3
    assert first["falls"] == sum(w is not None for w in first["fall_weeks"])
    again = natural_course({**params, "committed_share": 0.0}, 5, runs=3, horizon=30)
    assert again is first  # committed share set to 0: the same world, measured once
    falls = {"falls": 4, "runs": 6, "horizon": 520, "regime": "platform-dominant"}
    assert sentence(falls) == (
        "The incumbent falls on its own in 4 of 6 runs of this world without push (520 weeks "
        "each). Regime: platform-dominant (the incumbent falls on the natural course, with no "
        "push).")
    assert sentence({**falls, "falls": 2, "regime": None}).startswith(
        "The incumbent falls on its own in 2 of 6 runs of this world without push (520 weeks "
        "each). Regime: not platform-dominant")


def test_the_point_of_no_return_sentence_gives_week_and_share_of_the_gross():
    found = {"week": 52, "share": 0.1234, "by": "forks", "share_before": 0.1}
    assert no_return_sentence("hold", found) == (
        "Point of no return (hold): week 52, 12.3% of the gross.")
    assert no_return_sentence("stall", {**found, "share_before": None}) == (
        "Point of no return (stall): week 52, 12.3% of the gross (already past at the first "
        "checkpoint: the fall was inevitable from the start).")
    assert no_return_sentence("release", None) == (
        "Point of no return (release): none within 520 weeks.")


# ----------------------------------------------------------------- in a real browser
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]
SHOTS = ROOT / "results" / "app-screenshots"  # not committed (results/ is ignored)

# Elements whose text is cut: clipped or ellipsised with more text than room, or reaching
# past the right edge of the window.
CUT = """() => {
  const cut = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || !el.childNodes.length) continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const style = getComputedStyle(el);
    const clips = ['hidden', 'clip'].includes(style.overflowX) || style.textOverflow === 'ellipsis';
    if ((clips && el.scrollWidth > el.clientWidth + 1) || box.right > innerWidth + 1)
      cut.push(el.textContent.trim().slice(0, 80));
  }
  return cut;
}"""
FIGURES = """() => [...document.querySelectorAll('img[class*=figure-]')].map(img => {
  const box = img.getBoundingClientRect();
  return [img.className.match(/figure-\\w+/)[0], box.left, box.right, box.width,
          img.naturalWidth];
})"""
SETTLED = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


@pytest.fixture
def app_server(tmp_path):
    """``run.py viz`` on a free port; yields its URL and log; stopped afterwards."""
    with serve(tmp_path) as (_, url, log):
        yield url, log


def story_run() -> dict:
    """The app's default run, stepped here: where it passes 20% and when it falls."""
    model = TrustMarket(rng=np.random.default_rng(APP_SEED), n_consumers=APP_CONSUMERS)
    while model.factory.fall_step is None and model.time < 520:
        model.step()
    shares = model.datacollector.model_vars["platform_share"]
    return {"fall": model.factory.fall_step, "share_at_fall": shares[-1],
            "reading": claim_reading(shares, model.factory.fall_step, int(model.time)),
            "params": model.p}


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                    reason="needs Debian's chromium at /usr/bin/chromium (make browser)")
def test_the_page_tells_the_story_at_1280x800_and_1920x1080(app_server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from sim.app.app import TITLE

    url, log = app_server
    run = story_run()
    assert run["fall"] is not None, "the default run must show a fall"
    natural = sentence(natural_course(run["params"], APP_SEED))
    errors: list[str] = []
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
            page.goto(url)
            status = page.get_by_text(re.compile(r"^(Week \d+: platform share|THE INCUMBENT HAS)"))
            expect(status).to_have_text(re.compile(r"^Week 0: platform share 0\.0%"),
                                        timeout=90_000)
            # no framework defaults: the tab is titled, Mesa's "Page 0" tab is gone
            assert page.title() == TITLE
            expect(page.get_by_role("tab")).to_have_count(0)
            expect(page.get_by_text(re.compile("^page 0$", re.I))).to_have_count(0)

            # the natural course, measured in the background on request
            page.get_by_role("button", name="Measure the natural course (6 runs)").click()
            found = page.locator(".natural-course")
            expect(page.locator(".natural-measuring").or_(found)).to_be_visible()
            expect(found).to_have_text(natural, timeout=300_000)

            # play to the fall; the 20% reading with the weeks to the fall
            share = page.locator("img.figure-share")
            page.get_by_role("button", name="▶").click()
            expect(status).to_have_text(re.compile(
                rf"^THE INCUMBENT HAS FALLEN: week {run['fall']},"), timeout=900_000)
            page.get_by_role("button", name="❚❚").click()
            expect(page.get_by_role("button", name="▶")).to_be_enabled(timeout=30_000)
            expect(page.locator(".claim-reading")).to_have_text(run["reading"])
            expect(page.get_by_text(f"THE INCUMBENT FELL IN WEEK {run['fall']}")).to_be_visible()

            # the point of no return: release, then hold
            for k, how in enumerate(("release", "hold"), start=1):
                page.get_by_role("button", name=how, exact=True).click()
                expect(page.get_by_text(f"In the copies of this run: {how}:")).to_be_visible()
                before, old = share.screenshot(), share.get_attribute("src")
                page.get_by_role("button", name="Find the point of no return").click()
                points = page.locator(".no-return-found")
                expect(points).to_have_count(k, timeout=300_000)
                text = " ".join(points.nth(k - 1).text_content().split())
                week = re.fullmatch(rf"Point of no return \({how}\): week (\d+), "
                                    r"([\d.]+)% of the gross( \(.+\))?\.", text)
                assert week is not None, text
                assert 1 <= int(week[1]) <= run["fall"]
                assert 0 <= float(week[2]) <= 100
                page.wait_for_function(  # the share plot redrawn with the point
                    "old => document.querySelector('img.figure-share').src !== old", arg=old)
                assert share.screenshot() != before

            # no cut labels, every figure inside the window, at both sizes
            for width, height in SIZES:
                page.set_viewport_size({"width": width, "height": height})
                page.evaluate(SETTLED)
                assert page.evaluate(CUT) == [], (width, height)
                figures = {name: rest for name, *rest in page.evaluate(FIGURES)}
                assert set(figures) == {"figure-share", "figure-network", "figure-factory",
                                        "figure-platform"}
                for name, (left, right, shown, natural_width) in figures.items():
                    assert 0 <= left and right <= width, (name, width)
                    assert shown >= min(natural_width, 400), (name, shown)
                page.screenshot(path=SHOTS / f"story-{width}x{height}.png")
                page.screenshot(path=tmp_path / f"story-{width}x{height}.png")
        finally:
            browser.close()
    for width, height in SIZES:
        assert (tmp_path / f"story-{width}x{height}.png").stat().st_size > 20_000
    assert errors == []
    assert "Traceback" not in log.read_text()
