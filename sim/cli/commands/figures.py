"""``run.py figures DIR``: every figure that applies to the stored results in DIR, drawn
from them only (nothing re-runs), into DIR/figures/NAME.{pdf,svg,png,txt}."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.cli.options import UsageError
from sim.errors import UserError
from sim.experiments.provenance import code_version

# ``sim.outputs.figures.FIGURES`` in order, named here so that ``--help`` need not import matplotlib
# (a test keeps the two equal).
NAMES = ["share_over_time", "fall_probability", "phase_map", "death_spiral", "network",
         "early_warning", "sensitivity", "fork_fall", "arms", "survival", "predictive",
         "worlds_regimes", "worlds_tipping", "worlds_verdicts", "worlds_sensitivity",
         "worlds_boxes"]


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("figures", help="draw the figures of a stored result")
    p.add_argument("dir", type=Path,
                   help="results folder (of run.py sweep, tipping, analyze, sensitivity or "
                   "worlds)")
    p.add_argument("--only", action="append", metavar="NAME", choices=NAMES,
                   help="draw only this figure (repeatable): " + ", ".join(NAMES))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.experiments.destination import check_readable
    from sim.outputs import figures

    if not args.dir.is_dir():
        raise UsageError(f"{args.dir}: no such results folder")
    check_readable(args.dir)
    result, names = figures.Result(args.dir), args.only or NAMES
    if not any(figure.name in names for figure in figures.applicable(result)):
        wanted = f" for {', '.join(args.only)}" if args.only else ""
        raise UsageError(f"{args.dir}: no stored results to draw{wanted} (expected runs/ and "
                         "series/, tipping.json, ews.parquet, sensitivity.json or network/)")
    print(f"Figures of {args.dir} -> {args.dir / 'figures'}/", flush=True)
    try:
        figures.make_figures(result, names)
    except UserError:
        raise
    except (KeyError, IndexError, TypeError, ValueError) as error:
        made_by = result.manifest.get("code_version")
        if made_by in (None, code_version()):
            raise  # this version's own results: a bug to see whole
        raise UsageError(f"{args.dir}: cannot draw from these results, written by code "
                         f"version {made_by} ({type(error).__name__}: {error}); run the study "
                         "again with this version into a new folder") from None
    return 0
