"""``run.py analyze SCENARIO``: free runs (no committed share) of a scenario's sweep, their
point of no return and early-warning signals, and a hysteresis ramp at its parameters
(:mod:`sim.studies.analysis_study`; the options override the scenario's ``[analysis]``).

Results go to DIR/{manifest.json,runs/,series/,analysis.json,ews.parquet,hysteresis.parquet,
report.md}; the runs are stored like a sweep's (``run.py sweep`` on the same scenario and
folder shares them), so running it again reuses them.
"""

from __future__ import annotations

import argparse

from sim.cli.options import ROOT, add_batch_options, batch_guard, out_folder

# the options and the [analysis] keys they override; the defaults are the study's
OPTIONS = {"control": "--control", "top": "--top", "levels": "--levels", "hold": "--hold",
           "burn_in": "--burn-in"}


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("analyze", help="point of no return, early warnings and "
                              "hysteresis from a scenario's free runs")
    p.add_argument("scenario", help="scenario TOML file (its [sweep], replicates and "
                   "[analysis])")
    add_batch_options(p)
    p.add_argument("--control", help="what the hysteresis ramp moves: committed_share "
                   "(default) or platform_fee")
    p.add_argument("--top", type=float, help="highest level of the ramp (default 0.3)")
    p.add_argument("--levels", type=int, help="levels from 0 to --top on the way up "
                   "(default 16)")
    p.add_argument("--hold", type=int, help="weeks at each level (default 26)")
    p.add_argument("--burn-in", type=int, metavar="WEEKS",
                   help="weeks left out at the start of the early-warning series (default 26)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.cli.catalogue import STUDIES
    from sim.experiments import batch, scenarios
    from sim.experiments.snapshots import record_for
    from sim.outputs import report

    study = STUDIES["analyze"]
    scenario = scenarios.load(args.scenario)
    given = {key: getattr(args, key) for key in OPTIONS if getattr(args, key) is not None}
    plan = study.plan(scenario, given, "run.py analyze")
    out = out_folder(args, ROOT / "results" / scenario.name, "analysis")
    print(f"Analysis {scenario.name}: {len(batch.specs_for(scenario))} free runs of "
          f"{scenario.steps} weeks, then {plan.control} 0 -> {plan.top:g} -> 0 in "
          f"{plan.levels} levels of {plan.hold} weeks -> {out}/", flush=True)
    with batch_guard(args):
        result = study.run(scenario, out, workers=args.workers, dask=args.dask,
                           progress=not args.no_progress, plan=plan)
    record_for(scenario, out)  # [snapshots]
    path = study.write_report(out, result, scenario.description)
    print(report.analysis_verdict(result))
    print(f"Results in {out}/ (analysis.json, ews.parquet, hysteresis.parquet, runs/, "
          f"series/); report: {path}")
    return 0
