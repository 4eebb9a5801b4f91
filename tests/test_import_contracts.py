"""The import contracts in pyproject.toml ([tool.importlinter]) hold, and they can fail.

Each check runs ``lint-imports`` on a copy of ``sim/`` and ``pyproject.toml`` in a temporary
folder, so that a deliberately wrong import can be planted without touching the tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _copy_tree(dest: Path) -> Path:
    shutil.copytree(ROOT / "sim", dest / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


def _lint_imports(where: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(where)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=where, env=env,
                          capture_output=True, text=True, timeout=120)


def _plant(path: Path, line: str) -> None:
    text = path.read_text()
    path.write_text(f"{line}\n{text}")


def test_contracts_hold_on_the_unmodified_tree(tmp_path: Path) -> None:
    done = _lint_imports(_copy_tree(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 5 kept, 0 broken." in done.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("sim/model/rules/trust.py", "import mesa  # noqa", "The model's rules import no Mesa"),
    ("sim/model/rules/economics.py", "import sim.model.market  # noqa",
     "The model's rules import no Mesa"),
    ("sim/model/market.py", "import sim.experiments.batch  # noqa", "The model imports no runner"),
    ("sim/outputs/report.py", "import sim.model.market  # noqa",
     "Outputs import no model and no runner"),
    ("sim/experiments/storage.py", "import sim.studies.sensitivity  # noqa",
     "Layers: cli > app > outputs > studies > experiments > model"),
    ("sim/cli/commands/sweep.py", "import sim.cli.main  # noqa",
     "The CLI commands import no sim.cli.main, which imports them"),
])
def test_a_wrong_import_breaks_its_contract(tmp_path: Path, module: str, line: str,
                                            contract: str) -> None:
    where = _copy_tree(tmp_path)
    _plant(where / module, line)
    done = _lint_imports(where)
    assert done.returncode != 0
    assert f"{contract} BROKEN" in done.stdout, done.stdout
