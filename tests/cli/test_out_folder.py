"""``--out`` never deletes or replaces what the project did not write: every command that
takes it refuses, in one line with status 2 and before computing anything, an existing file,
the current folder, the home folder, the checkout and the folders above it, a folder of
other files and a results folder of another kind; canary files prove nothing was touched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.cli.main import build_parser, main
from sim.experiments import results
from sim.experiments.destination import kind_of

ROOT = Path(__file__).resolve().parents[2]
S = ROOT / "scenarios"
# A scenario each command accepts, so that only --out can be refused.
SCENARIO_FOR = {
    "run": [str(S / "baseline.toml"), "--steps", "2", "--set", "n_consumers=60"],
    "sweep": [str(ROOT / "tests" / "data" / "tiny_sweep.toml")],
    "analyze": [str(S / "example_sweep.toml")],
    "tipping": [str(S / "accounting_limit.toml")],
    "verdict": [str(S / "essay_claim.toml")],
    "sensitivity": [str(S / "sensitivity.toml")],
    "worlds": [str(S / "worlds.toml")],
    "cascade": [str(S / "cascade.toml")],
    "validate": ["--quick"],
    "forks": [str(S / "validation" / "granovetter_reversible.toml")],
}
KIND_OF_COMMAND = {"run": "run", "sweep": "sweep", "analyze": "analysis", "tipping": "tipping",
                   "verdict": "verdict", "sensitivity": "sensitivity", "worlds": "worlds",
                   "cascade": "cascade", "validate": "validation", "forks": "fork_study"}


def commands_with_out() -> list[str]:
    """Every sub-command of the parser that has an ``--out`` option."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sorted(name for name, p in sub.choices.items()
                  if any("--out" in a.option_strings for a in p._actions))


def canaries(folder: Path) -> dict[str, bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "notes.txt").write_text("my notes\n")
    (folder / "sub").mkdir(exist_ok=True)
    (folder / "sub" / "thesis.tex").write_text("\\chapter{One}\n")
    return snapshot(folder)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else b"<dir>")
            for p in sorted(folder.rglob("*"))}


def refused(argv: list[str], capsys) -> str:
    status = main(argv)
    err = capsys.readouterr().err.strip()
    assert status == 2, err
    assert err.count("\n") == 0 and err.startswith("error: --out "), err
    return err


def test_every_command_with_out_has_a_scenario_here():
    assert set(commands_with_out()) == set(SCENARIO_FOR)


@pytest.mark.parametrize("command", sorted(SCENARIO_FOR))
def test_each_command_refuses_a_file_a_foreign_folder_and_another_kind(command, tmp_path,
                                                                       capsys):
    argv = [command, *SCENARIO_FOR[command], "--out"]
    file = tmp_path / "notes.txt"
    file.write_text("keep me\n")
    assert "an existing file" in refused([*argv, str(file)], capsys)
    assert file.read_text() == "keep me\n"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]

    mine = tmp_path / "mydocs"
    before = canaries(mine)
    assert "files this project did not write (notes.txt, sub)" in refused(
        [*argv, str(mine)], capsys)
    assert snapshot(mine) == before

    other = tmp_path / "other"
    kind = "tipping" if KIND_OF_COMMAND[command] != "tipping" else "sweep"
    results.write_json(other / "manifest.json", results.stamp(kind))
    before = canaries(other)
    assert f"holds a {kind} result, not a {KIND_OF_COMMAND[command]} one" in refused(
        [*argv, str(other)], capsys)
    assert snapshot(other) == before


@pytest.mark.parametrize("command", sorted(SCENARIO_FOR))
def test_each_command_refuses_the_current_and_home_folders_and_the_checkout(
        command, tmp_path, capsys, monkeypatch):
    argv = [command, *SCENARIO_FOR[command], "--out"]
    here = tmp_path / "here"
    before = canaries(here)
    monkeypatch.chdir(here)
    assert "the current folder" in refused([*argv, "."], capsys)
    assert snapshot(here) == before
    home = tmp_path / "home"
    before = canaries(home)
    monkeypatch.setenv("HOME", str(home))
    assert "the home folder" in refused([*argv, "~"], capsys)
    assert "the home folder" in refused([*argv, str(home)], capsys)
    assert snapshot(home) == before
    for above in (ROOT, ROOT.parent, Path("/")):
        assert "the project's checkout or a folder above it" in refused(
            [*argv, str(above)], capsys)


def test_run_writes_into_an_empty_folder_and_replaces_only_its_own_files(tmp_path, capsys):
    out = tmp_path / "empty"
    out.mkdir()
    argv = ["run", str(S / "baseline.toml"), "--steps", "3", "--set", "n_consumers=60",
            "--out", str(out)]
    assert main(argv) == 0
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "series.parquet",
                                                     "summary.json"]
    assert kind_of(out) == "run"
    (out / "my_note.txt").write_text("written by the user beside the results\n")
    assert main([*argv[:-2], "--seed", "9", "--out", str(out)]) == 0
    assert (out / "my_note.txt").read_text() == "written by the user beside the results\n"
    assert json.loads((out / "manifest.json").read_text())["seeds"] == {"seed": 9}
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "my_note.txt",
                                                     "series.parquet", "summary.json"]


def test_old_manifests_without_a_kind_are_recognised_by_what_they_hold():
    old = ROOT / "tests" / "data" / "results_before_move"
    assert kind_of(old / "run") == "run"
    assert kind_of(old / "sweep") == "sweep"
    assert kind_of(old) is None




def test_a_verdict_folder_of_dose_runs_with_forks_is_refused_before_anything_is_written(
        tmp_path, capsys):
    """make run's folder from before the dose runs lost their forks (two arms' dose runs
    made with fork_every = 4): one line naming the first folder and counting the others,
    status 2, the folder untouched."""
    import dataclasses

    from sim.experiments import scenarios
    from sim.studies import tipping
    from sim.studies.verdict import study as verdict

    out = tmp_path / "essay_claim"
    scenario = scenarios.load(S / "essay_claim.toml")
    plan, table = verdict.plan_from(scenario)
    results.write_json(out / "manifest.json", results.stamp("verdict"))
    for name, overrides in plan.arms[:2]:
        arm = verdict._arm_scenario(scenario, overrides, table)
        old = dataclasses.replace(arm, params={**arm.params, "fork_every": 4})
        results.write_json(out / "arms" / name / "manifest.json",
                           tipping.study_manifest(old, tipping.plan_from(old)))
    before = snapshot(out)
    status = main(["verdict", str(S / "essay_claim.toml"), "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert status == 2
    first = out / "arms" / plan.arms[0][0]
    assert err == (f"error: {first}: manifest.json: holds results of this scenario with other "
                   "parameter values (fork_every; did the model's defaults change?); choose "
                   f"another --out or remove it (as do 1 more arm folder in {out / 'arms'})")
    assert snapshot(out) == before
