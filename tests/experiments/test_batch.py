"""The batch runner: seeds and ids, the same runs table however it is run, resume, failures."""

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli.main import main
from sim.experiments import batch, results, scenarios, storage
from sim.model import registry
from sim.model.market import MODEL_REPORTERS, OUTCOMES
from sim.model.registry import outcome_types, reporters

ROOT = Path(__file__).resolve().parents[2]
TINY = Path(__file__).resolve().parents[1] / "data" / "tiny_sweep.toml"


def sweep_manifest(scenario: scenarios.Scenario) -> dict:
    return results.manifest(scenario, scenario.resolved(), {"root_seed": scenario.seed})


def test_model_registry_matches_the_model():
    assert reporters("trust_market") == tuple(MODEL_REPORTERS)
    assert tuple(outcome_types("trust_market")) == OUTCOMES


def test_seed_for_is_the_spawned_child_and_fits_63_bits():
    root = np.random.SeedSequence(11)
    child = root.spawn(4)[3].spawn(3)[2]
    words = child.generate_state(2, np.uint32)
    assert batch.seed_for(11, 3, 2) == ((int(words[0]) << 32) | int(words[1])) >> 1
    seeds = {batch.seed_for(11, p, r) for p in range(50) for r in range(20)}
    assert len(seeds) == 1000
    assert all(0 <= s < 2**63 for s in seeds)
    assert batch.seed_for(12, 3, 2) != batch.seed_for(11, 3, 2)


def test_run_id_hashes_what_determines_the_result(tiny):
    spec = batch.specs_for(tiny)[0]
    assert len(spec.run_id) == 16 and int(spec.run_id, 16) >= 0
    same = batch.RunSpec(spec.model, 99, 99, dict(reversed(spec.params.items())), spec.seed,
                         spec.steps, spec.every)
    assert same.run_id == spec.run_id
    changed = [
        batch.RunSpec(spec.model, 0, 0, {**spec.params, "platform_fee": 0.11}, spec.seed,
                      spec.steps, spec.every),
        batch.RunSpec(spec.model, 0, 0, spec.params, spec.seed + 1, spec.steps, spec.every),
        batch.RunSpec(spec.model, 0, 0, spec.params, spec.seed, spec.steps + 1, spec.every),
        batch.RunSpec(spec.model, 0, 0, spec.params, spec.seed, spec.steps, spec.every + 1)]
    assert len({spec.run_id} | {c.run_id for c in changed}) == 5


def test_specs_cover_every_point_and_replicate_once(tiny):
    specs = batch.specs_for(tiny)
    assert len(specs) == tiny.n_points * tiny.replicates == 40
    assert [(s.point_id, s.replicate) for s in specs] == [
        (p, r) for p in range(10) for r in range(4)]
    assert len({s.run_id for s in specs}) == len({s.seed for s in specs}) == 40
    assert sorted({s.params["committed_share"] for s in specs}) == pytest.approx(
        [0.0, 0.1125, 0.225, 0.3375, 0.45])
    assert {(s.steps, s.every, s.params["n_consumers"]) for s in specs} == {(30, 3, 150)}


def test_reference_tables_hold_every_run_with_its_values(tiny, reference):
    runs = storage.load_runs(reference)
    specs = batch.specs_for(tiny)
    assert runs["run_id"].tolist() == [s.run_id for s in specs]
    assert runs["seed"].tolist() == [s.seed for s in specs]
    assert (runs["status"] == "ok").all()
    assert runs["network_model"].eq("watts_strogatz").all()
    assert runs["consumer_switching"].dtype == bool
    assert sorted(runs["factory_pricing"].unique()) == ["fixed", "full_cost"]
    assert runs["platform_share_final"].between(0, 1).all()
    series = storage.load_series(reference)
    assert len(series) == 40 * 10
    assert sorted(series["step"].unique()) == list(range(3, 31, 3))
    assert list(series.columns) == ["run_id", "step", *MODEL_REPORTERS]
    assert len(list((reference / "runs").glob("part-*.parquet"))) == 6
    manifest = json.loads((reference / "manifest.json").read_text())
    assert manifest["scenario"]["text"] == TINY.read_text()


def test_runs_table_identical_with_two_workers(tiny, reference, tmp_path, digests):
    batch.run_batch(batch.specs_for(tiny), tmp_path, sweep_manifest(tiny), workers=2,
                    progress=False)
    pd.testing.assert_frame_equal(storage.load_runs(tmp_path), storage.load_runs(reference))
    pd.testing.assert_frame_equal(storage.load_series(tmp_path),
                                  storage.load_series(reference))
    assert digests(tmp_path) == digests(reference)


