"""``run.py run SCENARIO``: one simulation, written to DIR (manifest, series, summary)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sim.cli.options import ROOT, out_folder, parse_sets
from sim.experiments import scenarios


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("run", help="run one simulation of a scenario")
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", default=[],
                   help="override a parameter (repeatable)")
    p.add_argument("--steps", type=int, help="weeks to run (default: the scenario's)")
    p.add_argument("--seed", type=int, help="seed (default: the scenario's)")
    p.add_argument("--out", type=Path, help="output folder (default: results/<scenario name>)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.experiments import results
    from sim.model import registry as models

    scenario = scenarios.load(args.scenario)
    overrides = parse_sets(args.set, scenario.model)
    params = models.resolve_params(scenario.model, {**scenario.params, **overrides})
    steps = args.steps if args.steps is not None else scenario.steps
    seed = args.seed if args.seed is not None else scenario.seed
    if steps < 1 or seed < 0:
        raise scenarios.ScenarioError("--steps must be >= 1 and --seed >= 0")
    out = out_folder(args, ROOT / "results" / scenario.name, "run")
    if scenario.n_points > 1:
        print(f"note: {scenario.path}: run uses [params] only; its {scenario.n_points} "
              "points of [sweep]/[sample] run with `run.py sweep`", flush=True)
    size = (f"{params['n_consumers']} consumers, {steps} weeks" if "n_consumers" in params
            else f"model {scenario.model}, {steps} steps")
    print(f"Running {scenario.name}: {size}, seed {seed} ...", flush=True)
    start = time.perf_counter()
    series, outcomes = models.MODELS[scenario.model](params, steps, seed, scenario.every)
    elapsed = time.perf_counter() - start
    manifest = results.manifest(scenario, params, {"seed": seed}, kind="run", model=scenario.model,
                                steps=steps, every=scenario.every, overrides=overrides,
                                seconds=round(elapsed, 3))
    results.write_run(out, manifest, series, outcomes)
    if "n_consumers" in params:
        incumbents(params, outcomes)
    else:  # a reference model: its own outcomes
        print("Outcomes: " + ", ".join(f"{k} = {v:.4g}" if isinstance(v, float) else
                                       f"{k} = {v}" for k, v in outcomes.items()) + ".")
    print(f"{elapsed:.1f} s.")
    print(f"Results in {out}/ (manifest.json, series.parquet, summary.json)")
    return 0


def incumbents(params: dict, outcomes: dict) -> None:
    """Print each incumbent's fate and the platform's share, one line per sector."""
    from sim.model.rules import economics

    sectors = params["sectors"].split(",") if "sectors" in params else [""]
    for sector in sectors:  # one line per sector; the single-sector model has one, unnamed

        def key(name: str, s: str = sector) -> str:
            return f"{s}__{name}" if s else name

        be = economics.break_even_share(params[key("factory_fixed_cost_share")])
        fell = (f"fell in week {outcomes[key('fall_step')]} at platform share "
                f"{outcomes[key('platform_share_at_fall')]:.1%}"
                if outcomes[key("incumbent_fell")] else "survived")
        print(f"{sector + ': ' if sector else ''}The incumbent {fell}. Platform share: final "
              f"{outcomes[key('platform_share_final')]:.1%}, max "
              f"{outcomes[key('platform_share_max')]:.1%} (break-even share {be:.0%}).")
