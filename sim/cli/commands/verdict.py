"""``run.py verdict SCENARIO``: the essay's claim answered in its own terms.

Runs every arm's dose study and fork experiment (``sim.studies.verdict``) and writes
DIR/{tipping.json,report.md,arms/,forks/}. Running the same command again reuses the
stored runs.
"""

from __future__ import annotations

import argparse

from sim.cli.study_command import add_study_parser, run_study_command


def add_parser(subparsers) -> None:
    add_study_parser(subparsers, "verdict", "the verdict on the claim: tipping share of the "
                     "gross, arms, horizons",
                     "scenario TOML file with [tipping], [arms] and [forks]"
                     ).set_defaults(func=run)


def headline(scenario, found) -> str:
    plan, _ = found
    return (f"Verdict study {scenario.name}: {len(plan.arms)} arms "
            f"({', '.join(name for name, _ in plan.arms)}), {scenario.steps} weeks, "
            f"{plan.runs} fork runs per arm")


def run(args: argparse.Namespace) -> int:
    from sim.outputs.verdict_report import verdict_lines

    done = run_study_command(args, "verdict", headline)
    result, out = done.result, done.out
    print()
    print("\n".join(verdict_lines(result)))
    print(f"\n{result['n_runs']} runs in {result['seconds']:.0f} s. Results in {out}/ "
          f"(tipping.json, report.md, arms/, forks/); report: {done.report}")
    print(f"Figures: {out}/figures/ (python run.py figures {out})")
    return 0
