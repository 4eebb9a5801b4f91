"""``run.py cascade SCENARIO``: each sector's tipping share against the incumbents already
fallen, at each spillover (sim.studies.cascade).

Results go to DIR/{manifest.json,cascade_runs.parquet,cascade.csv,report.md,figures/}.
Running the command again on a scenario of the same design (the same runs: parameters,
seeds, horizon and [cascade] table) redraws the report and figure from the stored runs
without running them again.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from sim.cli.options import ROOT, UsageError, out_folder, worker_count


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("cascade", help="the cascade study of a several-sector scenario")
    p.add_argument("scenario", help="scenario TOML file (model sector_market, [cascade] table)")
    p.add_argument("--workers", type=worker_count, metavar="N",
                   help="local worker processes (default: one per core)")
    p.add_argument("--out", type=Path, help="results folder (default: results/<scenario name>)")
    p.set_defaults(func=run)


def design(scenario: Any) -> tuple:
    """What the stored runs depend on: every run's parameters and seed, the horizon and the
    [cascade] table (not the name or description)."""
    from sim.experiments.batch import specs_for
    from sim.studies.cascade import spec_from

    return ([(s.params, s.seed, s.steps) for s in specs_for(scenario)],
            spec_from(scenario))


def run(args: argparse.Namespace) -> int:
    import os

    import pandas as pd

    from sim.experiments import results, scenarios
    from sim.experiments.destination import check_readable
    from sim.outputs import cascade as output
    from sim.studies import cascade

    scenario = scenarios.load(args.scenario)
    spec = cascade.spec_from(scenario)
    if "spillover" not in scenario.sweep:
        raise UsageError(f"{scenario.path}: sweep: the cascade study compares spillovers; "
                         "give [sweep] spillover = [0.0, ...]")
    out = out_folder(args, ROOT / "results" / scenario.name, "cascade")
    stored = out / "cascade_runs.parquet"
    manifest_path = out / "manifest.json"
    params = scenario.resolved()
    workers = args.workers or len(os.sched_getaffinity(0))
    check_readable(out)
    manifest = (json.loads(manifest_path.read_text(encoding="utf-8"))
                if stored.is_file() and manifest_path.is_file() else None)
    if manifest and design(scenarios.parse(manifest["scenario"]["text"])) == design(scenario):
        runs = pd.read_parquet(stored)
        meta = {**manifest["study"], "description": scenario.description.strip()}
        print(f"Cascade study {scenario.name}: {len(runs)} stored rows in {stored}; "
              "redrawing", flush=True)
    else:
        n_runs = scenario.n_points * scenario.replicates
        print(f"Cascade study {scenario.name}: {n_runs} runs of {scenario.steps} weeks with "
              f"forks every {spec['interval']} weeks, {workers} worker(s) -> {out}/", flush=True)
        runs, seconds = cascade.run_study(scenario, workers)
        meta = {"name": scenario.name, "description": scenario.description.strip(),
                "n_runs": n_runs, "replicates": scenario.replicates, "steps": scenario.steps,
                "n_consumers": params["n_consumers"], "sectors": params["sectors"],
                "seed": scenario.seed, "seconds": round(seconds, 1), "workers": workers, **spec}
        results.write_json(manifest_path, results.manifest(
            scenario, params, {"root_seed": scenario.seed}, kind="cascade", study=meta))
        results.write_parquet(stored, runs)
    summary = cascade.summarize(runs, scenario.seed, spec["bootstrap"])
    results.write_parquet(out / "cascade_summary.parquet", summary)
    text = output.report(runs, summary, meta)
    (out / "report.md").write_text(text, encoding="utf-8")
    caption = ("Tipping share of each sector (the platform's share of its gross at its point "
               "of no return) against the number of incumbents already fallen; mean and 95% "
               "bootstrap interval over runs (the number beside each point: its runs); "
               f"{meta['n_runs']} runs, {meta['n_consumers']} "
               "consumers.")
    paths = output.save_figure(output.figure(summary, scenario.name), out / "figures", caption)
    print("\n".join(output.answer(runs, scenario.seed, spec["bootstrap"])))
    print(f"\n{meta['n_runs']} runs in {meta['seconds']:.0f} s. Report: {out / 'report.md'}; "
          f"figure: {paths[-1]}")
    return 0
