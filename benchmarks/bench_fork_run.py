"""One fork run of a world of ``scenarios/worlds.toml``, timed in its two parts.

    python benchmarks/bench_fork_run.py [--world 0] [--seed 11] [--keyframe-weeks 52]

Builds world ``--world`` of the 128 the scenario draws from its root seed (world 0 is a
threshold world), runs the pushed run of its ``[forks]`` table (``forks.run_pushed``) and
then the bisection's copies (``forks.measure``, ``release``), and prints the CPU seconds of
each, the point of no return found and the process's peak memory. ``--keyframe-weeks 4``
keeps a copy of the market at every checkpoint, as the fork experiment did before
(same answer, more time and memory).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--world", type=int, default=0)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keyframe-weeks", type=int, default=None)
    args = parser.parse_args()

    import sim.experiments  # noqa: F401  (registers the fork models)
    from sim.experiments import forks, scenarios
    from sim.model import registry
    from sim.studies.worlds.plan import plan_from

    scenario = scenarios.load(ROOT / "scenarios" / "worlds.toml")
    plan = plan_from(scenario)
    _, worlds = plan.draw(scenario.seed)
    params = registry.resolve_params("trust_market", {**scenario.params, **worlds[args.world]})
    fork = plan.fork_plan
    course = forks.Course(scenario.steps, fork.every, fork.ramp)
    start_share = {} if fork.committed_share is None else {"committed_share":
                                                             fork.committed_share}
    market = registry.build_market("trust_market", {**params, **start_share}, args.seed)
    keyframes = {} if args.keyframe_weeks is None else {"keyframe_weeks": args.keyframe_weeks}
    start = time.process_time()
    run = forks.run_pushed(market, course, **keyframes)
    pushed = time.process_time() - start
    found = forks.measure(run, course, "release", args.seed, fork.copies)
    copies = time.process_time() - start - pushed
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"world {args.world}, seed {args.seed}, {params['n_consumers']} consumers, "
          f"{scenario.steps} weeks, checkpoints every {fork.every}, {len(run.keyframes)} "
          f"keyframes: pushed run {pushed:.1f} CPU s, copies {copies:.1f} CPU s, peak "
          f"{peak:.0f} MB; point of no return week {found['tipping_step']} at "
          f"{found['tipping_share_gross']:.1%} of the gross ({found['tipping_by']})")


if __name__ == "__main__":
    main()
