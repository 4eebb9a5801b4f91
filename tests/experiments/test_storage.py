"""Sweep storage: parts that concatenate, types that survive, crashes that leave no trace."""

import json

import pandas as pd
import pytest

from sim.experiments import storage
from sim.model.parameters import DEFAULTS
from sim.model.registry import outcome_types, resolve_params

SCENARIO = 'name = "s"\nsteps = 10\n[sweep]\ncommitted_share = [0.0, 0.1]\n'
PARAMS = resolve_params("trust_market", {})
SCHEMA = storage.runs_schema(PARAMS, outcome_types("trust_market"))


def manifest(text: str = SCENARIO, **params) -> dict:
    return {"project": "trust-tipping", "kind": "sweep",
            "scenario": {"name": "s", "path": "s.toml", "text": text},
            "params": {**PARAMS, **params}}


def row(run_id: str, point_id: int, fall_step, status="ok", **params) -> dict:
    failed = status != "ok"
    return {"run_id": run_id, "point_id": point_id, "replicate": 0, "seed": 2**62 + point_id,
            **PARAMS, **params, "incumbent_fell": None if failed else fall_step is not None,
            "fall_step": fall_step, "platform_share_final": None if failed else 0.25,
            "platform_share_max": None if failed else 0.5,
            "platform_share_at_fall": None if fall_step is None else 0.2,
            "status": status, "error": "ValueError: boom" if failed else None}


def series(run_id: str, steps: int = 3) -> pd.DataFrame:
    return pd.DataFrame({"run_id": run_id, "step": range(1, steps + 1),
                         "platform_share": [0.1 * s for s in range(steps)],
                         "n_vendors": list(range(steps))})


def test_parts_with_and_without_none_outcomes_concatenate_with_stable_types(tmp_path):
    storage.write_part(tmp_path, [row("a", 0, None)], [series("a")], SCHEMA)
    storage.write_part(tmp_path, [row("b", 1, 7), row("c", 2, None, status="failed")],
                       [series("b")], SCHEMA)
    runs = storage.load_runs(tmp_path)
    assert runs["run_id"].tolist() == ["a", "b", "c"]
    assert str(runs["fall_step"].dtype) == "Int64"
    assert runs["fall_step"].tolist() == [pd.NA, 7, pd.NA]
    assert str(runs["incumbent_fell"].dtype) == "boolean"
    assert runs["incumbent_fell"].tolist() == [False, True, pd.NA]
    assert runs["platform_share_at_fall"].dtype == "float64"
    assert runs["platform_share_at_fall"].isna().tolist() == [True, False, True]
    assert runs["status"].tolist() == ["ok", "ok", "failed"]
    assert runs["error"].tolist() == [None, None, "ValueError: boom"]
    assert runs["seed"].tolist() == [2**62, 2**62 + 1, 2**62 + 2]


def test_str_and_bool_parameters_survive_the_round_trip(tmp_path):
    params = {"network_model": "watts_strogatz", "factory_pricing": "fixed",
              "consumer_switching": False}
    storage.write_part(tmp_path, [row("a", 0, None, **params)], [], SCHEMA)
    runs = storage.load_runs(tmp_path)
    assert runs.loc[0, list(params)].to_dict() == params
    assert runs["consumer_switching"].dtype == bool
    assert runs.loc[0, list(DEFAULTS)].drop(list(params)).to_dict() == {
        k: v for k, v in DEFAULTS.items() if k not in params}
    assert runs["n_consumers"].dtype == "int64"


def test_pandas_reads_the_runs_folder_whole(tmp_path):
    storage.write_part(tmp_path, [row("a", 0, None)], [series("a")], SCHEMA)
    storage.write_part(tmp_path, [row("b", 1, 3)], [series("b")], SCHEMA)
    assert sorted(pd.read_parquet(tmp_path / "runs")["run_id"]) == ["a", "b"]
    assert len(pd.read_parquet(tmp_path / "series")) == 6


