"""``run.py cascade SCENARIO``: does one incumbent's fall lower the next one's tipping share,
with time held fixed (sim.studies.cascade)?

Results go to DIR/{forks/standing/,forks/fallen/,cascade.json,report.md,figures/}; running
it again reuses every stored run.
"""

from __future__ import annotations

import argparse

from sim.cli.study_command import add_study_parser, run_study_command


def add_parser(subparsers) -> None:
    add_study_parser(subparsers, "cascade", "the cascade study of a several-sector scenario",
                     "scenario TOML file (model sector_market, [cascade], [forks] and [sweep] "
                     "spillover)").set_defaults(func=run)


def headline(scenario, plan) -> str:
    return (f"Cascade study {scenario.name}: {plan.fork_sector} forked with {plan.other}'s "
            f"incumbent standing and fallen, at spillover "
            f"{', '.join(f'{s:g}' for s in plan.spillovers)}")


def run(args: argparse.Namespace) -> int:
    from sim.outputs import cascade as output

    done = run_study_command(args, "cascade", headline)
    result, plan = done.result, done.plan
    caption = (f"{plan.fork_sector}'s tipping share of its gross (release) with "
               f"{plan.other}'s incumbent standing and fallen, and the paired difference, "
               f"against spillover; {result['n_runs']} fork runs, {result['n_consumers']} "
               "consumers.")
    paths = output.save_figure(output.figure(result), done.out / "figures", caption)
    print("\n".join(output.answer(result)))
    print(f"\n{result['n_runs']} fork runs in {result['seconds']:.0f} s (stored runs are "
          f"reused). Report: {done.report}; figure: {paths[-1]}")
    return 0
