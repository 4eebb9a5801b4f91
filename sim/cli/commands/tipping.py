"""``run.py tipping SCENARIO``: the critical share s* of a scenario's ``[tipping]`` table.

Results go to DIR/{manifest.json,runs/,series/,tipping.json,report.md}. Running the same
command again reuses the stored runs (the design is deterministic, so nothing reruns).
"""

from __future__ import annotations

import argparse

from sim.cli.options import ROOT, add_batch_options, batch_guard, out_folder


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("tipping", help="estimate the critical share s* of a scenario")
    p.add_argument("scenario", help="scenario TOML file with a [tipping] table")
    add_batch_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.cli.catalogue import STUDIES
    from sim.experiments import scenarios
    from sim.experiments.snapshots import record_for
    from sim.outputs import report

    study = STUDIES["tipping"]
    scenario = scenarios.load(args.scenario)
    plan = study.plan(scenario)
    out = out_folder(args, ROOT / "results" / scenario.name, "tipping")
    n_points = len(scenario.points())
    print(f"Tipping study {scenario.name}: {plan.variable} from {plan.low:g} to {plan.high:g}, "
          f"P({plan.outcome}) within {scenario.steps} weeks, {plan.budget} runs"
          + (f" at each of {n_points} points" if n_points > 1 else "") + f" -> {out}/",
          flush=True)
    with batch_guard(args):
        result = study.run(scenario, out, workers=args.workers, dask=args.dask,
                           progress=not args.no_progress)
    record_for(scenario, out)  # [snapshots]
    path = study.write_report(out, result, scenario.description)
    print()
    if result["varied"]:
        print("\n".join(report.phase_answer(result)))
    else:
        print(report.verdict(result, scenario.steps))
    print(f"\n{result['n_runs']} runs in {result['seconds']:.0f} s. Results in {out}/ "
          f"(tipping.json, report.md, runs/, series/); report: {path}")
    print(f"Figures: {out}/figures/ (python run.py figures {out})")
    return 0
