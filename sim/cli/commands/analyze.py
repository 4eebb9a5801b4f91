"""``run.py analyze SCENARIO``: free runs (no committed share) of a scenario's sweep, their
point of no return and early-warning signals, and a hysteresis ramp at its parameters.

Results go to DIR/{manifest.json,runs/,series/,analysis.json,ews.parquet,hysteresis.parquet,
report.md}; the runs are stored like a sweep's (``run.py sweep`` on the same scenario and
folder shares them), so running it again reuses them.
"""

from __future__ import annotations

import argparse

from sim.cli.options import ROOT, UsageError, add_batch_options, batch_guard, out_folder

CONTROLS = ("committed_share", "platform_fee")


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("analyze", help="point of no return, early warnings and "
                              "hysteresis from a scenario's free runs")
    p.add_argument("scenario", help="scenario TOML file (its [sweep] and replicates)")
    add_batch_options(p)
    p.add_argument("--control", choices=CONTROLS, default="committed_share",
                   help="what the hysteresis ramp moves (default committed_share)")
    p.add_argument("--top", type=float, default=0.3,
                   help="highest level of the ramp (default 0.3)")
    p.add_argument("--levels", type=int, default=16,
                   help="levels from 0 to --top on the way up (default 16)")
    p.add_argument("--hold", type=int, default=26, help="weeks at each level (default 26)")
    p.add_argument("--burn-in", type=int, default=26, metavar="WEEKS",
                   help="weeks left out at the start of the early-warning series (default 26)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from sim.experiments import batch, results, scenarios, storage
    from sim.experiments.snapshots import record_for
    from sim.outputs import report
    from sim.studies import analysis

    scenario = scenarios.load(args.scenario)
    if args.levels < 2 or args.hold < 1 or args.burn_in < 0:
        raise UsageError("--levels must be at least 2, --hold at least 1, --burn-in >= 0")
    if scenario.model != "trust_market":
        raise UsageError(f'{scenario.path}: model: analyze needs model = "trust_market", not '
                         f'"{scenario.model}"')
    out = out_folder(args, ROOT / "results" / scenario.name, "analysis")
    specs = batch.specs_for(scenario)
    manifest = results.manifest(
        scenario, scenario.resolved(), {"root_seed": scenario.seed, "rule": batch.SEED_RULE},
        kind="analysis", model=scenario.model, steps=scenario.steps,
        replicates=scenario.replicates, n_points=scenario.n_points, n_runs=len(specs),
        every=scenario.every)
    print(f"Analysis {scenario.name}: {len(specs)} free runs of {scenario.steps} weeks "
          f"-> {out}/", flush=True)
    with batch_guard(args):
        done = batch.run_batch(specs, out, manifest, workers=args.workers, dask=args.dask,
                               progress=not args.no_progress)
    record_for(scenario, out)  # [snapshots]
    wanted = {s.run_id for s in specs}
    runs = storage.load_runs(out)
    runs = runs[runs["run_id"].isin(wanted)]
    series = storage.load_series(out, wanted)
    no_return = analysis.points_of_no_return(runs, series)
    ews, warning = analysis.early_warning(runs, series, burn_in=args.burn_in)
    levels = np.linspace(0.0, args.top, args.levels).round(6).tolist()
    print(f"Hysteresis: {args.control} 0 -> {args.top:g} -> 0 in {args.levels} levels of "
          f"{args.hold} weeks ...", flush=True)
    ramp = analysis.hysteresis(scenario.resolved(), args.control, levels, args.hold,
                               batch.seed_for(scenario.seed, 0, 0))
    result = {"scenario": scenario.name, "steps": scenario.steps, "n_runs": len(runs),
              "n_failed": int((runs["status"] != "ok").sum()),
              "n_fell": int(runs["incumbent_fell"].fillna(False).astype(bool).sum()),
              "varied": sorted(scenario.sweep), "seconds": done.seconds,
              "point_of_no_return": analysis.distribution(no_return),
              "early_warning": warning,
              "hysteresis": {"control": args.control, "levels": levels, "hold": args.hold,
                             **analysis.hysteresis_summary(ramp)}}
    results.write_json(out / "analysis.json", result)
    results.write_parquet(out / "ews.parquet", ews)
    results.write_parquet(out / "hysteresis.parquet", ramp)
    path = results.write_report(out, report.analysis_report(result, scenario.description))
    print(report.analysis_verdict(result))
    print(f"Results in {out}/ (analysis.json, ews.parquet, hysteresis.parquet, runs/, "
          f"series/); report: {path}")
    return 0