def test_runs_table_identical_through_a_dask_local_cluster(tiny, reference, tmp_path,
                                                           digests, caplog):
    distributed = pytest.importorskip("distributed")
    import dask

    # started as docs/cluster.md asks, without Dask's sampling profiler on the workers
    with dask.config.set({"distributed.worker.profile.enabled": False}), \
            distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                     host="127.0.0.1", dashboard_address="127.0.0.1:0"
                                     ) as cluster:
        assert all(w.startswith("tcp://127.0.0.1:") for w in cluster.scheduler_info["workers"])
        report = batch.run_batch(batch.specs_for(tiny), tmp_path, sweep_manifest(tiny),
                                 dask=cluster.scheduler_address, progress=False)
    assert (report.n_ok, report.n_failed) == (40, 0)
    assert [r for r in caplog.records if r.name == "sim.experiments.batch"] == []  # no sampling
    pd.testing.assert_frame_equal(storage.load_runs(tmp_path), storage.load_runs(reference))
    pd.testing.assert_frame_equal(storage.load_series(tmp_path),
                                  storage.load_series(reference))
    assert digests(tmp_path) == digests(reference)


def test_killed_sweep_resumes_storing_every_run_once_with_same_values(reference, tmp_path):
    out = tmp_path / "out"
    command = [sys.executable, "run.py", "sweep", str(TINY), "--workers", "1", "--out",
               str(out), "--part-size", "3", "--no-progress"]
    proc = subprocess.Popen(command, cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(list((out / "runs").glob("part-*.parquet"))) < 2:
        assert proc.poll() is None and time.monotonic() < deadline, "sweep ended too soon"
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    stored = storage.stored_run_ids(out)
    assert 6 <= len(stored) < 40
    assert main(["sweep", str(TINY), "--workers", "1", "--out", str(out),
                 "--no-progress"]) == 0
    runs = storage.load_runs(out)
    assert runs["run_id"].is_unique and len(runs) == 40
    pd.testing.assert_frame_equal(runs, storage.load_runs(reference))
    pd.testing.assert_frame_equal(storage.load_series(out), storage.load_series(reference))


def test_rerun_of_a_finished_sweep_runs_nothing(tiny, reference):
    before = sorted(p.name for p in (reference / "runs").iterdir())
    report = batch.run_batch(batch.specs_for(tiny), reference, sweep_manifest(tiny),
                             workers=1, progress=False)
    assert (report.n_total, report.n_skipped, report.n_ok, report.n_failed) == (40, 40, 0, 0)
    assert sorted(p.name for p in (reference / "runs").iterdir()) == before


def test_the_runner_says_once_when_the_dask_workers_sample_their_stacks(tiny, tmp_path,
                                                                        caplog):
    """Dask's sampling profiler (on by default) slowed the worlds study by 7 to 24% on 2
    workers; the runner names it in the log, with the setting that turns it off, once for
    a scheduler however many batches run there, and not when the workers do not sample."""
    distributed = pytest.importorskip("distributed")
    import dask

    specs = batch.specs_for(tiny)[:2]
    for profiler in (True, False):
        caplog.clear()
        with dask.config.set({"distributed.worker.profile.enabled": profiler}), \
                distributed.LocalCluster(n_workers=1, processes=False,
                                         dashboard_address=None) as cluster, \
                caplog.at_level(logging.WARNING, logger="sim.experiments.batch"):
            for k, spec in enumerate(specs):  # two batches on the same cluster
                report = batch.run_batch([spec], tmp_path / f"{profiler}{k}",
                                         sweep_manifest(tiny), dask=cluster.scheduler_address,
                                         progress=False)
                assert report.n_ok == 1
        notes = [r.getMessage() for r in caplog.records if r.name == "sim.experiments.batch"]
        assert len(notes) == (1 if profiler else 0)
        if profiler:
            assert notes[0].startswith(f"1 of 1 Dask workers at {cluster.scheduler_address} ")
            assert notes[0].endswith("DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False")


def test_a_failing_run_is_stored_as_failed_and_the_sweep_goes_on(tiny, tmp_path):
    specs = batch.specs_for(tiny)[:4]
    bad = batch.RunSpec("trust_market", 99, 0, {**specs[0].params, "n_consumers": 10}, 1,
                        tiny.steps, tiny.every)
    report = batch.run_batch([specs[0], bad, *specs[1:]], tmp_path, sweep_manifest(tiny),
                             workers=2, progress=False, part_size=2)
    assert (report.n_total, report.n_ok, report.n_failed) == (5, 4, 1)
    assert report.errors == ["ParameterError: parameter 'n_consumers': got 10, allowed: an "
                             "integer in [50, 1e+06]"]
    runs = storage.load_runs(tmp_path).set_index("run_id")
    failed = runs.loc[bad.run_id]
    assert (failed["status"], failed["error"]) == ("failed", report.errors[0])
    assert all(pd.isna(failed[k]) for k in OUTCOMES)
    assert (runs.drop(bad.run_id)["status"] == "ok").all()
    assert set(storage.load_series(tmp_path)["run_id"]) == {s.run_id for s in specs}


def _fragile(params: dict, steps: int, seed: int, every: int) -> tuple[pd.DataFrame, dict]:
    """A registered test model: raises for x > 0.5, loses its reporter at x = 0.25."""
    x = params["x"]
    if x > 0.5:
        raise ZeroDivisionError(f"deliberate at x = {x}")
    series = pd.DataFrame({"step": np.arange(1, steps + 1), "y": np.full(steps, x)})
    return (series.drop(columns="y") if x == 0.25 else series), {"z": 2 * x}


def test_a_run_that_raises_in_a_registered_model_is_stored_failed_never_dropped(
        tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    for table in (registry.MODELS, registry._RESOLVERS, registry._REPORTERS,
                  registry._OUTCOME_TYPES, registry._COMPARATORS):
        monkeypatch.setitem(table, "fragile", None)  # removed again after the test
    registry.register("fragile", _fragile, lambda o: {"x": 0.0, **o}, ("y",), {"z": "float64"})
    xs = [0.0, 0.25, 0.5, 0.75, 1.0]
    specs = [batch.RunSpec("fragile", i, 0, {"x": x}, i, 3) for i, x in enumerate(xs)]
    import dask

    # threads in this process, so the workers see the model registered here
    with dask.config.set({"distributed.worker.profile.enabled": False}), \
            distributed.LocalCluster(n_workers=1, processes=False,
                                     dashboard_address=None) as cluster:
        report = batch.run_batch(specs, tmp_path, {"scenario": {"text": "fragile"}},
                                 dask=cluster.scheduler_address, progress=False,
                                 reporters=("y",), part_size=2)
    assert (report.n_total, report.n_ok, report.n_failed) == (5, 2, 3)
    runs = storage.load_runs(tmp_path)
    assert runs["x"].tolist() == xs and runs["run_id"].is_unique
    assert runs["status"].tolist() == ["ok", "failed", "ok", "failed", "failed"]
    assert runs["error"].tolist()[1:] == [
        "KeyError: \"['y'] not in index\"", None,
        "ZeroDivisionError: deliberate at x = 0.75", "ZeroDivisionError: deliberate at x = 1.0"]
    assert runs["z"].isna().tolist() == [False, True, False, True, True]
    assert runs["z"].dropna().tolist() == [0.0, 1.0]
    assert sorted(storage.load_series(tmp_path)["y"].unique()) == [0.0, 0.5]


def test_cli_sweep_prints_counts_and_refuses_another_scenario_in_its_folder(
        tmp_path, capsys):
    scenario = tmp_path / "two.toml"
    scenario.write_text('name = "two"\nsteps = 5\n[params]\nn_consumers = 100\n'
                        '[sweep]\nplatform_fee = [0.1, 0.2]\n[output]\n'
                        'reporters = ["platform_share"]\n')
    out = tmp_path / "out"
    assert main(["sweep", str(scenario), "--workers", "1", "--out", str(out),
                 "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "Sweep two: 2 points x 1 replicates = 2 runs of 5 steps" in printed
    assert "2 ok, 0 failed, 0 already stored (of 2 runs)" in printed
    assert list(storage.load_series(out).columns) == ["run_id", "step", "platform_share"]
    scenario.write_text(scenario.read_text().replace("0.2]", "0.3]"))
    assert main(["sweep", str(scenario), "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"error: {out}: manifest.json: holds the results of another scenario ('two' from "
        f"{scenario}); choose another --out or remove it\n")
    assert len(storage.load_runs(out)) == 2
