"""The wall time a user waits for the two studies of the Makefile, against their targets.

    python benchmarks/bench_wall.py [--skip-worlds] [--warm] [--keep DIR] [--json]

``make run`` (the verdict study of ``scenarios/essay_claim.toml`` and its figures: target at
most 3 minutes on 2 cores) and ``make worlds`` (the worlds study of
``scenarios/worlds.toml``: at most 20 minutes) are run as the Makefile runs them, each into
a new temporary results folder, so no stored run is reused.

By default they run in a fresh ``git clone`` of this tree's last commit, as a new user's
first ``make run`` does: numba's compiled kernels are not cached there yet, so their
compilation is counted. ``--warm`` runs them in this tree instead (the kernels cached).
Uncommitted changes are not in the clone; the benchmark says so. The wall time is the
machine's: the load average before and after is printed beside it. ``--keep DIR`` copies the
results (``DIR/essay_claim``, ``DIR/worlds``) out of the temporary folder before it goes;
``DIR`` must not exist yet.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "benchmarks")]
from record import record, verdict  # noqa: E402

RUN_S = 180.0  # make run, at most 3 minutes on 2 cores
WORLDS_S = 1200.0  # make worlds, at most 20 minutes


def timed(command: list[str], cwd: Path) -> float:
    """Wall seconds of ``command`` run in ``cwd``; its output is discarded, a failure stops
    the benchmark with the command's last lines."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-5:])
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{tail}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-worlds", action="store_true", help="time make run only")
    parser.add_argument("--warm", action="store_true",
                        help="run in this tree (kernels cached), not in a fresh clone")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="copy the results to DIR (a folder that does not exist yet)")
    parser.add_argument("--json", action="store_true", help="write benchmarks/results.json")
    args = parser.parse_args()
    if args.keep is not None and args.keep.exists():
        parser.error(f"--keep {args.keep}: exists already; choose a folder that does not")
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        tree = ROOT
        if not args.warm:
            tree = Path(tmp) / "clone"
            subprocess.run(["git", "clone", "--quiet", str(ROOT), str(tree)], check=True)
            commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=tree,
                                    capture_output=True, text=True).stdout.strip()
            dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                                   cwd=ROOT, capture_output=True, text=True).stdout.strip()
            print(f"in a fresh clone of {commit} (kernels compiled on first use)"
                  + ("; this tree's uncommitted changes are not in it" if dirty else ""))
        else:
            print("in this tree (kernels cached)")
        load = os.getloadavg()[0]
        out = Path(tmp) / "results"
        figures: dict[str, float] = {}
        study = out / "essay_claim"
        figures["make_run_s"] = (
            timed([python, "run.py", "verdict", "scenarios/essay_claim.toml", "--out",
                   str(study), "--no-progress"], tree)
            + timed([python, "run.py", "figures", str(study)], tree))
        print(f"make run (verdict study and figures, {os.cpu_count()} cores): "
              f"{figures['make_run_s'] / 60:.1f} min, target at most {RUN_S / 60:.0f}: "
              f"{verdict(figures['make_run_s'], RUN_S)}", flush=True)
        if not args.skip_worlds:
            figures["make_worlds_s"] = timed(
                [python, "run.py", "worlds", "scenarios/worlds.toml", "--out",
                 str(out / "worlds"), "--no-progress"], tree)
            print(f"make worlds (128 worlds): {figures['make_worlds_s'] / 60:.1f} min, "
                  f"target at most {WORLDS_S / 60:.0f}: "
                  f"{verdict(figures['make_worlds_s'], WORLDS_S)}")
        if args.keep is not None:
            shutil.copytree(out, args.keep)
            print(f"results copied to {args.keep}")
    print(f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after")
    if args.json:
        record("wall", {"fresh_clone": not args.warm, "load_before": load,
                        "targets_s": {"make_run_s": RUN_S, "make_worlds_s": WORLDS_S},
                        **figures})


if __name__ == "__main__":
    main()
