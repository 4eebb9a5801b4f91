"""``run.py sweep SCENARIO``: every point and replicate of a scenario, stored as it finishes.

Results go to DIR/{manifest.json,runs/,series/} (see ``sim.experiments.storage``). Running the same
command again runs only what is missing.
"""

from __future__ import annotations

import argparse

from sim.cli.options import ROOT, add_batch_options, at_least_one, batch_guard, out_folder


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("sweep", help="run a scenario's sweep or sample, resumably")
    p.add_argument("scenario", help="scenario TOML file with [sweep] and/or [sample]")
    add_batch_options(p, "results/<scenario name>-sweep")
    p.add_argument("--part-size", type=at_least_one, default=200, metavar="N",
                   help="runs per stored part (default 200; a part is also written every "
                   "30 s)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.experiments import batch, results, scenarios
    from sim.experiments.snapshots import record_for

    scenario = scenarios.load(args.scenario)
    specs = batch.specs_for(scenario)
    out = out_folder(args, ROOT / "results" / f"{scenario.name}-sweep", "sweep")
    manifest = results.manifest(
        scenario, scenario.resolved(), {"root_seed": scenario.seed, "rule": batch.SEED_RULE},
        kind="sweep", model=scenario.model, steps=scenario.steps,
        replicates=scenario.replicates, n_points=scenario.n_points, n_runs=len(specs),
        every=scenario.every, reporters=list(scenario.reporters or ()))
    print(f"Sweep {scenario.name}: {scenario.n_points} points x {scenario.replicates} "
          f"replicates = {len(specs)} runs of {scenario.steps} steps -> {out}/", flush=True)
    with batch_guard(args):
        report = batch.run_batch(specs, out, manifest, workers=args.workers, dask=args.dask,
                                 progress=not args.no_progress, reporters=scenario.reporters,
                                 part_size=args.part_size)
    record_for(scenario, out)  # [snapshots]
    print(f"{report.n_ok} ok, {report.n_failed} failed, {report.n_skipped} already stored "
          f"(of {report.n_total} runs) in {report.seconds:.1f} s.")
    for error in report.errors:
        print(f"  a failed run: {error}")
    print(f"Results in {out}/ (manifest.json, runs/, series/); "
          f"load them with sim.experiments.storage.load_runs('{out}').")
    return 0
