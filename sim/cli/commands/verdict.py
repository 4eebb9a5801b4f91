"""``run.py verdict SCENARIO``: the essay's claim answered in its own terms.

Runs every arm's dose study and fork experiment (``sim.studies.verdict``) and writes
DIR/{tipping.json,report.md,arms/,forks/}. Running the same command again reuses the
stored runs.
"""

from __future__ import annotations

import argparse

from sim.cli.options import ROOT, add_batch_options, batch_guard, out_folder


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("verdict", help="the verdict on the claim: tipping share of "
                              "the gross, arms, horizons")
    p.add_argument("scenario", help="scenario TOML file with [tipping], [arms] and [forks]")
    add_batch_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.cli.catalogue import STUDIES
    from sim.experiments import scenarios
    from sim.experiments.snapshots import record_for
    from sim.outputs.verdict_report import verdict_lines

    study = STUDIES["verdict"]
    scenario = scenarios.load(args.scenario)
    plan, _ = study.plan(scenario)
    out = out_folder(args, ROOT / "results" / scenario.name, "verdict")
    print(f"Verdict study {scenario.name}: {len(plan.arms)} arms "
          f"({', '.join(name for name, _ in plan.arms)}), {scenario.steps} weeks, "
          f"{plan.runs} fork runs per arm -> {out}/", flush=True)
    with batch_guard(args):
        result = study.run(scenario, out, workers=args.workers, dask=args.dask,
                           progress=not args.no_progress)
    record_for(scenario, out)  # [snapshots]
    path = study.write_report(out, result, scenario.description)
    print()
    print("\n".join(verdict_lines(result)))
    print(f"\n{result['n_runs']} runs in {result['seconds']:.0f} s. Results in {out}/ "
          f"(tipping.json, report.md, arms/, forks/); report: {path}")
    print(f"Figures: {out}/figures/ (python run.py figures {out})")
    return 0