def test_load_series_filters_by_run_and_keeps_reporters_as_float(tmp_path):
    storage.write_part(tmp_path, [row("a", 0, None), row("b", 1, None)],
                       [series("a"), series("b", 4)], SCHEMA)
    frame = storage.load_series(tmp_path, ["b"])
    assert frame["run_id"].unique().tolist() == ["b"]
    assert frame["step"].tolist() == [1, 2, 3, 4]
    assert frame["n_vendors"].dtype == "float64"
    assert len(storage.load_series(tmp_path)) == 7
    assert storage.stored_run_ids(tmp_path) == {"a", "b"}


def test_empty_folder_has_no_runs(tmp_path):
    assert storage.stored_run_ids(tmp_path) == set()
    assert storage.load_runs(tmp_path).empty
    assert storage.load_series(tmp_path).empty


def test_crash_leftovers_are_ignored_by_readers_and_removed_on_reopen(tmp_path):
    with storage.open_folder(tmp_path, manifest()):
        pass
    storage.write_part(tmp_path, [row("a", 0, None)], [series("a")], SCHEMA)
    (tmp_path / "series" / "part-orphan.parquet").write_bytes(
        (tmp_path / "series" / next((tmp_path / "series").glob("part-*")).name).read_bytes())
    (tmp_path / "runs" / ".part-x.parquet.tmp").write_bytes(b"half a file")
    assert storage.load_series(tmp_path)["run_id"].tolist() == ["a"] * 3
    assert len(storage.load_runs(tmp_path)) == 1
    with storage.open_folder(tmp_path, manifest()):
        pass
    assert not (tmp_path / "series" / "part-orphan.parquet").exists()
    assert not (tmp_path / "runs" / ".part-x.parquet.tmp").exists()
    assert len(list((tmp_path / "series").glob("part-*"))) == 1


def test_manifest_written_once_and_same_scenario_with_other_comments_accepted(tmp_path):
    with storage.open_folder(tmp_path, manifest()):
        pass
    first = (tmp_path / "manifest.json").read_text()
    with storage.open_folder(tmp_path, manifest("# a comment\n" + SCENARIO)):
        pass
    assert (tmp_path / "manifest.json").read_text() == first
    assert json.loads(first)["scenario"]["text"] == SCENARIO


@pytest.mark.parametrize("other, message", [
    (manifest(SCENARIO.replace("0.1", "0.2")), "holds the results of another scenario ('s' "
     "from s.toml); choose another --out or remove it"),
    (manifest(platform_fee=0.2), "holds results of this scenario with other parameter values "
     "(platform_fee; did the model's defaults change?); choose another --out or remove it"),
])
def test_another_scenario_is_refused_and_nothing_written(tmp_path, other, message):
    with storage.open_folder(tmp_path, manifest()):
        pass
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(storage.ResultsFolderError) as error:
        with storage.open_folder(tmp_path, other):
            pass
    assert str(error.value) == f"{tmp_path}: manifest.json: {message}"
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_folder_being_written_is_refused(tmp_path):
    with storage.open_folder(tmp_path, manifest()):
        with pytest.raises(storage.ResultsFolderError, match="another sweep is writing"):
            with storage.open_folder(tmp_path, manifest()):
                pass


def test_resuming_with_other_code_keeps_the_runs_and_says_so(tmp_path, caplog):
    with storage.open_folder(tmp_path, {**manifest(), "code_version": "abc123"}):
        storage.write_part(tmp_path, [row("a", 0, None), row("b", 1, 7)], [], SCHEMA)
    with storage.open_folder(tmp_path, {**manifest(), "code_version": "abc123"}):
        pass
    assert caplog.records == []
    with storage.open_folder(tmp_path, {**manifest(), "code_version": "def456"}):
        pass
    (record,) = caplog.records
    assert (record.name, record.levelname) == ("sim.experiments.storage", "WARNING")
    err = record.getMessage()
    assert "started by code version abc123, this is def456" in err
    assert "the 2 stored runs are kept" in err
    assert json.loads((tmp_path / "manifest.json").read_text())["code_version"] == "abc123"
    assert storage.stored_run_ids(tmp_path) == {"a", "b"}
