"""Several-sector scenarios: [sectors.NAME] tables, presets written out, sweeps with a tidy
series stored and resumed, and one clear line with exit status 2 for bad sector tables."""

import tomllib
from pathlib import Path

import pytest

from sim.cli.main import main
from sim.experiments import batch, results, scenarios, storage
from sim.model.measures import MODEL_REPORTERS
from sim.model.sectors.measures import OUTCOME_TYPES_SECTORS
from sim.model.sectors.presets import PRESETS
from sim.outputs.figures import Result, applicable, share_over_time

ROOT = Path(__file__).resolve().parents[2]
PRESET_FILES = {"news": "newspapers", "education": "universities", "health": "primary_care",
                "food": "food_retail"}

SWEEP = '''name = "two_sectors"
model = "sector_market"
steps = 6
replicates = 2
[params]
n_consumers = 120
strong_ties = 6
weak_ties = 6
[sectors.news]
committed_share = 0.2
[sectors.food]
[sweep]
spillover = [0.0, 1.0]
[output]
reporters = ["platform_share", "factory_cash"]
'''


@pytest.mark.parametrize("sector, stem", PRESET_FILES.items())
def test_preset_files_write_out_the_presets_exactly(sector, stem):
    data = tomllib.loads((ROOT / "scenarios" / "sectors" / f"{stem}.toml").read_text())
    assert data["sectors"][sector] == {n: v.value for n, v in PRESETS[sector].items()}
    scenario = scenarios.load(ROOT / "scenarios" / "sectors" / f"{stem}.toml")
    assert scenario.resolved()["sectors"] == sector


def test_sector_tables_become_flat_parameters_in_file_order():
    scenario = scenarios.load(ROOT / "scenarios" / "cascade.toml")
    params = scenario.resolved()
    assert params["sectors"] == "news,food"
    assert params["news__factory_cash_reserve_weeks"] == 26.0
    assert params["food__factory_fixed_cost_share"] == PRESETS["food"][
        "factory_fixed_cost_share"].value
    assert scenario.sweep == {"spillover": [0.0, 0.5, 1.0]}


def test_sector_sweep_stores_a_tidy_series_and_resumes_without_rerunning(tmp_path):
    path = tmp_path / "two.toml"
    path.write_text(SWEEP)
    scenario = scenarios.load(path)
    specs = batch.specs_for(scenario)
    manifest = results.manifest(scenario, scenario.resolved(), {"root_seed": 0})
    report = batch.run_batch(specs, tmp_path / "out", manifest, workers=1, progress=False,
                             reporters=scenario.reporters)
    assert (report.n_ok, report.n_failed) == (4, 0), report.errors
    runs = storage.load_runs(tmp_path / "out")
    assert len(runs) == 4 and set(OUTCOME_TYPES_SECTORS) <= set(runs.columns)
    assert runs["education__incumbent_fell"].isna().all()
    assert runs["news__platform_share_final"].notna().all()
    series = storage.load_series(tmp_path / "out")
    assert list(series.columns) == ["run_id", "step", "sector", "platform_share",
                                    "factory_cash"]
    assert len(series) == 4 * 6 * 2
    assert series.groupby(["run_id", "step"])["sector"].apply(list).map(tuple).unique().tolist(
        ) == [("news", "food")]
    again = batch.run_batch(specs, tmp_path / "out", manifest, workers=1, progress=False)
    assert (again.n_skipped, again.n_ok) == (4, 0)
    assert set(MODEL_REPORTERS) >= {"platform_share", "factory_cash"}
    # the figures: share over time has a panel per sector; the death spiral (one
    # incumbent) is not drawn
    result = Result(tmp_path / "out")
    assert [f.name for f in applicable(result)] == ["share_over_time"]
    plot = share_over_time(result)
    shown = [ax for ax in plot.figure.axes if ax.get_visible()]
    assert [ax.get_title("left") or ax.get_title() for ax in shown] == ["news", "food"]
    for ax, sector in zip(shown, ("news", "food"), strict=True):
        medians = {line.get_gid(): line.get_ydata() for line in ax.lines
                   if str(line.get_gid()).startswith("point-")}
        for point_id, values in medians.items():
            ids = runs.loc[runs["point_id"] == int(point_id[6:]), "run_id"]
            rows = series[series["run_id"].isin(ids) & (series["sector"] == sector)]
            assert list(values) == list(rows.groupby("step")["platform_share"].median())
    assert "a panel per sector: news, food" in plot.caption


@pytest.mark.parametrize("body, line", [
    ('[sectors.shoes]\n', "sectors: parameter 'sectors': unknown sector 'shoes'"),
    ('spillover = 1.5\n[sectors.news]\n', "spillover: parameter 'spillover': got 1.5, "
     "allowed: a number in [0, 1]"),
    ('[sectors.news]\nfactory_marginal_cost = 1.2\n', "sectors.news: sector 'news': "
     "parameters factory_marginal_cost = 1.2, factory_price = 1.0: allowed: "
     "factory_marginal_cost < factory_price"),
    ('[sectors.food]\nfacory_price = 2\n', "sectors.food: unknown parameter "
     "'food__facory_price' (did you mean 'food__factory_price'?)"),
])
def test_bad_sector_tables_exit_2_with_one_line_naming_file_and_field(tmp_path, capsys,
                                                                      body, line):
    path = tmp_path / "bad.toml"
    path.write_text('model = "sector_market"\nsteps = 2\n' + body)
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {path}: {line}" + err[len(f"error: {path}: {line}"):]
    assert err.count("\n") == 1 and not (tmp_path / "out").exists()


def test_run_prints_one_line_per_sector(tmp_path, capsys):
    path = tmp_path / "two.toml"
    path.write_text(SWEEP)
    assert main(["run", str(path), "--set", "news__committed_share=0.25", "--set",
                 "spillover=0.5", "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert "news: The incumbent" in printed and "food: The incumbent" in printed
    manifest = (tmp_path / "out" / "manifest.json").read_text()
    assert '"news__committed_share": 0.25' in manifest and '"spillover": 0.5' in manifest
