"""A full or read-only results folder: one clear line, exit status 2, and what is stored stays
readable and complete.

As root where ``mount`` works (CI), each test makes its own small tmpfs (a full disk is a
real ENOSPC, a read-only folder a real read-only remount) and unmounts it afterwards;
otherwise writes are made to fail with the same errors.
"""

import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from sim.cli.main import main
from sim.experiments import storage

SCENARIO = """name = "disk"
steps = 5
replicates = 2
seed = 3
[params]
n_consumers = 60
[sweep]
committed_share = { start = 0.0, stop = 0.3, num = 10 }
"""


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.fixture
def small_fs(tmp_path) -> Iterator[Path | None]:
    """A 200 KiB tmpfs at ``tmp_path/fs`` (None where this machine cannot mount one)."""
    where = tmp_path / "fs"
    where.mkdir()
    if os.geteuid() != 0 or not _mount("-t", "tmpfs", "-o", "size=200k", "tmpfs", str(where)):
        yield None
        return
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=True)


def _sweep(scenario: Path, out: Path) -> int:
    return main(["sweep", str(scenario), "--workers", "1", "--out", str(out),
                 "--part-size", "2", "--no-progress"])


def _fail_writes(monkeypatch, code: int, after: int = 0) -> None:
    """Make every Parquet write after the first ``after`` raise OSError(code)."""
    real, calls = pq.write_table, []

    def write_table(*args, **kwargs):
        calls.append(1)
        if len(calls) > after:
            raise OSError(code, os.strerror(code))
        return real(*args, **kwargs)

    monkeypatch.setattr(pq, "write_table", write_table)


@pytest.mark.slow
def test_full_disk_stops_with_one_line_keeps_stored_parts_and_resumes(
        small_fs, tmp_path, monkeypatch, capsys):
    scenario = tmp_path / "disk.toml"
    scenario.write_text(SCENARIO)
    reference = tmp_path / "reference"
    assert _sweep(scenario, reference) == 0
    capsys.readouterr()
    out = (small_fs or tmp_path) / "out"
    if small_fs is None:
        _fail_writes(monkeypatch, errno.ENOSPC, after=8)
    assert _sweep(scenario, out) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {out}/")
    assert err.endswith(": cannot write (No space left on device); results already stored "
                        "are kept\n")
    assert not [p for p in out.rglob("*.tmp")]
    stored = storage.load_runs(out)
    assert 2 <= len(stored) < 20 and stored["run_id"].is_unique
    full = storage.load_runs(reference).set_index("run_id")
    pd.testing.assert_frame_equal(stored.set_index("run_id"), full.loc[stored["run_id"]])
    series = storage.load_series(out)
    assert set(series["run_id"]) == set(stored["run_id"]) and len(series) == 5 * len(stored)
    if small_fs is None:
        monkeypatch.undo()
    else:
        assert _mount("-o", "remount,size=4m", str(small_fs))
    assert _sweep(scenario, out) == 0
    pd.testing.assert_frame_equal(storage.load_runs(out), storage.load_runs(reference))
    pd.testing.assert_frame_equal(storage.load_series(out), storage.load_series(reference))


def test_read_only_folder_refused_in_one_line_and_its_results_still_read(
        small_fs, tmp_path, monkeypatch, capsys):
    scenario = tmp_path / "disk.toml"
    scenario.write_text(SCENARIO.replace("num = 10", "num = 2"))
    out = (small_fs or tmp_path) / "out"
    assert _sweep(scenario, out) == 0
    before = storage.load_runs(out)
    assert len(before) == 4
    capsys.readouterr()
    if small_fs is None:
        def refuse(*args, **kwargs):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(out / ".lock"))
        monkeypatch.setattr("builtins.open", refuse)
    else:
        assert _mount("-o", "remount,ro", str(small_fs))
    status = _sweep(scenario, out)
    run = main(["run", str(scenario), "--steps", "2", "--out", str(out / "one")])
    monkeypatch.undo()
    assert (status, run) == (2, 2)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == (f"error: {out}/.lock: cannot write (Read-only file system); results "
                        "already stored are kept")
    assert len(lines) == 2 and lines[1].startswith(f"error: {out}/")
    pd.testing.assert_frame_equal(storage.load_runs(out), before)
    assert len(storage.load_series(out)) == 4 * 5
