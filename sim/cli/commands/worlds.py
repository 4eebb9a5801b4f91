"""``run.py worlds SCENARIO``: the verdict on the claim across plausible worlds, and where it
holds. Results go to DIR/{regime/,forks/,worlds.parquet,worlds.json,report.md,figures/};
running it again reuses the stored runs."""

from __future__ import annotations

import argparse

from sim.cli.study_command import add_study_parser, run_study_command


def add_parser(subparsers) -> None:
    add_study_parser(subparsers, "worlds", "the verdict across plausible worlds and the "
                     "conditions under which the claim holds",
                     "scenario TOML file with a [worlds] table").set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.outputs import worlds as report

    done = run_study_command(args, "worlds",
                             lambda scenario, plan: f"Worlds study {scenario.name}")
    result = done.result
    print()
    print(report.paragraph(result))
    print(f"\n{result['n_runs']} runs in {result['seconds']:.0f} s (stored runs are reused). "
          f"Results in {done.out}/ "
          f"(worlds.json, {result['table']}, report.md, figures/); report: {done.report}")
    return 0
