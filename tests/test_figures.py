"""Figures from stored results: each figure function on a small stored result writes its
files, the data it draws equal the stored tables, PDFs are vector with embedded fonts, and
the provenance is in the caption file and in each file's metadata."""

import json

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_hex
from matplotlib.lines import Line2D
from PIL import Image
from scipy import special

from sim import figures, scenarios, storage, tipping
from sim.cli import main
from sim.figures import CHOICE_COLOURS, Result
from sim.parameters import PARAMETERS, resolve
from sim.provenance import code_version
from sim.snapshots import record_snapshots

TIPPING = """
name = "tiny_tipping"
steps = 40
seed = 11
[params]
n_consumers = 120
factory_cash_reserve_weeks = 4.0
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


def study(tmp_path_factory, name: str, text: str):
    out = tmp_path_factory.mktemp(name)
    scenario = scenarios.parse(text, out / f"{name}.toml")
    tipping.run_study(scenario, out, workers=2, progress=False, say=lambda _: None)
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


def spec(name: str) -> figures.Spec:
    return next(s for s in figures.FIGURES if s.name == name)


def saved(folder, name: str) -> tuple[figures.Plot, list]:
    """Draw figure ``name`` from ``folder`` and save it; return the plot and its files."""
    result = Result(folder)
    plot = spec(name).draw(result)
    return plot, figures.save(plot, result, spec(name))


def made_by(folder) -> str:
    return json.loads((folder / "manifest.json").read_text())["code_version"]


def line(plot: figures.Plot, gid: str, kind: type = Line2D):
    """The artist of ``kind`` that the figure tagged ``gid``."""
    return next(a for ax in plot.figure.axes for a in ax.get_children()
                if a.get_gid() == gid and isinstance(a, kind))


def check_files(paths, name: str, width: float, runs: int, made_by: str) -> None:
    """The four files exist; PDF vector with embedded TrueType fonts; PNG 300 dpi at the
    column width; provenance in the caption and the metadata."""
    assert [p.name for p in paths] == [f"{name}.{ext}" for ext in ("pdf", "svg", "png", "txt")]
    pdf = paths[0].read_bytes()
    assert b"/Subtype /Image" not in pdf
    assert b"/FontFile2" in pdf and b"/Type3" not in pdf
    assert f"/Title ({spec(name).title})".encode() in pdf
    svg = paths[1].read_text()
    assert f"<dc:title>{spec(name).title}</dc:title>" in svg and "<image" not in svg
    png = Image.open(paths[2])
    assert png.size[0] == round(width * 300)
    assert png.info["dpi"] == pytest.approx((300, 300), abs=0.1)
    assert f"{runs} run" in png.text["Source"] and made_by in png.text["Source"]
    caption = paths[3].read_text()
    assert f"{runs} run" in caption and made_by in caption and code_version() in caption


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
        q = rows.groupby("step")["platform_share"].quantile([0.05, 0.5, 0.95]).unstack()
        np.testing.assert_array_equal(drawn.get_xdata(), q.index)
        np.testing.assert_allclose(drawn.get_ydata(), q[0.5])
    ax = plot.figure.axes[0]
    assert len(ax.collections) == 2 * len(shown)  # a 50% and a 90% band per point
    top = ax.collections[0].get_paths()[0].vertices[:, 1].max()  # first point's 90% band
    first = series[series["point_id"] == shown["point_id"][0]]
    assert top == pytest.approx(first.groupby("step")["platform_share"].quantile(0.95).max())
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
    assert line(plot, "estimate").get_xdata()[0] == tip["estimate"]
    assert line(plot, "claim").get_xdata()[0] == 0.20
    assert line(plot, "break-even").get_xdata()[0] == pytest.approx(0.20)
    band = next(c for c in plot.figure.axes[0].collections if c.get_gid() == "band")
    edge = band.get_paths()[0].vertices  # (x0, top0), the bottom edge, then the top back
    x = np.asarray(fit.get_xdata())
    low, high = tipping.wald_band(tip["intercept"] + tip["slope"] * x, x, tip["covariance"],
                                  tip["level"])
    np.testing.assert_allclose(edge[1:x.size + 1], np.column_stack([x, low]))
    np.testing.assert_allclose(edge[x.size + 2:2 * x.size + 2], np.column_stack([x, high])[::-1])
    check_files(paths, "fall_probability", figures.SINGLE, len(runs), made_by(tipped))


def test_phase_map_draws_each_estimate_and_the_break_even_line(phase):
    plot, paths = saved(phase, "phase_map")
    tip = json.loads((phase / "tipping.json").read_text())
    for i, ties in enumerate([4.0, 12.0]):
        mine = sorted((e for e in tip["estimates"] if e["params"]["strong_ties"] == ties),
                      key=lambda e: e["params"]["factory_fixed_cost_share"])
        found = [e for e in mine if e["estimate"] is not None]
        drawn = line(plot, f"estimates-{i}")
        np.testing.assert_allclose(drawn.get_ydata(), [e["estimate"] for e in found])
        np.testing.assert_allclose(drawn.get_xdata(), [e["params"]["factory_fixed_cost_share"]
                                                       for e in found], atol=0.011)
        above = line(plot, f"above-{i}")
        assert len(above.get_xdata()) == sum(e["transition"] == "above" for e in mine)
    edge = line(plot, "break-even")
    np.testing.assert_allclose(edge.get_xdata(), [0.7, 0.9])
    np.testing.assert_allclose(edge.get_ydata(), [0.3, 0.1])
    check_files(paths, "phase_map", figures.SINGLE, tip["n_runs"], made_by(phase))


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
        colours = [CHOICE_COLOURS[c].lower() for c in rows["choice"]]
        assert [to_hex(c) for c in dots.get_facecolors()] == colours
        ties = next(c for c in ax.collections if isinstance(c, LineCollection))
        assert len(ties.get_segments()) == edges["strong"].sum()
    check_files(paths, "network", figures.DOUBLE, 1, meta["code_version"])


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
    bars = next(c for c in morris.collections if isinstance(c, LineCollection))
    np.testing.assert_allclose([s[:, 0] for s in bars.get_segments()],
                               [[0.05, 0.15], [0.25, 0.35], [0.75, 0.85]])
    check_files(paths, "sensitivity", figures.DOUBLE, 96, "abc1234")


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
    from sim.commands.figures import NAMES

    assert NAMES == [spec.name for spec in figures.FIGURES]
