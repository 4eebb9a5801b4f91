"""``run.py cascade SCENARIO``: does one incumbent's fall lower the next one's tipping share,
with time held fixed (sim.studies.cascade)?

Results go to DIR/{forks/standing/,forks/fallen/,cascade.json,report.md,figures/}; running
it again reuses every stored run.
"""

from __future__ import annotations

import argparse

from sim.cli.options import ROOT, add_batch_options, batch_guard, out_folder


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("cascade", help="the cascade study of a several-sector scenario")
    p.add_argument("scenario", help="scenario TOML file (model sector_market, [cascade], "
                   "[forks] and [sweep] spillover)")
    add_batch_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.cli.catalogue import STUDIES
    from sim.experiments import scenarios
    from sim.outputs import cascade as output

    study = STUDIES["cascade"]
    scenario = scenarios.load(args.scenario)
    plan = study.plan(scenario)
    out = out_folder(args, ROOT / "results" / scenario.name, "cascade")
    print(f"Cascade study {scenario.name}: {plan.fork_sector} forked with {plan.other}'s "
          f"incumbent standing and fallen, at spillover "
          f"{', '.join(f'{s:g}' for s in plan.spillovers)} -> {out}/", flush=True)
    with batch_guard(args):
        result = study.run(scenario, out, workers=args.workers, dask=args.dask,
                           progress=not args.no_progress)
    study.write_report(out, result, scenario.description)
    caption = (f"{plan.fork_sector}'s tipping share of its gross (release) with "
               f"{plan.other}'s incumbent standing and fallen, and the paired difference, "
               f"against spillover; {result['n_runs']} fork runs, {result['n_consumers']} "
               "consumers.")
    paths = output.save_figure(output.figure(result), out / "figures", caption)
    print("\n".join(output.answer(result)))
    print(f"\n{result['n_runs']} fork runs in {result['seconds']:.0f} s (stored runs are "
          f"reused). Report: {out / 'report.md'}; figure: {paths[-1]}")
    return 0
