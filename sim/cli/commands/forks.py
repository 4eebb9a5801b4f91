"""``run.py forks SCENARIO``: the fork experiment alone, on any scenario whose model can be
forked and that has a ``[forks]`` table.

Writes DIR/{manifest.json,forks.json,report.md,runs/INTERVENTION/}: the tipping share (estimate and
interval) in the model's declared share, for each intervention named (``release`` first).
Running the same command again reuses the stored runs.
"""

from __future__ import annotations

import argparse

from sim.cli.options import ROOT, add_batch_options, batch_guard, out_folder


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("forks", help="the fork experiment alone: a scenario's tipping "
                              "share by release (and hold, stall, none)")
    p.add_argument("scenario", help="scenario TOML file with a [forks] table, of a model "
                   "that can be forked")
    add_batch_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.cli.catalogue import STUDIES
    from sim.experiments import scenarios
    from sim.outputs.verdict_report import span

    study = STUDIES["forks"]
    scenario = scenarios.load(args.scenario)
    plan = vars(study.plan(scenario))
    out = out_folder(args, ROOT / "results" / f"{scenario.name}-forks", "fork_study")
    print(f"Fork experiment {scenario.name}: {plan['runs']} runs, checkpoints every "
          f"{plan['every']} steps, up to {plan['copies']} copies each, "
          f"{', '.join(plan['interventions'])} -> {out}/", flush=True)
    with batch_guard(args):
        result = study.run(scenario, out, workers=args.workers, dask=args.dask,
                           progress=not args.no_progress)
    print()
    for name, found in result["interventions"].items():
        tip = found["tipping_share"]
        value = "not reached" if tip["estimate"] is None else f"{100 * tip['estimate']:.1f}%"
        print(f"Tipping share by {name} ({result['share']}): {value} "
              f"(95% interval {span(tip)})")
    path = study.write_report(out, result, scenario.description)
    print(f"\n{result['seconds']:.0f} s. Results in {out}/ (forks.json, runs/); report: {path}")
    return 0
