"""Figures from stored results: each figure function on a small stored result writes its
files, the data it draws equal the stored tables, PDFs are vector with embedded fonts, and
the provenance is in the caption file and in each file's metadata."""

import json
import re
import shutil
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PathCollection, PolyCollection
from matplotlib.colors import to_hex, to_rgba
from matplotlib.lines import Line2D
from matplotlib.markers import CARETDOWN, CARETLEFT, CARETRIGHT, CARETUP
from matplotlib.patches import Rectangle
from PIL import Image
from scipy import special

from sim.cli.main import main
from sim.experiments import scenarios, storage
from sim.experiments.provenance import code_version
from sim.experiments.snapshots import record_snapshots
from sim.model.parameters import PARAMETERS, resolve
from sim.outputs import figures
from sim.outputs.figures import Result
from sim.outputs.palette import BLACK, CHOICE_COLORS
from sim.studies import tipping

TIPPING = """
name = "tiny_tipping"
steps = 40
seed = 11
[params]
n_consumers = 120
factory_cash_reserve_weeks = 4.0
factory_fixed_cost_share = 0.8
[tipping]
low = 0.0
high = 0.5
grid = 5
replicates = 3
batch = 6
budget = 21
"""
PHASE = """
name = "tiny_phase"
steps = 40
seed = 12
[params]
n_consumers = 120
factory_cash_reserve_weeks = 4.0
[sweep]
factory_fixed_cost_share = [0.7, 0.9]
strong_ties = [4.0, 12.0]
[tipping]
low = 0.0
high = 0.6
grid = 3
replicates = 2
budget = 6
"""
SNAPSHOT_WEEKS = [5, 20, 40]
Z95 = 1.959963984540054  # the standard normal's 97.5% quantile
PDF_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
DC = "{http://purl.org/dc/elements/1.1/}"


def study(tmp_path_factory, name: str, text: str):
    out = tmp_path_factory.mktemp(name)
    scenario = scenarios.parse(text, out / f"{name}.toml")
    tipping.run_study(scenario, out, workers=2, progress=False)
    return out


@pytest.fixture(scope="module")
def tipped(tmp_path_factory):
    """A tipping study made by the real runner, with network snapshots of one of its runs."""
    out = study(tmp_path_factory, "tipped", TIPPING)
    run = storage.load_runs(out).iloc[-1]
    params = resolve(json.loads(run[list(PARAMETERS)].to_json()))
    record_snapshots(params, int(run["seed"]), 40, SNAPSHOT_WEEKS, out)
    return out


@pytest.fixture(scope="module")
def phase(tmp_path_factory):
    return study(tmp_path_factory, "phase", PHASE)


@pytest.fixture(scope="module")
def warnings(tmp_path_factory):
    """Early-warning tables in the format ``run.py analyze`` writes."""
    out = tmp_path_factory.mktemp("warnings")
    rng = np.random.default_rng(3)
    fell = np.arange(30) < 12
    table = pd.DataFrame({"run_id": [f"run{i:02d}" for i in range(30)], "fell": fell,
                          "end_step": 100})
    for key in figures.INDICATOR_NAMES:
        table[key] = np.clip(rng.normal(0.3 * fell, 0.3), -1, 1)
    table.loc[3, "factory_profit_ac1"] = np.nan
    table.to_parquet(out / "ews.parquet")
    auc = {key: {"tau_fell": 0.3, "tau_survived": 0.0, "auc": 0.5 + i / 10}
           for i, key in enumerate(figures.INDICATOR_NAMES)}
    (out / "analysis.json").write_text(json.dumps(
        {"early_warning": {"burn_in": 26, "n_fell": 12, "n_survived": 18, "indicators": auc}}))
    (out / "manifest.json").write_text(json.dumps({"scenario": {"name": "free"},
                                                   "code_version": "abc1234"}))
    return out


