"""Would the worlds' regimes move with more runs of the natural course?

    python scripts/more_regime_runs.py [SCENARIO] [--runs 8] [--out DIR] [--workers 2]

The worlds study places each world in its regime from ``regime_runs`` runs of the natural
course (and as many at the largest push). This draws the same worlds from the scenario
(default ``scenarios/worlds.toml``) and runs each world's natural course ``--runs`` times
(runs 0 to ``regime_runs - 1`` are the study's own, with the same seeds, so a folder of the
study's regime runs can be reused with ``--out results/worlds/regime``; the rest are new),
through the batch runner, resumable. It prints how many worlds the rule of at least half
the natural runs falling calls platform-dominant with the study's runs and with
``--runs``, and how many change side.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "worlds.toml"))
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--out", type=Path, default=Path("results/worlds_more_regime_runs"))
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()

    from sim.experiments import scenarios, storage
    from sim.studies.verdict.study import regime_specs, run_regime_specs
    from sim.studies.worlds.plan import plan_from

    scenario = scenarios.load(args.scenario)
    plan = plan_from(scenario)
    _, worlds = plan.draw(scenario.seed)
    specs = []
    for w, world in enumerate(worlds):
        mine = dataclasses.replace(scenario, params={**scenario.params, **world})
        specs += [s for s in regime_specs(mine, {}, plan.largest_push, args.runs, point=2 * w)
                  if s.point_id == 2 * w]  # the natural course only
    runs = run_regime_specs(scenario, specs, plan.largest_push, args.out,
                            workers=args.workers)
    runs = runs[runs["run_id"].isin({s.run_id for s in specs})]
    fell = runs.assign(fell=runs["incumbent_fell"].fillna(False).astype(bool))
    few = fell[fell["replicate"] < plan.regime_runs].groupby("point_id")["fell"].mean()
    many = fell.groupby("point_id")["fell"].mean()
    dominant_few, dominant_many = few >= 0.5, many >= 0.5
    moved = int((dominant_few != dominant_many).sum())
    print(f"{len(worlds)} worlds: platform-dominant (at least half the natural runs fall) in "
          f"{int(dominant_few.sum())} with {plan.regime_runs} runs, in "
          f"{int(dominant_many.sum())} with {args.runs}; {moved} worlds change side "
          f"({int((dominant_few & ~dominant_many).sum())} leave it, "
          f"{int((~dominant_few & dominant_many).sum())} join it). Runs stored in "
          f"{args.out} ({len(storage.load_runs(args.out))} in all).")


if __name__ == "__main__":
    main()
