"""``run.py forks``: the fork experiment alone, from a scenario file."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *args], capture_output=True,
                          text=True, cwd=cwd, timeout=600)


def test_forks_writes_the_tipping_share_of_every_intervention(tmp_path):
    scenario = tmp_path / "rev.toml"
    scenario.write_text("\n".join([
        'name = "rev"', 'model = "granovetter_reversible"', "steps = 300", "seed = 3",
        "[params]", "n_agents = 3000", "[forks]", "every = 4", "copies = 2", "runs = 6",
        "ramp = 0.006", 'interventions = ["release", "hold"]']))
    done = _run("forks", str(scenario), "--out", str(tmp_path / "out"), "--workers", "2",
                "--no-progress")
    assert done.returncode == 0, done.stderr
    result = json.loads((tmp_path / "out" / "forks.json").read_text())
    assert set(result["interventions"]) == {"release", "hold"}
    tip = result["tipping_share"]
    assert set(tip) == {"estimate", "ci_low", "ci_high"}
    assert 0.30 < tip["ci_low"] <= tip["estimate"] <= tip["ci_high"] < 0.43  # boundary 0.366
    held = result["interventions"]["hold"]["tipping_share"]
    assert held["estimate"] < tip["estimate"]  # a push kept on tips from lower shares
    assert "Tipping share by release (the share taking part): " in done.stdout
    again = _run("forks", str(scenario), "--out", str(tmp_path / "out"), "--workers", "1",
                 "--no-progress")
    assert again.returncode == 0 and json.loads(
        (tmp_path / "out" / "forks.json").read_text())["tipping_share"] == tip


def test_forks_refuses_a_scenario_without_forks_or_of_a_model_that_cannot_be_forked(tmp_path):
    done = _run("forks", str(ROOT / "scenarios" / "baseline.toml"), "--out",
                str(tmp_path / "a"))
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "baseline.toml: forks: missing; the fork experiment needs a [forks] table" in done.stderr
    done = _run("forks", str(ROOT / "scenarios" / "validation" / "bass1969.toml"), "--out",
                str(tmp_path / "b"))
    assert done.returncode == 2 and 'model: "bass" cannot be forked' in done.stderr
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
