"""Results written by another version either load or are refused in one line that names the
version that wrote them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sim.cli.main import main
from sim.experiments.destination import FORMAT, READS, check_readable, kind_of
from sim.experiments.provenance import code_version

ROOT = Path(__file__).resolve().parents[2]
BEFORE_MOVE = ROOT / "tests" / "data" / "results_before_move"


def copy_of(name: str, where: Path) -> Path:
    folder = where / name
    shutil.copytree(BEFORE_MOVE / name, folder)
    return folder


def rewrite_manifest(folder: Path, **changes) -> None:
    path = folder / "manifest.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **changes}))


def test_this_version_writes_its_format_and_reads_the_format_before_it():
    assert (FORMAT, READS) == (2, (1, 2))
    check_readable(BEFORE_MOVE / "sweep")  # no "format": format 1, read
    check_readable(BEFORE_MOVE / "run")


def test_a_sweep_of_an_earlier_version_resumes_and_draws(tmp_path, capsys):
    sweep = copy_of("sweep", tmp_path)
    assert kind_of(sweep) == "sweep"
    assert main(["figures", str(sweep), "--only", "share_over_time"]) == 0
    assert (sweep / "figures" / "share_over_time.png").stat().st_size > 10_000


def test_a_run_of_an_earlier_version_is_replaced_by_a_new_run(tmp_path, capsys):
    run = copy_of("run", tmp_path)
    assert main(["run", str(ROOT / "scenarios" / "baseline.toml"), "--steps", "2", "--set",
                 "n_consumers=60", "--out", str(run)]) == 0
    manifest = json.loads((run / "manifest.json").read_text())
    assert (manifest["format"], manifest["kind"], manifest["steps"]) == (FORMAT, "run", 2)


def test_a_later_format_is_refused_naming_the_version_that_wrote_it(tmp_path, capsys):
    sweep = copy_of("sweep", tmp_path)
    rewrite_manifest(sweep, format=99, code_version="v9.9-future")
    line = (f"error: {sweep}: manifest.json: written by trust-tipping v9.9-future in results "
            "format 99; this version reads formats 1 to 2: run the study again into a new "
            "--out, or read these with the version that wrote them\n")
    assert main(["figures", str(sweep)]) == 2
    assert capsys.readouterr().err == line
    assert main(["sweep", str(ROOT / "tests" / "data" / "tiny_sweep.toml"), "--out",
                 str(sweep), "--workers", "1", "--no-progress"]) == 2
    assert capsys.readouterr().err == line
    assert not (sweep / "figures").exists()


def test_results_an_earlier_version_laid_out_otherwise_are_refused_naming_it(tmp_path,
                                                                            capsys):
    folder = tmp_path / "tipping"
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps({
        "project": "trust-tipping", "kind": "tipping", "code_version": "0a1b2c3",
        "scenario": {"name": "old", "text": ""}}))
    (folder / "tipping.json").write_text(json.dumps({"design": [{"dose": 0.1}]}))
    assert code_version() != "0a1b2c3"
    assert main(["figures", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {folder}: cannot draw from these results, written by code "
                          "version 0a1b2c3 (KeyError: ")
    assert err.endswith("run the study again with this version into a new folder\n")
    assert err.count("\n") == 1


def test_a_cascade_of_the_earlier_layout_is_refused_before_anything_is_written(tmp_path,
                                                                              capsys):
    # format 1 cascades ran their own fork loop into other files: a new cascade resumed there
    # would leave them beside its own, so the folder is refused in one line
    folder = tmp_path / "cascade"
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps({
        "project": "trust-tipping", "code_version": "0a1b2c3", "study": "cascade"}))
    (folder / "cascade.parquet").write_bytes(b"old")
    assert kind_of(folder) == "cascade"
    assert main(["cascade", str(ROOT / "scenarios" / "cascade.toml"), "--out", str(folder),
                 "--workers", "1", "--no-progress"]) == 2
    assert capsys.readouterr().err == (
        f"error: {folder}: manifest.json: written by trust-tipping 0a1b2c3 in results format "
        "1; this version reads cascade format 2 only: run the study again into a new --out, "
        "or read these with the version that wrote them\n")
    assert sorted(p.name for p in folder.iterdir()) == ["cascade.parquet", "manifest.json"]
