"""``run.py tipping SCENARIO``: the critical share s* of a scenario's ``[tipping]`` table.

Results go to DIR/{manifest.json,runs/,series/,tipping.json,report.md}. Running the same
command again reuses the stored runs (the design is deterministic, so nothing reruns).
"""

from __future__ import annotations

import argparse
import signal
from pathlib import Path

from sim.cli import COMMANDS, ROOT, UsageError


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("tipping", help="estimate the critical share s* of a scenario")
    p.add_argument("scenario", help="scenario TOML file with a [tipping] table")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, metavar="N",
                       help="local worker processes (default: one per core)")
    where.add_argument("--dask", metavar="ADDRESS",
                       help="run on a Dask cluster instead, e.g. tcp://HOST:8786")
    p.add_argument("--out", type=Path, help="results folder (default: results/<scenario name>)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.set_defaults(func=run)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    from sim import report, scenarios, tipping

    scenario = scenarios.load(args.scenario)
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers {args.workers}: must be at least 1")
    spec = tipping.spec_from(scenario)
    out = args.out or ROOT / "results" / scenario.name
    n_points = len(scenario.points())
    print(f"Tipping study {scenario.name}: {spec.variable} from {spec.low:g} to {spec.high:g}, "
          f"P({spec.outcome}) within {scenario.steps} weeks, {spec.budget} runs"
          + (f" at each of {n_points} points" if n_points > 1 else "") + f" -> {out}/",
          flush=True)
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        result = tipping.run_study(scenario, out, workers=args.workers, dask=args.dask,
                                   progress=not args.no_progress,
                                   say=lambda text: print(text, flush=True))
    except ConnectionError as error:
        raise UsageError(f"--dask {args.dask}: {error}") from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    if scenario.snapshots is not None:  # one small run's network for the network figure
        from sim.snapshots import record_for

        record_for(scenario, out, say=lambda text: print(text, flush=True))
    path = report.write_report(out, report.tipping_report(result, scenario.description))
    print()
    if result["varied"]:
        print("\n".join(report.phase_answer(result)))
    else:
        print(report.verdict(result, scenario.steps))
    print(f"\n{result['n_runs']} runs in {result['seconds']:.0f} s. Results in {out}/ "
          f"(tipping.json, report.md, runs/, series/); report: {path}")
    if "sim.commands.figures" in COMMANDS:
        print(f"Figures: {out}/figures/ (python run.py figures {out})")
    return 0
