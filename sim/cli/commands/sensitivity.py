"""``run.py sensitivity SCENARIO``: Morris screening and Sobol indices of a scenario's
``[sensitivity]`` table. Results go to DIR/{manifest.json,runs/,series/,sensitivity.json,
report.md}; running it again reuses the stored runs."""

from __future__ import annotations

import argparse

from sim.cli.options import ROOT, add_batch_options, batch_guard, out_folder


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("sensitivity",
                              help="Morris and Sobol sensitivity of a scenario's outcome")
    p.add_argument("scenario", help="scenario TOML file with a [sensitivity] table")
    add_batch_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.cli.catalogue import STUDIES
    from sim.experiments import scenarios
    from sim.outputs import report

    study = STUDIES["sensitivity"]
    scenario = scenarios.load(args.scenario)
    study.plan(scenario)
    out = out_folder(args, ROOT / "results" / scenario.name, "sensitivity")
    print(f"Sensitivity study {scenario.name} -> {out}/", flush=True)
    with batch_guard(args):
        result = study.run(scenario, out, workers=args.workers, dask=args.dask,
                           progress=not args.no_progress)
    path = study.write_report(out, result, scenario.description)
    print("\n".join(report.sensitivity_verdict(result)))
    print(f"{result['n_runs']} runs in {result['seconds']:.0f} s. Results in {out}/ "
          f"(sensitivity.json, report.md, runs/, series/); report: {path}")
    return 0
