"""``run.py sweep SCENARIO``: every point and replicate of a scenario, stored as it finishes.

Results go to DIR/{manifest.json,runs/,series/} (see ``sim.storage``). Running the same
command again runs only what is missing.
"""

from __future__ import annotations

import argparse
import signal
from pathlib import Path

from sim.cli import ROOT, UsageError


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("sweep", help="run a scenario's sweep or sample, resumably")
    p.add_argument("scenario", help="scenario TOML file with [sweep] and/or [sample]")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, metavar="N",
                       help="local worker processes (default: one per core)")
    where.add_argument("--dask", metavar="ADDRESS",
                       help="run on a Dask cluster instead, e.g. tcp://HOST:8786")
    p.add_argument("--out", type=Path,
                   help="results folder (default: results/<scenario name>-sweep)")
    p.add_argument("--part-size", type=int, default=200, metavar="N",
                   help="runs per stored part (default 200; a part is also written every "
                   "30 s)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    from sim import batch, results, scenarios

    scenario = scenarios.load(args.scenario)
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers {args.workers}: must be at least 1")
    if args.part_size < 1:
        raise UsageError(f"--part-size {args.part_size}: must be at least 1")
    specs = batch.specs_for(scenario)
    out = args.out or ROOT / "results" / f"{scenario.name}-sweep"
    manifest = results.manifest(
        scenario, scenario.resolved(), {"root_seed": scenario.seed, "rule": batch.SEED_RULE},
        kind="sweep", model=scenario.model, steps=scenario.steps,
        replicates=scenario.replicates, n_points=scenario.n_points, n_runs=len(specs),
        every=scenario.every, reporters=list(scenario.reporters or ()))
    print(f"Sweep {scenario.name}: {scenario.n_points} points x {scenario.replicates} "
          f"replicates = {len(specs)} runs of {scenario.steps} steps -> {out}/", flush=True)
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        report = batch.run_batch(specs, out, manifest, workers=args.workers, dask=args.dask,
                                 progress=not args.no_progress, reporters=scenario.reporters,
                                 part_size=args.part_size)
    except ConnectionError as error:
        raise UsageError(f"--dask {args.dask}: {error}") from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    if scenario.snapshots is not None:  # one small run's network for the network figure
        from sim.snapshots import record_for

        record_for(scenario, out, say=lambda text: print(text, flush=True))
    print(f"{report.n_ok} ok, {report.n_failed} failed, {report.n_skipped} already stored "
          f"(of {report.n_total} runs) in {report.seconds:.1f} s.")
    for error in report.errors:
        print(f"  a failed run: {error}")
    print(f"Results in {out}/ (manifest.json, runs/, series/); "
          f"load them with sim.storage.load_runs('{out}').")
    return 0
