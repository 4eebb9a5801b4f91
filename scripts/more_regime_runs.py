"""Would the worlds' regimes move with more runs of the natural course?

    python scripts/more_regime_runs.py [SCENARIO] [--runs 8] [--out DIR] [--workers 2]
        [--forks DIR]

The worlds study places each world in its regime from ``regime_runs`` runs of the natural
course (and as many at the largest push). This draws the same worlds from the scenario
(default ``scenarios/worlds.toml``) and runs each world's natural course ``--runs`` times
(runs 0 to ``regime_runs - 1`` are the study's own, with the same seeds, so a folder of the
study's regime runs can be reused with ``--out results/worlds/regime``; the rest are new),
through the batch runner, resumable. It prints how many worlds the rule of at least half
the natural runs falling calls platform-dominant with the study's runs and with
``--runs``, and how many change side.

``--forks DIR`` also runs the worlds study's runs at the largest push (``DIR/pushed``) and
its fork runs (``DIR/forks``) in each world that leaves the platform-dominant regime with
``--runs`` (a threshold world if its largest push still brings the fall in at least half
its runs), with the study's seeds, and prints each one's tipping share of the gross and
verdict, as the study would report them.
"""

from __future__ import annotations

import argparse
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
    parser.add_argument("--forks", type=Path, default=None, metavar="DIR",
                        help="run the fork runs of the worlds that become threshold worlds")
    args = parser.parse_args()

    from sim.experiments import scenarios, storage
    from sim.studies.verdict.study import regime_specs, run_regime_specs
    from sim.studies.worlds.plan import plan_from
    from sim.studies.worlds.study import world_scenario

    scenario = scenarios.load(args.scenario)
    plan = plan_from(scenario)
    _, worlds = plan.draw(scenario.seed)
    specs = []
    for w, world in enumerate(worlds):
        specs += [s for s in regime_specs(world_scenario(scenario, world), {},
                                          plan.largest_push, args.runs, point=2 * w)
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
    if args.forks is not None:
        left = sorted(int(point) // 2 for point in few.index[dominant_few & ~dominant_many])
        print(fork_runs(scenario, plan, worlds, left, runs, args.out, args.forks,
                        args.workers).to_string(index=False))


def fork_runs(scenario, plan, worlds: list[dict], chosen: list[int], natural, regime_out: Path,
              out: Path, workers: int | None):
    """The worlds study's runs at the largest push (``out/pushed``) and fork runs
    (``out/forks``) in worlds ``chosen``, with the study's seeds; returns each world's row
    as the study answers it (:func:`sim.studies.worlds.study.answer_worlds`), with all its
    ``natural`` runs (their series in ``regime_out``)."""
    import pandas as pd

    from sim.experiments import storage
    from sim.studies.verdict.study import regime_specs, run_regime_specs
    from sim.studies.worlds.study import answer_worlds, world_scenario

    specs = [s for w in chosen for s in regime_specs(world_scenario(scenario, worlds[w]), {},
                                                     plan.largest_push, plan.regime_runs,
                                                     point=2 * w)
             if s.point_id == 2 * w + 1]  # the largest push
    pushed = run_regime_specs(scenario, specs, plan.largest_push, out / "pushed",
                              workers=workers)
    series = pd.concat([storage.load_series(regime_out), storage.load_series(out / "pushed")],
                       ignore_index=True)
    rows = answer_worlds(scenario, plan, worlds, chosen, natural, pushed, series,
                         out / "forks", workers=workers)
    threshold = [w for w in chosen if rows[w]["regime"] == "threshold"]
    for w in chosen:
        if w not in threshold:
            print(f"world {w}: {rows[w]['regime']} with these runs, no fork runs")
    if threshold:
        print(f"Fork runs ({plan.fork_plan.runs} per world, release) in the "
              f"{len(threshold)} worlds that become threshold worlds, stored in "
              f"{out / 'forks'}:")
    columns = ["regime", "natural_falls", "natural_runs", "tipping_share_gross", "ci_low",
               "ci_high", "fork_runs_reached", "verdict"]
    return pd.DataFrame([{"world": w, **{k: rows[w][k] for k in columns}} for w in chosen])


if __name__ == "__main__":
    main()
