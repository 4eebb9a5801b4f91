"""``run.py run``: one run's files, and one clear line with exit status 2 for bad input."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.model.market import MODEL_REPORTERS, OUTCOMES
from sim.model.parameters import PARAMETERS

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_run_writes_manifest_series_and_summary(tmp_path):
    out = tmp_path / "one"
    done = cli("run", "scenarios/baseline.toml", "--set", "n_consumers=200",
               "--set", "committed_share=0.1", "--steps", "30", "--seed", "5", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "The incumbent" in done.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["scenario"]["name"] == "baseline"
    assert manifest["seeds"] == {"seed": 5}
    assert manifest["params"]["n_consumers"] == 200
    assert set(manifest["params"]) == set(PARAMETERS)
    assert manifest["packages"]["mesa"].startswith("3.5")
    assert set(manifest["packages"]) >= {"python", "numpy", "scipy", "pyarrow", "SALib", "ewstools"}
    assert manifest["code_version"]
    series = pd.read_parquet(out / "series.parquet")
    assert list(series.columns) == ["step", *MODEL_REPORTERS]
    assert series["step"].tolist() == list(range(1, 31))
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary) == set(OUTCOMES)


def test_same_command_twice_gives_identical_series(tmp_path):
    args = ["run", "scenarios/baseline.toml", "--set", "n_consumers=150", "--steps", "20"]
    assert cli(*args, "--out", str(tmp_path / "a")).returncode == 0
    assert cli(*args, "--out", str(tmp_path / "b")).returncode == 0
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "a" / "series.parquet"),
                                  pd.read_parquet(tmp_path / "b" / "series.parquet"))


@pytest.mark.parametrize("args, message", [
    (["--set", "comitted_share=0.1"], "did you mean 'committed_share'?"),
    (["--set", "platform_fee=0.9"], "allowed: a number in [0, 0.5]"),
    (["--set", "factory_pricing=cost_plus"], 'allowed: one of "fixed", "full_cost"'),
    (["--set", "committed_share"], "expected NAME=VALUE"),
])
def test_bad_parameters_exit_2_with_one_line_and_write_nothing(tmp_path, args, message):
    out = tmp_path / "never"
    done = cli("run", "scenarios/baseline.toml", *args, "--out", str(out))
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_bad_scenario_files_exit_2_naming_file_and_key(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nstepz = 10\n')
    done = cli("run", str(bad), "--out", str(tmp_path / "o"))
    assert done.returncode == 2
    assert f"{bad}: stepz: unknown key (did you mean 'steps'?)" in done.stderr
    missing = cli("run", str(tmp_path / "nope.toml"))
    assert missing.returncode == 2 and "nope.toml: file: no such file" in missing.stderr
    bad.write_text('name = "x"\n[params]\nstrong_ties = "many"\n')
    done = cli("run", str(bad))
    assert done.returncode == 2 and "params: parameter 'strong_ties'" in done.stderr


@pytest.mark.parametrize("command, option", [
    ("sweep", ["--workers", "0"]), ("tipping", ["--workers", "two"]),
    ("analyze", ["--workers", "-1"]), ("sweep", ["--part-size", "0"]),
])
def test_batch_options_below_one_exit_2_naming_the_option(tmp_path, command, option):
    done = cli(command, "scenarios/essay_claim.toml", *option, "--out", str(tmp_path / "o"))
    assert done.returncode == 2
    assert f"argument {option[0]}: '{option[1]}': must be a whole number, at least 1" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_command_line_starts_without_importing_the_heavy_libraries():
    """``run.py --help`` and bad-input errors come back in a fraction of a second."""
    heavy = ("mesa", "matplotlib", "ewstools", "SALib", "pandas", "dask", "solara")
    code = ("import sys; from sim.cli.main import build_parser; build_parser(); "
            f"print(','.join(m for m in {heavy!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == ""
