"""The cascade study: the fork experiment on one sector with the other incumbent standing or
fallen, time held fixed; at spillover 0 the sectors do not interact, so the difference is
exactly 0; runs go through the batch runner and are reused."""

import json

import pytest

from sim.cli.main import main
from sim.experiments import scenarios
from sim.studies.cascade import plan_from

TINY = '''name = "tiny_cascade"
description = "Food forked beside news."
model = "sector_market"
steps = 40
seed = 3
[params]
n_consumers = 100
strong_ties = 6
weak_ties = 6
[sectors.news]
committed_share = 0.0
[sectors.food]
factory_pricing = "fixed"
factory_fixed_cost_share = 0.85
factory_cash_reserve_weeks = 0.0
[sweep]
spillover = [0.0, 1.0]
[cascade]
fork_sector = "food"
other = "news"
other_push = 0.5
bootstrap = 200
[forks]
every = 4
copies = 1
runs = 2
ramp = 0.04
committed_share = 0.0
'''
SECTORS = 'model = "sector_market"\n[params]\nsectors = "news,food"\n'


def test_the_other_fall_changes_nothing_at_spillover_zero_and_runs_are_reused(tmp_path,
                                                                             capsys):
    path, out = tmp_path / "tiny.toml", tmp_path / "out"
    path.write_text(TINY)
    assert main(["cascade", str(path), "--workers", "1", "--out", str(out),
                 "--no-progress"]) == 0
    result = json.loads((out / "cascade.json").read_text())
    zero, one = result["by_spillover"]
    assert (zero["spillover"], one["spillover"]) == (0.0, 1.0)
    for row in (zero, one):
        assert row["standing"]["other_fell"] == 0 and row["fallen"]["other_fell"] == 2
        assert row["fallen"]["other_last_fall_week"] <= 4
        assert row["fallen"]["reached"] == row["fallen"]["runs"] == 2
    assert zero["fallen"]["values"] == zero["standing"]["values"]  # run for run
    assert zero["difference"] == {"estimate": 0.0, "ci_low": 0.0, "ci_high": 0.0}
    assert result["n_runs"] == 8
    text = (out / "report.md").read_text()
    assert "- spillover 0: food's tipping share" in text and "a difference of +0.0%" in text
    assert {p.name for p in (out / "figures").iterdir()} == {"cascade.pdf", "cascade.png",
                                                              "cascade.svg", "cascade.txt"}
    parts = sorted(p.name for p in (out / "forks").rglob("part-*.parquet"))
    capsys.readouterr()
    assert main(["cascade", str(path), "--workers", "1", "--out", str(out),
                 "--no-progress"]) == 0
    assert sorted(p.name for p in (out / "forks").rglob("part-*.parquet")) == parts
    assert json.loads((out / "cascade.json").read_text())["by_spillover"][0] == zero


@pytest.mark.parametrize("text, message", [
    ('model = "trust_market"\n', "model: the cascade study needs model = \"sector_market\""),
    (SECTORS + "[cascade]\nintervals = 13\n", "cascade.intervals: unknown key"),
    (SECTORS + "[cascade]\nfork_sector = 'shoes'\n", "cascade.fork_sector: got 'shoes'"),
    (SECTORS + "[cascade]\nother = 'food'\nfork_sector = 'food'\n",
     "cascade.other: got 'food', allowed: another sector present"),
    (SECTORS + "[cascade]\nbootstrap = 5\n", "cascade.bootstrap: got 5"),
    (SECTORS + "[cascade]\nother_push = 0\n", "cascade.other_push: got 0"),
    (SECTORS, "sweep: the cascade study compares spillovers"),
])
def test_bad_cascade_tables_get_one_clear_line(text, message):
    with pytest.raises(scenarios.ScenarioError) as error:
        plan_from(scenarios.parse(text, "bad.toml"))
    assert message in str(error.value) and str(error.value).startswith("bad.toml")