@pytest.fixture(scope="module")
def sensitive(tmp_path_factory):
    """Sensitivity indices in the format ``run.py sensitivity`` writes."""
    out = tmp_path_factory.mktemp("sensitive")
    names = ["committed_share", "strong_ties", "platform_fee"]
    result = {"scenario": "sens", "output": "incumbent_fell", "steps": 520, "replicates": 2,
              "n_runs": 100, "n_failed": 4,
              "morris": {"n_points": 20, "indices": {
                  n: {"mu": 0.1, "mu_star": m, "mu_star_conf": 0.05, "sigma": 0.2}
                  for n, m in zip(names, [0.8, 0.1, 0.3], strict=True)}},
              "sobol": {"n_points": 40, "indices": {
                  n: {"S1": s1, "S1_conf": 0.04, "ST": st, "ST_conf": 0.06}
                  for n, s1, st in zip(names, [0.6, 0.0, 0.1], [0.8, 0.05, 0.2], strict=True)}}}
    (out / "sensitivity.json").write_text(json.dumps(result))
    (out / "manifest.json").write_text(json.dumps({"scenario": {"name": "sens"},
                                                   "code_version": "abc1234"}))
    return out


def figure_def(name: str) -> figures.FigureDef:
    return next(s for s in figures.FIGURES if s.name == name)


def saved(folder, name: str) -> tuple[figures.Plot, list]:
    """Draw figure ``name`` from ``folder`` and save it; return the plot and its files."""
    result = Result(folder)
    plot = figure_def(name).draw(result)
    return plot, figures.save(plot, result, figure_def(name))


def made_by(folder) -> str:
    return json.loads((folder / "manifest.json").read_text())["code_version"]


def line(plot: figures.Plot, gid: str, kind: type = Line2D):
    """The artist of ``kind`` that the figure tagged ``gid``."""
    return next(a for ax in plot.figure.axes for a in ax.get_children()
                if a.get_gid() == gid and isinstance(a, kind))


def bars(plot: figures.Plot, gid: str) -> np.ndarray:
    """The bars (n, 2, 2: each bar's two ends, x and y) of the error bars tagged ``gid``."""
    container = next(c for ax in plot.figure.axes for c in ax.containers
                     if c.lines[0].get_gid() == gid)
    return np.array(container.lines[2][0].get_segments())


def xy(artist: Line2D) -> np.ndarray:
    """A line's points, (n, 2)."""
    return np.column_stack([artist.get_xdata(), artist.get_ydata()]).astype(float)


