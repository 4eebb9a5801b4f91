"""``run.py forks SCENARIO``: the fork experiment alone, on any scenario whose model can be
forked and that has a ``[forks]`` table.

Writes DIR/{manifest.json,forks.json,report.md,runs/INTERVENTION/}: the tipping share (estimate and
interval) in the model's declared share, for each intervention named (``release`` first).
Running the same command again reuses the stored runs.
"""

from __future__ import annotations

import argparse

from sim.cli.study_command import add_study_parser, run_study_command


def add_parser(subparsers) -> None:
    add_study_parser(subparsers, "forks", "the fork experiment alone: a scenario's tipping "
                     "share by release (and hold, stall, none)",
                     "scenario TOML file with a [forks] table, of a model that can be forked"
                     ).set_defaults(func=run)


def headline(scenario, plan) -> str:
    return (f"Fork experiment {scenario.name}: {plan.runs} runs, checkpoints every "
            f"{plan.every} steps, up to {plan.copies} copies each, "
            f"{', '.join(plan.interventions)}")


def run(args: argparse.Namespace) -> int:
    from sim.outputs.verdict_report import span

    done = run_study_command(args, "forks", headline)
    result = done.result
    print()
    for name, found in result["interventions"].items():
        tip = found["tipping_share"]
        value = "not reached" if tip["estimate"] is None else f"{100 * tip['estimate']:.1f}%"
        print(f"Tipping share by {name} ({result['share']}): {value} "
              f"(95% interval {span(tip)})")
    print(f"\n{result['seconds']:.0f} s. Results in {done.out}/ (forks.json, runs/); "
          f"report: {done.report}")
    return 0
