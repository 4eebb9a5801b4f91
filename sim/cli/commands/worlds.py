"""``run.py worlds SCENARIO``: the verdict on the claim across plausible worlds, and where it
holds. Results go to DIR/{regime/,forks/,worlds.parquet,worlds.json,report.md,figures/};
running it again reuses the stored runs."""

from __future__ import annotations

import argparse

from sim.cli.options import ROOT, add_batch_options, batch_guard, out_folder


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("worlds", help="the verdict across plausible worlds and the "
                              "conditions under which the claim holds")
    p.add_argument("scenario", help="scenario TOML file with a [worlds] table")
    add_batch_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.experiments import scenarios
    from sim.outputs import worlds as report
    from sim.studies.worlds import plan, study

    scenario = scenarios.load(args.scenario)
    plan.plan_from(scenario)
    out = out_folder(args, ROOT / "results" / scenario.name, "worlds")
    print(f"Worlds study {scenario.name} -> {out}/", flush=True)
    with batch_guard(args):
        result = study.run_study(scenario, out, workers=args.workers, dask=args.dask,
                                 progress=not args.no_progress)
    written = report.write(out, result, scenario.description)
    print()
    print(report.paragraph(result))
    print(f"\n{result['n_runs']} runs in {result['seconds']:.0f} s (stored runs are reused). "
          f"Results in {out}/ "
          f"(worlds.json, {result['table']}, report.md, figures/); report: {written}")
    return 0
