"""Do stored fork runs get the same answer from this code? A check for changes to the fork
experiment's machinery that must not change what it finds.

    python benchmarks/check_stored_forks.py DIR [DIR ...] [--runs N] [--workers 2]

``DIR`` is a fork runs folder of the batch runner (``results/essay_claim/forks/full``,
``results/worlds/forks``, ...). Up to ``--runs`` of its stored runs (the first by point and
replicate, or all) are run again with this code, from their stored parameters and seed, and
every fork outcome (the point of no return's week and shares, the copies made and fallen
there, the checkpoints tried with their counts, the state at the point) is compared with
the stored one, exactly. It prints one line per folder and exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import math
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]


def _rerun(model: str, params: dict[str, Any], steps: int, seed: int) -> dict[str, Any]:
    import sim.experiments  # noqa: F401  (registers the fork models)
    from sim.model.registry import MODELS

    return MODELS[model](params, steps, seed)[1]


def _same(a: Any, b: Any) -> bool:
    """Equal, missing counting as equal to missing (None or NaN)."""
    return a == _value(b)


def check(folder: Path, runs: int | None, workers: int) -> tuple[int, list[str]]:
    """Re-run up to ``runs`` stored runs of ``folder``: (runs checked, differences)."""
    import json

    from sim.experiments import forks, storage

    manifest = json.loads((folder / "manifest.json").read_text())
    model, steps = manifest["model"], manifest["steps"]
    stored = storage.load_runs(folder).sort_values(["point_id", "replicate"])
    stored = stored[stored["status"] == "ok"] if "status" in stored else stored
    if runs:
        stored = stored.head(runs)
    names = list(manifest["params"])
    jobs = [(model, {k: _value(row[k]) for k in names if k in row}, steps, int(row["seed"]))
            for _, row in stored.iterrows()]
    with ProcessPoolExecutor(workers) as pool:
        fresh = list(pool.map(_rerun, *zip(*jobs, strict=True)))
    differences = []
    for (_, row), outcomes in zip(stored.iterrows(), fresh, strict=True):
        for key in forks.OUTCOME_TYPES:
            if not _same(_value(row[key]), outcomes.get(key)):
                differences.append(f"{row['run_id']} {key}: stored {row[key]!r}, "
                                   f"now {outcomes.get(key)!r}")
    return len(jobs), differences


def _value(x: Any) -> Any:
    """A stored cell as the model gives it (numpy scalars to Python, missing to None)."""
    import pandas as pd

    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return None
    return x.item() if hasattr(x, "item") else x


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=None, help="at most this many per folder")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    failed = False
    for folder in args.dirs:
        n, differences = check(folder, args.runs, args.workers)
        print(f"{folder}: {n} stored runs re-run, "
              + ("every fork outcome identical" if not differences
                 else f"{len(differences)} differences"))
        for line in differences[:20]:
            print("  " + line)
        failed |= bool(differences)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
