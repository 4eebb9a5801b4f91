"""Results stored by the code before the package move (commit aa1b989) stay readable.

``tests/data/results_before_move/`` holds a sweep of 8 runs and one run written by that
commit (its README says how); the current storage API reads them to the same values.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd

from sim.cli.main import main
from sim.experiments import scenarios, storage
from sim.experiments.batch import seed_for

OLD = Path(__file__).resolve().parents[1] / "data" / "results_before_move"
SWEEP, RUN = OLD / "sweep", OLD / "run"

RUN_IDS = ["b11571eddbbf66df", "bff0454682ee8b65", "a0b3cd87534f3bf3", "c8547c2f49504da8",
           "7c064d081367fbd0", "dc04e7f5da8e64e3", "d446e3cadf26daae", "ee489bc0b7a9ee9a"]


def test_old_runs_table_loads_with_its_ids_types_and_outcomes():
    runs = storage.load_runs(SWEEP)
    assert runs.shape == (8, 58)
    assert runs.run_id.tolist() == RUN_IDS
    assert storage.stored_run_ids(SWEEP) == set(RUN_IDS)
    assert runs.point_id.tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
    assert runs.replicate.tolist() == [0, 1] * 4
    assert runs.committed_share.tolist() == [0.0] * 4 + [0.45] * 4
    assert runs.factory_pricing.tolist() == ["fixed", "fixed", "full_cost", "full_cost"] * 2
    assert (runs.status == "ok").all()
    assert str(runs.fall_step.dtype) == "Int64" and runs.fall_step.isna().all()
    assert str(runs.incumbent_fell.dtype) == "boolean" and not runs.incumbent_fell.any()
    assert runs.platform_share_final.tolist() == [0.0] * 4 + [0.49173553719008267] * 2 + [1.0] * 2


def test_old_seeds_follow_the_current_seed_rule():
    runs = storage.load_runs(SWEEP)
    expected = [seed_for(11, p, r) for p, r in zip(runs.point_id, runs.replicate, strict=True)]
    assert runs.seed.tolist() == expected


def test_old_series_load_by_run_to_the_stored_values():
    series = storage.load_series(SWEEP)
    assert series.shape == (80, 6)
    assert list(series.columns) == ["run_id", "step", "platform_share", "factory_price",
                                    "factory_cash", "n_vendors"]
    one = storage.load_series(SWEEP, ["d446e3cadf26daae"])
    assert one.step.tolist() == list(range(3, 31, 3))
    assert one.platform_share.iloc[[0, 4, -1]].tolist() == [
        0.49173553719008267, 0.4839622518579715, 1.0]
    assert one.factory_cash.iloc[-1] == 938.5297307730323
    assert one.factory_price.iloc[-1] == 1.738917783393956


def test_old_manifest_holds_a_scenario_the_current_loader_parses_to_the_same_runs():
    manifest = json.loads((SWEEP / "manifest.json").read_text())
    assert (manifest["code_version"], manifest["kind"], manifest["n_runs"]) == ("aa1b989",
                                                                                "sweep", 8)
    scenario = scenarios.parse(manifest["scenario"]["text"])
    assert scenario.name == "tiny_sweep_small"
    assert scenario.n_points * scenario.replicates == manifest["n_runs"]
    assert manifest["seeds"]["root_seed"] == scenario.seed == 11


def test_old_single_run_reads_back():
    summary = json.loads((RUN / "summary.json").read_text())
    assert summary["incumbent_fell"] is False and summary["fall_step"] is None
    series = pd.read_parquet(RUN / "series.parquet")
    assert series.shape == (20, 11)
    assert series.factory_cash.iloc[-1] == 2479.969649549351
    manifest = json.loads((RUN / "manifest.json").read_text())
    assert manifest["seeds"] == {"seed": 5}
    assert (manifest["steps"], manifest["params"]["n_consumers"]) == (20, 200)


def test_figures_draw_from_old_results(tmp_path):
    copy = tmp_path / "sweep"
    shutil.copytree(SWEEP, copy)
    assert main(["figures", str(copy), "--only", "share_over_time"]) == 0
    assert (copy / "figures" / "share_over_time.png").stat().st_size > 10_000