def wilson_bounds(k: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """95% Wilson score intervals, from the formula (Wilson 1927)."""
    centre = (k + Z95**2 / 2) / (n + Z95**2)
    half = Z95 / (n + Z95**2) * np.sqrt(k * (n - k) / n + Z95**2 / 4)
    return centre - half, centre + half


def pdf_unescape(escape: re.Match) -> bytes:
    """The byte a PDF string's backslash escape stands for (none for a line continuation)."""
    code = escape[1]
    if code[:1].isdigit():
        return bytes([int(code, 8) & 0xFF])
    return b"" if code in (b"\n", b"\r") else PDF_ESCAPES.get(code, code)


def pdf_string(pdf: bytes, key: str) -> str:
    """The string ``key`` of a PDF's (uncompressed) Info dict: a literal string with its
    backslash escapes, or a hex string; UTF-16 when it starts with a byte-order mark."""
    found = re.search(rb"/" + key.encode()
                      + rb"\s*(?:\(((?:[^\\()]|\\.)*)\)|<([0-9A-Fa-f\s]*)>)", pdf, re.S)
    assert found, f"no /{key} string in the PDF"
    raw = (bytes.fromhex(found[2].decode()) if found[1] is None
           else re.sub(rb"\\([0-7]{1,3}|.)", pdf_unescape, found[1], flags=re.S))
    return raw[2:].decode("utf-16-be") if raw[:2] == b"\xfe\xff" else raw.decode("latin-1")


def test_pdf_string_reads_escaped_literal_utf16_and_hex_strings():
    assert pdf_string(rb"<< /Subject (a \(b\) c\\d\101\n) >>", "Subject") == "a (b) c\\dA\n"
    utf16 = b"\xfe\xff" + "≥ 5%".encode("utf-16-be")
    assert pdf_string(b"/Subject (" + utf16 + b")", "Subject") == "≥ 5%"
    assert pdf_string(b"/Subject <FEFF 2265 0020 0031>", "Subject") == "≥ 1"


def check_files(paths, name: str, width: float, runs: int, made_by: str) -> None:
    """The four files exist; PDF vector with embedded TrueType fonts; PNG 300 dpi at the
    column width; provenance in the caption and the metadata (PDF Subject, SVG Dublin Core
    description, PNG Source)."""
    assert [p.name for p in paths] == [f"{name}.{ext}" for ext in ("pdf", "svg", "png", "txt")]
    pdf = paths[0].read_bytes()
    assert b"/Subtype /Image" not in pdf
    assert b"/FontFile2" in pdf and b"/Type3" not in pdf
    assert f"/Title ({figure_def(name).title})".encode() in pdf
    svg = paths[1].read_text()
    assert f"<dc:title>{figure_def(name).title}</dc:title>" in svg and "<image" not in svg
    png = Image.open(paths[2])
    assert png.size[0] == round(width * 300)
    assert png.info["dpi"] == pytest.approx((300, 300), abs=0.1)
    caption = paths[3].read_text()
    description = ET.parse(paths[1]).getroot().find(f".//{DC}description").text
    source = (f"{runs} run{'s' * (runs != 1)}, results made by code version {made_by}; "
              f"figure drawn by trust-tipping {code_version()}.")
    for text in (pdf_string(pdf, "Subject"), description, png.text["Source"], caption):
        assert source in text


def test_share_over_time_draws_the_median_and_bands_of_each_point(tipped):
    plot, paths = saved(tipped, "share_over_time")
    runs = storage.load_runs(tipped)
    series = storage.load_series(tipped).merge(runs[["run_id", "point_id"]], on="run_id")
    shown = figures.shown_points(runs, ["committed_share"])
    assert len(shown) == figures.MAX_POINTS < runs["point_id"].nunique()
    assert shown["committed_share"].min() == 0.0 and shown["committed_share"].max() == 0.5
    for point in shown["point_id"]:
        rows = series[series["point_id"] == point]
        drawn = line(plot, f"point-{point}")
        q = rows.groupby("step")["platform_share"].quantile(
            [0.05, 0.25, 0.5, 0.75, 0.95]).unstack()
        np.testing.assert_array_equal(drawn.get_xdata(), q.index)
        np.testing.assert_allclose(drawn.get_ydata(), q[0.5])
        steps = q.index.to_numpy(float)
        for width, low, high in ((50, 0.25, 0.75), (90, 0.05, 0.95)):
            edge = line(plot, f"band{width}-{point}", PolyCollection).get_paths()[0].vertices
            # (x0, high0), the low edge forward, (x_last, high_last), the high edge back
            np.testing.assert_allclose(edge[1:steps.size + 1], np.column_stack([steps, q[low]]))
            np.testing.assert_allclose(edge[steps.size + 2:2 * steps.size + 2],
                                       np.column_stack([steps, q[high]])[::-1])
    assert len(plot.figure.axes[0].collections) == 2 * len(shown)  # a 50% and a 90% band each
    assert line(plot, "claim").get_ydata()[0] == 0.20
    n_runs = int(runs["point_id"].isin(shown["point_id"]).sum())
    check_files(paths, "share_over_time", figures.SINGLE, n_runs, made_by(tipped))


def test_fall_probability_draws_the_observed_shares_and_the_stored_fit(tipped):
    plot, paths = saved(tipped, "fall_probability")
    tip = json.loads((tipped / "tipping.json").read_text())
    runs = storage.load_runs(tipped)
    observed = runs.assign(fell=runs["incumbent_fell"].astype(float)).groupby(
        "committed_share")["fell"].agg(["mean", "size"])
    drawn = line(plot, "observed")
    np.testing.assert_allclose(drawn.get_xdata(), observed.index)
    np.testing.assert_allclose(drawn.get_ydata(), observed["mean"])
    fit = line(plot, "fit")
    np.testing.assert_allclose(fit.get_ydata(), special.expit(
        tip["intercept"] + tip["slope"] * np.asarray(fit.get_xdata())))
    design = pd.DataFrame(tip["design"])
    low, high = wilson_bounds(design["events"].to_numpy(float), design["runs"].to_numpy(float))
    np.testing.assert_allclose(bars(plot, "observed"), np.stack(
        [np.column_stack([design["x"], low]), np.column_stack([design["x"], high])], axis=1),
        rtol=1e-12, atol=1e-12)
    assert line(plot, "estimate").get_xdata()[0] == tip["estimate"]
    interval = line(plot, "interval", Rectangle)
    assert interval.get_x() == (tip["low"] if tip["ci_low"] is None else tip["ci_low"])
    assert interval.get_x() + interval.get_width() == pytest.approx(
        tip["high"] if tip["ci_high"] is None else tip["ci_high"], abs=1e-15)
    assert line(plot, "claim").get_xdata()[0] == 0.20
    assert line(plot, "break-even").get_xdata()[0] == pytest.approx(0.20)
    assert "the essay's claim (dashed) and the break-even share (wide grey line), which " \
        "coincide here at 20%." in plot.caption
    band = next(c for c in plot.figure.axes[0].collections if c.get_gid() == "band")
    edge = band.get_paths()[0].vertices  # (x0, top0), the bottom edge, then the top back
    x = np.asarray(fit.get_xdata())
    low, high = tipping.wald_band(tip["intercept"] + tip["slope"] * x, x, tip["covariance"],
                                  tip["level"])
    np.testing.assert_allclose(edge[1:x.size + 1], np.column_stack([x, low]))
    np.testing.assert_allclose(edge[x.size + 2:2 * x.size + 2], np.column_stack([x, high])[::-1])
    check_files(paths, "fall_probability", figures.SINGLE, len(runs), made_by(tipped))


@pytest.mark.parametrize(("ci", "side", "edge", "arrow", "text"), [
    ((0.05, None), "above", 0.5, CARETRIGHT, "≥ 5%"),
    ((None, 0.4), "below", 0.0, CARETLEFT, "≤ 40%")])
def test_fall_probability_marks_an_open_side_of_the_interval_of_s(tipped, tmp_path, ci, side,
                                                                   edge, arrow, text):
    tip = json.loads((tipped / "tipping.json").read_text()) | {"ci_low": ci[0],
                                                                "ci_high": ci[1]}
    (tmp_path / "tipping.json").write_text(json.dumps(tip))
    plot = figures.fall_probability(Result(tmp_path))
    interval = line(plot, "interval", Rectangle)
    bounds = [edge if bound is None else bound for bound in ci]
    np.testing.assert_allclose([interval.get_x(), interval.get_x() + interval.get_width()],
                               bounds)
    arrowhead = line(plot, f"open-{side}")
    np.testing.assert_array_equal(xy(arrowhead), [[edge, 0.5]])
    assert arrowhead.get_marker() == arrow and not arrowhead.get_clip_on()
    other = "below" if side == "above" else "above"
    assert not any(a.get_gid() == f"open-{other}" for a in plot.figure.axes[0].lines)
    assert line(plot, "estimate").get_label() == (
        f"s* = {figures.value_text('committed_share', tip['estimate'])}, interval {text}")
    assert f"its interval shaded; the data set no bound {side} it, so it is shaded to the " \
        "end of the range, where an arrowhead marks the open side)" in plot.caption


def ends(e: dict) -> tuple[float, float]:
    """An estimate's interval as the phase map draws it: open sides at the range's edges."""
    return (e["low"] if e["ci_low"] is None else e["ci_low"],
            e["high"] if e["ci_high"] is None else e["ci_high"])


def legends_outside(plot: figures.Plot) -> None:
    """The figure's legends lie outside the axes (and their labels) and inside the figure."""
    fig, ax = plot.figure, plot.figure.axes[0]
    fig.draw_without_rendering()
    assert ax.get_legend() is None and fig.legends
    frame, page = ax.get_tightbbox(), fig.bbox
    for legend in fig.legends:
        box = legend.get_window_extent()
        assert box.y1 <= frame.y0 or box.y0 >= frame.y1
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1


def test_phase_map_draws_each_estimate_its_interval_and_the_break_even_line(phase):
    plot, paths = saved(phase, "phase_map")
    tip = json.loads((phase / "tipping.json").read_text())
    dodge = 0.1 * np.diff([0.7, 0.9]).min()
    for i, ties in enumerate([4.0, 12.0]):
        mine = sorted((e for e in tip["estimates"] if e["params"]["strong_ties"] == ties),
                      key=lambda e: e["params"]["factory_fixed_cost_share"])
        found = [e for e in mine if e["estimate"] is not None]
        x = np.array([e["params"]["factory_fixed_cost_share"] for e in found]) + dodge * (i - 0.5)
        drawn = line(plot, f"estimates-{i}")
        np.testing.assert_allclose(drawn.get_ydata(), [e["estimate"] for e in found])
        np.testing.assert_array_equal(drawn.get_xdata(), x)
        np.testing.assert_allclose(bars(plot, f"estimates-{i}").reshape(-1, 4), [
            [xi, low, xi, high] for xi, (low, high) in zip(x, map(ends, found), strict=True)])
        above = line(plot, f"above-{i}")
        assert len(above.get_xdata()) == sum(e["transition"] == "above" for e in mine)
    edge = line(plot, "break-even")
    np.testing.assert_allclose(edge.get_xdata(), [0.7, 0.9])
    np.testing.assert_allclose(edge.get_ydata(), [0.3, 0.1])
    np.testing.assert_array_equal(line(plot, "claim").get_ydata(), [0.2, 0.2])
    groups, keys = plot.figure.legends
    assert [t.get_text() for t in groups.get_texts()] == ["4", "12"]
    assert [t.get_text() for t in keys.get_texts()] == ["Break-even share", "Claim (20%)"]
    legends_outside(plot)
    assert sum(e["n_runs"] for e in tip["estimates"]) == tip["n_runs"] == plot.n_runs
    check_files(paths, "phase_map", figures.SINGLE, tip["n_runs"], made_by(phase))


def estimate(share: float | None, ties: float, s: float | None, ci: tuple, transition: str
             = "inside") -> dict:
    """One point of a phase map's tipping.json, as run_study writes it (6 runs, range 0-60%)."""
    params = {"strong_ties": ties} | ({} if share is None else
                                      {"factory_fixed_cost_share": share})
    return {"params": params, "low": 0.0, "high": 0.6, "estimate": s, "ci_low": ci[0],
            "ci_high": ci[1], "transition": transition, "n_runs": 6,
            "break_even_share": 1 - (0.8 if share is None else share)}


def phase_folder(out, estimates: list[dict]) -> Result:
    """A result folder holding only the tipping.json of a phase map over ``estimates``."""
    varied = sorted(estimates[0]["params"])
    tip = {"variable": "committed_share", "outcome": "incumbent_fell", "claim": 0.2,
           "varied": varied, "n_runs": 6 * len(estimates), "estimates": estimates}
    (out / "tipping.json").write_text(json.dumps(tip))
    return Result(out)


def test_phase_map_marks_open_interval_ends_with_arrowheads_at_the_range_edge(tmp_path):
    plot = figures.phase_map(phase_folder(tmp_path, [
        estimate(0.7, 4.0, 0.3, (None, 0.4)), estimate(0.9, 4.0, 0.2, (0.1, 0.3)),
        estimate(0.7, 12.0, 0.35, (0.25, None)), estimate(0.9, 12.0, None, (0.6, None), "above")]))
    x4, x12 = np.array([0.69, 0.89]), np.array([0.71, 0.91])
    np.testing.assert_allclose(bars(plot, "estimates-0").reshape(-1, 4),
                               [[x4[0], 0.0, x4[0], 0.4], [x4[1], 0.1, x4[1], 0.3]])
    np.testing.assert_allclose(bars(plot, "estimates-1").reshape(-1, 4),
                               [[x12[0], 0.25, x12[0], 0.6]])
    expected = {"open-low-0": [[x4[0], 0.0]], "cap-low-0": [[x4[1], 0.1]],
                "cap-high-0": [[x4[0], 0.4], [x4[1], 0.3]], "open-high-1": [[x12[0], 0.6]],
                "cap-high-1": np.empty((0, 2)), "cap-low-1": [[x12[0], 0.25]],
                "above-1": [[x12[1], 0.6]]}
    for gid, points in expected.items():
        np.testing.assert_allclose(xy(line(plot, gid)), points, err_msg=gid)
    gids = {a.get_gid() for a in plot.figure.axes[0].lines}
    assert "open-high-0" not in gids and "open-low-1" not in gids
    legends_outside(plot)
    assert line(plot, "open-low-0").get_marker() == CARETDOWN
    assert line(plot, "open-high-1").get_marker() == CARETUP
    assert line(plot, "cap-high-0").get_marker() == "_"
    assert "bars: 95% intervals; an arrowhead at the end of the range marks a side on which " \
        "the data set no bound; open triangles" in plot.caption
    assert "coincide" not in plot.caption


def test_phase_map_shows_five_trust_values_spread_over_the_range_and_names_them(tmp_path):
    ties = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
    plot = figures.phase_map(phase_folder(tmp_path, [
        estimate(share, t, 0.02 * t, (0.02 * t - 0.01, 0.02 * t + 0.01))
        for t in ties for share in (0.7, 0.9)]))
    shown = [1.0, 3.0, 4.0, 6.0, 8.0]
    assert [t.get_text() for t in plot.figure.legends[0].get_texts()] == ["1", "3", "4", "6", "8"]
    for i, t in enumerate(shown):
        np.testing.assert_allclose(line(plot, f"estimates-{i}").get_ydata(), [0.02 * t] * 2)
    assert "one colour per strong ties (5 of its 8 values, spread over the range: 1, 3, 4, 6, " \
        "8)" in plot.caption
    assert plot.caption.endswith("10 points, 60 runs.") and plot.n_runs == 60


def test_phase_map_says_when_the_break_even_and_claim_lines_coincide(tmp_path):
    plot = figures.phase_map(phase_folder(tmp_path, [
        estimate(None, t, 0.3, (0.2, 0.4)) for t in (4.0, 8.0, 12.0)]))
    np.testing.assert_allclose(line(plot, "break-even").get_ydata(), [0.2] * 3)
    assert "the dashed line the essay's claim, which coincide here." in plot.caption


def test_death_spiral_draws_a_typical_run_that_fell_and_one_that_did_not(tipped):
    plot, paths = saved(tipped, "death_spiral")
    runs = storage.load_runs(tipped)
    drawn = {a.get_gid(): a for ax in plot.figure.axes for a in ax.lines if a.get_gid()}
    ids = {gid.split("-", 1)[1] for gid in drawn}
    assert len(ids) == 2
    chosen = runs.set_index("run_id").loc[sorted(ids)]
    assert sorted(chosen["incumbent_fell"]) == [False, True]
    assert chosen["point_id"].nunique() == 1  # same parameters, different fates
    series = storage.load_series(tipped, ids)
    for run_id in ids:
        rows = series[series["run_id"] == run_id]
        for column, _, _ in figures.SPIRAL:
            got = drawn[f"{column}-{run_id}"]
            np.testing.assert_array_equal(got.get_xdata(), rows["step"])
            np.testing.assert_array_equal(got.get_ydata(), rows[column])
    check_files(paths, "death_spiral", figures.DOUBLE, 2, made_by(tipped))


def test_snapshots_store_the_stored_run_and_the_network_figure_draws_them(tipped):
    meta = json.loads((tipped / "network" / "snapshot.json").read_text())
    run = storage.load_runs(tipped).iloc[-1]
    assert meta["outcomes"]["incumbent_fell"] == bool(run["incumbent_fell"])
    assert meta["outcomes"]["platform_share_final"] == run["platform_share_final"]
    nodes = pd.read_parquet(tipped / "network" / "nodes.parquet")
    edges = pd.read_parquet(tipped / "network" / "edges.parquet")
    assert sorted(nodes["step"].unique()) == SNAPSHOT_WEEKS
    assert len(nodes) == 120 * len(SNAPSHOT_WEEKS)
    assert (edges["u"] < edges["v"]).all() and edges["strong"].any() and (~edges["strong"]).any()
    plot, paths = saved(tipped, "network")
    for i, week in enumerate(SNAPSHOT_WEEKS):
        ax = plot.figure.axes[i]
        dots = next(c for c in ax.collections if isinstance(c, PathCollection))
        rows = nodes[nodes["step"] == week]
        np.testing.assert_allclose(dots.get_offsets(), rows[["x", "y"]])
        colors = [CHOICE_COLORS[c].lower() for c in rows["choice"]]
        assert [to_hex(c) for c in dots.get_facecolors()] == colors
        ringed = dots.get_edgecolors()[:, 3] > 0
        assert rows["committed"].any()
        np.testing.assert_array_equal(ringed, rows["committed"])
        np.testing.assert_array_equal(dots.get_offsets()[ringed],
                                      rows.loc[rows["committed"], ["x", "y"]])
        assert (dots.get_edgecolors()[ringed] == to_rgba(BLACK)).all()
        ties = next(c for c in ax.collections if isinstance(c, LineCollection))
        at = rows.set_index("node")
        strong = edges[edges["strong"]]
        np.testing.assert_array_equal(np.array(ties.get_segments()), np.stack(
            [at.loc[strong["u"], ["x", "y"]], at.loc[strong["v"], ["x", "y"]]], axis=1))
    assert (f"of one of the study's runs (run {run['run_id']}, seed {run['seed']}), at weeks "
            "5, 20, 40;") in plot.caption
    check_files(paths, "network", figures.DOUBLE, 1, meta["code_version"])


def test_the_network_caption_says_when_the_snapshot_run_is_not_one_of_the_study_runs(
        tipped, tmp_path):
    shutil.copytree(tipped, tmp_path, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("network", "figures"))
    run = storage.load_runs(tipped).iloc[-1]
    params = resolve(json.loads(run[list(PARAMETERS)].to_json())) | {"n_consumers": 60}
    record_snapshots(params, 7, 10, [5, 10], tmp_path)
    caption = figures.network(Result(tmp_path)).caption
    n_runs = len(Result(tipped).runs)
    assert caption.startswith(
        f"The strong-tie network (60 consumers, {run['committed_share']:.0%} committed) of an "
        f"illustrative run stored for this figure, not one of the study's {n_runs} runs: it "
        "has its own seed (7) and parameters (n consumers 60), at weeks 5, 10;")


def test_early_warning_draws_every_runs_tau_by_fate(warnings):
    plot, paths = saved(warnings, "early_warning")
    ews = pd.read_parquet(warnings / "ews.parquet")
    for key in figures.INDICATOR_NAMES:
        for fate, fell in (("fell", True), ("survived", False)):
            dots = line(plot, f"{key}-{fate}", PathCollection)
            expected = ews.loc[ews["fell"] == fell, key].dropna()
            np.testing.assert_allclose(dots.get_offsets()[:, 1], expected)
    texts = [t.get_text() for t in plot.figure.axes[0].texts]
    assert texts == ["AUC 0.50", "AUC 0.60", "AUC 0.70", "AUC 0.80"]
    check_files(paths, "early_warning", figures.SINGLE, 30, "abc1234")


def test_sensitivity_draws_the_indices_and_their_intervals_largest_on_top(sensitive):
    plot, paths = saved(sensitive, "sensitivity")
    morris, sobol = plot.figure.axes
    assert [t.get_text() for t in morris.get_yticklabels()] == [
        "Strong ties", "Platform fee (share of price)", "Committed share"]
    mu = line(plot, "morris-mu_star")
    np.testing.assert_allclose(mu.get_xdata(), [0.1, 0.3, 0.8])
    np.testing.assert_allclose(line(plot, "sobol-ST").get_xdata(), [0.05, 0.2, 0.8])
    np.testing.assert_allclose(line(plot, "sobol-S1").get_xdata(), [0.0, 0.1, 0.6])
    np.testing.assert_allclose(bars(plot, "morris-mu_star")[:, :, 0],
                               [[0.05, 0.15], [0.25, 0.35], [0.75, 0.85]])
    sobol = json.loads((sensitive / "sensitivity.json").read_text())["sobol"]["indices"]
    order = ["strong_ties", "platform_fee", "committed_share"]
    for key, shift in (("S1", 0.14), ("ST", -0.14)):
        value = np.array([sobol[name][key] for name in order])
        conf = np.array([sobol[name][f"{key}_conf"] for name in order])
        y = np.arange(3) + shift
        np.testing.assert_allclose(bars(plot, f"sobol-{key}"), np.stack(
            [np.column_stack([value - conf, y]), np.column_stack([value + conf, y])], axis=1))
    assert "(its mean over 2 runs at each sample point)" in plot.caption
    check_files(paths, "sensitivity", figures.DOUBLE, 96, "abc1234")


def test_the_sensitivity_caption_counts_one_run_in_the_singular(sensitive, tmp_path):
    sens = json.loads((sensitive / "sensitivity.json").read_text()) | {"replicates": 1}
    (tmp_path / "sensitivity.json").write_text(json.dumps(sens))
    assert "(its mean over 1 run at each sample point)" in figures.sensitivity(
        Result(tmp_path)).caption


def test_figures_command_draws_what_applies_and_refuses_an_empty_folder(tipped, tmp_path,
                                                                         capsys):
    assert main(["figures", str(tipped), "--only", "fall_probability"]) == 0
    out = capsys.readouterr().out
    assert "fall_probability: pdf, svg, png, txt" in out and "death_spiral" not in out
    assert [s.name for s in figures.applicable(Result(tipped))] == [
        "share_over_time", "fall_probability", "death_spiral", "network"]
    assert main(["figures", str(tmp_path / "missing")]) == 2
    assert capsys.readouterr().err.strip() == f"error: {tmp_path / 'missing'}: no such results " \
        "folder"
    assert main(["figures", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no stored results to draw" in err
    assert not (tmp_path / "figures").exists()


def test_the_figures_command_offers_every_figure_in_order():
    from sim.cli.commands.figures import NAMES

    assert NAMES == [figure.name for figure in figures.FIGURES]
