"""``run.py validate [--quick]``: the tipping estimator checked against published tipping
points, through the same scenario files, batch runner, storage and estimator.

Prints the table (check, source, expected, measured with interval, result), writes it to
OUT/validation.{json,md} with one figure per check in OUT/figures/, and exits 1 if any
check fails. Scenarios: ``scenarios/validation/*.toml``; see ``docs/validation.md``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.cli.options import ROOT, UsageError, batch_guard, out_folder, worker_count


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("validate", help="reproduce published tipping points "
                              "(Centola, Xie, Watts, Bass, Granovetter, the accounting limit)")
    p.add_argument("--quick", action="store_true",
                   help="small populations and budgets (seconds, for the test suite)")
    p.add_argument("--check", action="append", metavar="NAME",
                   help="run only this check (repeatable)")
    p.add_argument("--workers", type=worker_count, metavar="N",
                   help="local worker processes (default: one per core)")
    p.add_argument("--out", type=Path,
                   help="results folder (default: results/validation)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run, dask=None)


def run(args: argparse.Namespace) -> int:
    from sim.outputs.figures.validation import save_figures
    from sim.studies.validation.checks import CHECKS
    from sim.studies.validation.runner import text_table, validate

    known = [c.name for c in CHECKS]
    for name in args.check or []:
        if name not in known:
            raise UsageError(f"--check {name}: unknown check; allowed: {', '.join(known)}")
    out = out_folder(args, ROOT / "results" / "validation", "validation")
    print(f"Validation{' (quick)' if args.quick else ''} -> {out}/", flush=True)
    with batch_guard(args):
        table = validate(out, quick=args.quick, workers=args.workers,
                         progress=not args.no_progress, only=args.check)
    save_figures(out)
    print()
    print(text_table(table["rows"]))
    failed = [r["check"] for r in table["rows"] if r["passed"] is False]
    print(f"\n{len(table['rows']) - len(failed)} of {len(table['rows'])} rows pass or inform"
          f"; {len(failed)} failed. {table['seconds']:.0f} s. Table: {out}/validation.md")
    return 1 if failed else 0
