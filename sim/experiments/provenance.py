"""What a result needs to be reproduced: code version and package versions."""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata
from pathlib import Path

# Every package whose version can change a number in a result: numba and llvmlite compile
# the model's weekly rules, so results depend on them to the last bit.
PACKAGES = ("trust-tipping", "mesa", "numpy", "numba", "llvmlite", "scipy", "networkx",
            "pandas", "pyarrow", "matplotlib", "SALib", "ewstools", "dask", "distributed",
            "ema-workbench")
ROOT = Path(__file__).resolve().parents[2]


def code_version() -> str:
    """``git describe`` of the project (with ``-dirty`` for uncommitted changes), or the
    installed version when not in a git checkout."""
    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty", "--tags"], cwd=ROOT,
                             capture_output=True, text=True, timeout=10, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return metadata.version("trust-tipping")


def package_versions() -> dict[str, str]:
    """Versions of Python and the packages results depend on."""
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions
