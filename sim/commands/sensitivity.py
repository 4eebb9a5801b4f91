"""``run.py sensitivity SCENARIO``: Morris screening and Sobol indices of a scenario's
``[sensitivity]`` table. Results go to DIR/{manifest.json,runs/,series/,sensitivity.json,
report.md}; running it again reuses the stored runs."""

from __future__ import annotations

import argparse
import signal
from pathlib import Path

from sim.cli import ROOT, UsageError


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("sensitivity",
                              help="Morris and Sobol sensitivity of a scenario's outcome")
    p.add_argument("scenario", help="scenario TOML file with a [sensitivity] table")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, metavar="N",
                       help="local worker processes (default: one per core)")
    where.add_argument("--dask", metavar="ADDRESS",
                       help="run on a Dask cluster instead, e.g. tcp://HOST:8786")
    p.add_argument("--out", type=Path, help="results folder (default: results/<scenario name>)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    from sim import report, scenarios, sensitivity

    scenario = scenarios.load(args.scenario)
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers {args.workers}: must be at least 1")
    sensitivity.spec_from(scenario)
    out = args.out or ROOT / "results" / scenario.name
    print(f"Sensitivity study {scenario.name} -> {out}/", flush=True)
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        result = sensitivity.run_study(scenario, out, workers=args.workers, dask=args.dask,
                                       progress=not args.no_progress,
                                       say=lambda text: print(text, flush=True))
    except ConnectionError as error:
        raise UsageError(f"--dask {args.dask}: {error}") from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    path = report.write_report(out, report.sensitivity_report(result, scenario.description))
    print("\n".join(report.sensitivity_verdict(result)))
    print(f"{result['n_runs']} runs in {result['seconds']:.0f} s. Results in {out}/ "
          f"(sensitivity.json, report.md, runs/, series/); report: {path}")
    return 0
