"""Every package the project imports is declared in pyproject.toml, every declared package
is imported (or run as a tool), and every package that can change a result is recorded in a
result's manifest."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from sim.experiments.provenance import PACKAGES

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
FOLDERS = ("sim", "tests", "benchmarks", "scripts", "run.py")
# Declared but never imported: run as programs, or pulled in for another package's sake.
TOOLS = {"ruff", "import-linter", "mkdocs", "mkdocs-material", "mkdocstrings",
         "solara-assets", "ipyvue", "ipyvuetify"}
# Packages whose versions can change a number in a result (the model and the studies).
RESULT_PACKAGES = {"mesa", "numpy", "numba", "llvmlite", "scipy", "networkx", "pandas",
                   "pyarrow", "SALib", "ewstools", "ema-workbench"}


def _name(requirement: str) -> str:
    return _normal(re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0])


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> set[str]:
    groups = [PROJECT["dependencies"], *PROJECT["optional-dependencies"].values()]
    return {_name(r) for group in groups for r in group}


def imported() -> dict[str, set[str]]:
    """Each third-party module imported anywhere in the project's code, with the
    distributions that provide it."""
    modules = set()
    for folder in FOLDERS:
        path = ROOT / folder
        for file in [path] if path.is_file() else path.rglob("*.py"):
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules.add(node.module.split(".")[0])
    local = {p.stem for p in (ROOT / "benchmarks").glob("*.py")} | {"sim", "conftest"}
    owners = metadata.packages_distributions()
    return {m: {_normal(d) for d in owners.get(m, [m])}
            for m in modules - set(sys.stdlib_module_names) - local}


def test_every_imported_package_is_declared():
    missing = {m: d for m, d in imported().items() if not d & declared()}
    assert missing == {}


def test_every_declared_package_is_imported_or_a_tool():
    used = set().union(*imported().values())
    assert declared() - used - {_normal(t) for t in TOOLS} == set()


def test_every_package_that_can_change_a_result_is_in_the_manifest():
    assert RESULT_PACKAGES <= set(PACKAGES)
    assert "numba" in PACKAGES
