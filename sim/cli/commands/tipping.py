"""``run.py tipping SCENARIO``: the critical share s* of a scenario's ``[tipping]`` table.

Results go to DIR/{manifest.json,runs/,series/,tipping.json,report.md}. Running the same
command again reuses the stored runs (the design is deterministic, so nothing reruns).
"""

from __future__ import annotations

import argparse

from sim.cli.study_command import add_study_parser, run_study_command


def add_parser(subparsers) -> None:
    add_study_parser(subparsers, "tipping", "estimate the critical share s* of a scenario",
                     "scenario TOML file with a [tipping] table").set_defaults(func=run)


def headline(scenario, plan) -> str:
    n_points = len(scenario.points())
    return (f"Tipping study {scenario.name}: {plan.variable} from {plan.low:g} to "
            f"{plan.high:g}, P({plan.outcome}) within {scenario.steps} weeks, {plan.budget} "
            "runs" + (f" at each of {n_points} points" if n_points > 1 else ""))


def run(args: argparse.Namespace) -> int:
    from sim.outputs import report

    done = run_study_command(args, "tipping", headline)
    result, out = done.result, done.out
    print()
    if result["varied"]:
        print("\n".join(report.phase_answer(result)))
    else:
        print(report.verdict(result, done.scenario.steps))
    print(f"\n{result['n_runs']} runs in {result['seconds']:.0f} s. Results in {out}/ "
          f"(tipping.json, report.md, runs/, series/); report: {done.report}")
    print(f"Figures: {out}/figures/ (python run.py figures {out})")
    return 0
