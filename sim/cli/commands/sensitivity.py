"""``run.py sensitivity SCENARIO``: Morris screening and Sobol indices of a scenario's
``[sensitivity]`` table. Results go to DIR/{manifest.json,runs/,series/,sensitivity.json,
report.md}; running it again reuses the stored runs."""

from __future__ import annotations

import argparse

from sim.cli.study_command import add_study_parser, run_study_command


def add_parser(subparsers) -> None:
    add_study_parser(subparsers, "sensitivity",
                     "Morris and Sobol sensitivity of a scenario's outcome",
                     "scenario TOML file with a [sensitivity] table").set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.outputs import report

    done = run_study_command(args, "sensitivity",
                             lambda scenario, plan: f"Sensitivity study {scenario.name}")
    result = done.result
    print("\n".join(report.sensitivity_verdict(result)))
    print(f"{result['n_runs']} runs in {result['seconds']:.0f} s. Results in {done.out}/ "
          f"(sensitivity.json, report.md, runs/, series/); report: {done.report}")
    return 0
