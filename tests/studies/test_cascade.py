"""The cascade study: points of no return by forks, their summary, and the [cascade] table."""

import numpy as np
import pandas as pd
import pytest

from sim.experiments import scenarios
from sim.experiments.batch import RunSpec
from sim.model.sectors.parameters import resolve
from sim.studies.bootstrap import bootstrap_mean
from sim.studies.cascade import no_return_run, spec_from, summarize


def _food_after_news(spillover: float) -> dict:
    """News falls at once (half its buyers committed, fixed price, no reserve); food has 10%
    committed and must be won by the platform."""
    params = resolve({"n_consumers": 300, "strong_ties": 8, "weak_ties": 10,
                      "sectors": "news,food", "spillover": spillover,
                      "news__committed_share": 0.5, "news__factory_pricing": "fixed",
                      "news__factory_cash_reserve_weeks": 0.0, "food__committed_share": 0.1})
    news, food = no_return_run(RunSpec("sector_market", 0, 0, params, 3, 156), 13, 1)
    assert news["fall_step"] == 1 and food["fell"]
    return food


def test_spillover_one_lowers_the_next_sectors_tipping_share():
    alone, shared = _food_after_news(0.0), _food_after_news(1.0)
    # independent: food is doomed only after news has fallen, once the platform holds
    # about half its gross
    assert alone["no_return_week"] > 13 and alone["fallen_before"] == 1
    assert 0.4 < alone["tipping_share"] < 0.7
    # shared: the habit and trust news's buyers bring doom food from the start, at little
    # more than its committed tenth
    assert shared["no_return_week"] == 0
    assert 0.08 < shared["tipping_share"] < 0.15
    assert shared["tipping_share"] < alone["tipping_share"] - 0.3


def test_bootstrap_interval_covers_the_mean_and_summary_counts_falls():
    rng = np.random.default_rng(0)
    mean, low, high = bootstrap_mean(np.array([0.1, 0.2, 0.3, 0.4]), rng, 2000)
    assert mean == pytest.approx(0.25) and 0.1 <= low < mean < high <= 0.4
    runs = pd.DataFrame({"spillover": [0.0] * 4, "sector": ["food"] * 4,
                         "fell": [True, True, True, False],
                         "tipping_share": [0.2, 0.3, 0.5, np.nan],
                         "fallen_before": pd.array([0, 1, 1, None], dtype="Int64")})
    table = summarize(runs, 0, 500).set_index("fallen_before")
    assert table.loc["any", ["runs", "falls"]].tolist() == [4, 3]
    assert table.loc["1", "tipping_share"] == pytest.approx(0.4)
    assert table.loc["0", ["tipping_share", "low", "high"]].tolist() == [0.2, 0.2, 0.2]


@pytest.mark.parametrize("text, message", [
    ('[cascade]\ninterval = 13\n', 'needs model = "sector_market"'),
    ('model = "sector_market"\n[cascade]\nintervals = 13\n', "cascade.intervals: unknown key"),
    ('model = "sector_market"\n[cascade]\ninterval = 0\n', "cascade.interval: got 0"),
    ('model = "sector_market"\n[cascade]\nforks = 2.5\n', "cascade.forks: got 2.5"),
])
def test_bad_cascade_tables_get_one_clear_line(text, message):
    with pytest.raises(scenarios.ScenarioError) as error:
        spec_from(scenarios.parse(text, "bad.toml"))
    assert message in str(error.value) and str(error.value).startswith("bad.toml")


TINY = '''name = "tiny_cascade"
description = "d"
model = "sector_market"
steps = 40
seed = 3
[params]
n_consumers = 100
strong_ties = 6
weak_ties = 6
[sectors.news]
committed_share = 0.6
factory_pricing = "fixed"
factory_cash_reserve_weeks = 0.0
[sectors.food]
committed_share = 0.3
[sweep]
spillover = [0.0, 1.0]
[cascade]
interval = 10
bootstrap = 200
'''


def test_cli_cascade_writes_runs_report_and_figure_and_redraws_without_rerunning(
        tmp_path, capsys):
    from sim.cli.main import main

    path, out = tmp_path / "tiny.toml", tmp_path / "out"
    path.write_text(TINY)
    assert main(["cascade", str(path), "--workers", "1", "--out", str(out)]) == 0
    runs = pd.read_parquet(out / "cascade_runs.parquet")
    assert sorted(runs["sector"]) == ["food", "food", "news", "news"]
    assert runs.loc[runs["sector"] == "news", "fall_step"].tolist() == [1, 1]
    report = (out / "report.md").read_text()
    assert "4 runs" not in report and "2 runs (1 per spillover) of 40 weeks" in report
    assert {p.name for p in (out / "figures").iterdir()} == {"cascade.pdf", "cascade.png",
                                                              "cascade.svg", "cascade.txt"}
    capsys.readouterr()
    path.write_text(TINY.replace('description = "d"', 'description = "another"'))
    assert main(["cascade", str(path), "--workers", "1", "--out", str(out)]) == 0
    assert "4 stored rows" in capsys.readouterr().out
    assert "another" in (out / "report.md").read_text()
    path.write_text(TINY.replace("[sweep]\nspillover = [0.0, 1.0]\n", ""))
    assert main(["cascade", str(path), "--out", str(tmp_path / "none")]) == 2
    assert "sweep: the cascade study compares spillovers" in capsys.readouterr().err
