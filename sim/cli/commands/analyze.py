"""``run.py analyze SCENARIO``: free runs (no committed share) of a scenario's sweep, their
point of no return and early-warning signals, and a hysteresis ramp at its parameters
(:mod:`sim.studies.analysis_study`; the options override the scenario's ``[analysis]``).

Results go to DIR/{manifest.json,runs/,series/,analysis.json,ews.parquet,hysteresis.parquet,
report.md}; the runs are stored like a sweep's (``run.py sweep`` on the same scenario and
folder shares them), so running it again reuses them.
"""

from __future__ import annotations

import argparse

from sim.cli.study_command import add_study_parser, run_study_command

# the [analysis] keys the options override; the defaults are the study's
OPTIONS = ("control", "top", "levels", "hold", "burn_in")


def add_parser(subparsers) -> None:
    p = add_study_parser(subparsers, "analyze", "point of no return, early warnings and "
                         "hysteresis from a scenario's free runs",
                         "scenario TOML file (its [sweep], replicates and [analysis])")
    p.add_argument("--control", help="what the hysteresis ramp moves: committed_share "
                   "(default) or platform_fee")
    p.add_argument("--top", type=float, help="highest level of the ramp (default 0.3)")
    p.add_argument("--levels", type=int, help="levels from 0 to --top on the way up "
                   "(default 16)")
    p.add_argument("--hold", type=int, help="weeks at each level (default 26)")
    p.add_argument("--burn-in", type=int, metavar="WEEKS",
                   help="weeks left out at the start of the early-warning series (default 26)")
    p.set_defaults(func=run)


def headline(scenario, plan) -> str:
    runs = scenario.n_points * scenario.replicates
    return (f"Analysis {scenario.name}: {runs} free runs of {scenario.steps} weeks, then "
            f"{plan.control} 0 -> {plan.top:g} -> 0 in {plan.levels} levels of {plan.hold} "
            "weeks")


def run(args: argparse.Namespace) -> int:
    from sim.outputs import report

    given = {key: getattr(args, key) for key in OPTIONS if getattr(args, key) is not None}
    done = run_study_command(args, "analyze", headline, (given, "run.py analyze"))
    print(report.analysis_verdict(done.result))
    print(f"Results in {done.out}/ (analysis.json, ews.parquet, hysteresis.parquet, runs/, "
          f"series/); report: {done.report}")
    return 0
