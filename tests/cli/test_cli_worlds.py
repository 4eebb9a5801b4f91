"""``run.py worlds``: bad tables exit 2 with one line and write nothing; ``run.py`` with no
command ends with the worlds paragraph only when a stored result exists."""

import subprocess
import sys
from pathlib import Path

from sim.cli import main as cli_main
from sim.experiments.results import json_ready, write_json
from sim.model.parameters import PARAMETERS

ROOT = Path(__file__).resolve().parents[2]


def test_a_bad_worlds_table_exits_2_naming_file_and_key(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[worlds]\nn = 16\nvary = ['habbit']\n")
    done = subprocess.run([sys.executable, str(ROOT / "run.py"), "worlds", str(bad), "--out",
                           str(tmp_path / "o")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"error: {bad}: worlds.vary: 'habbit' has no plausible range (did you mean 'habit'?)"
        "; allowed: " + ", ".join(n for n, p in PARAMETERS.items() if p.plausible)]
    assert not (tmp_path / "o").exists()


def test_the_main_study_ends_with_the_worlds_paragraph_only_when_stored(tmp_path, capsys):
    from sim.studies.worlds import study
    from tests.studies.test_worlds import _synthetic

    path = tmp_path / "worlds.json"
    cli_main.worlds_paragraph(path)
    assert capsys.readouterr().out == ""
    table, plan = _synthetic()
    result = {"scenario": "synthetic", "table": "worlds.parquet", "worlds": len(table),
              "plan": study.plan_json(plan), **study.answer(table, plan, seed=0)}
    write_json(path, json_ready(result))
    cli_main.worlds_paragraph(path)
    out = capsys.readouterr().out
    supported = result["verdicts"]["supported"]
    assert f"Across plausible worlds ({path}):" in out
    dominant = result["regimes"]["platform-dominant"]
    assert f"\nAcross {len(table)} worlds drawn over the plausible ranges of 4 parameters, the " \
           "incumbent falls on the natural course, with no push (platform-dominant) in " \
           f"{dominant['share']:.0%} ({dominant['worlds']} worlds" in out
    assert f"is supported in {supported['share']:.0%} ({supported['worlds']} worlds" in out
    assert result["boxes"]["supported"]["boxes"][0]["sentence"] in out
