"""``scripts/more_regime_runs.py --forks`` redoes a world's largest-push and fork runs with
the worlds study's seeds and summarizes them with the study's own ``summarize``: given the
study's own natural runs, it gives the world the row the study gave it."""

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest

from sim.experiments import scenarios, storage
from sim.studies.worlds import study
from sim.studies.worlds.plan import plan_from
from tests.studies.test_verdict import ACCOUNTING

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "more_regime_runs.py"


def _script():
    spec = importlib.util.spec_from_file_location("more_regime_runs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_the_fork_runs_of_a_world_give_the_row_the_worlds_study_gave_it(tmp_path):
    params = {**ACCOUNTING, "n_consumers": 100}
    lines = ['name = "tiny"', "steps = 70", "seed = 5", "[params]",
             *[f"{k} = {json.dumps(v)}" for k, v in params.items()], "[worlds]",
             "n = 3", "vary = ['factory_fixed_cost_share']", "regime_runs = 2", "window = 20",
             "[forks]", "every = 2", "copies = 1", "runs = 4", "ramp = 0.01",
             "committed_share = 0.12", "[output]", "every = 2"]
    (tmp_path / "tiny.toml").write_text("\n".join(lines))
    scenario = scenarios.load(tmp_path / "tiny.toml")
    out = tmp_path / "study"
    study.run_study(scenario, out, workers=1, progress=False)
    table = pd.read_parquet(out / study.TABLE)
    threshold = table.index[table["regime"] == "threshold"].tolist()
    assert threshold, table[["regime"]]
    plan = plan_from(scenario)
    _, worlds = plan.draw(scenario.seed)
    natural = storage.load_runs(out / "regime")
    w = threshold[-1]
    rows = _script().fork_runs(scenario, plan, worlds, [w], natural, out / "regime",
                               tmp_path / "more", workers=1)
    assert rows["world"].tolist() == [w]
    row, expected = rows.iloc[0], table.loc[w]
    assert row["regime"] == expected["regime"] == "threshold"
    assert row["verdict"] == expected["verdict"]
    for name in ("tipping_share_gross", "ci_low", "ci_high", "fork_runs_reached"):
        assert row[name] == pytest.approx(expected[name], abs=0, nan_ok=True), name
    assert 0 < row["tipping_share_gross"] < 1
    assert len(storage.load_runs(tmp_path / "more" / "forks")) == plan.fork_plan.runs
