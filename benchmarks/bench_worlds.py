"""The worlds study's cost per world, and its throughput on Dask against local processes.

    python benchmarks/bench_worlds.py [--worlds 0 1 2 4] [--repeats 2] [--json]

Takes the worlds ``--worlds`` (indices into the 128 worlds ``scenarios/worlds.toml`` draws
from its root seed; worlds 0 and 1 are threshold worlds, so they have fork runs, and 2 and 4
are platform-dominant) and measures them exactly as ``make worlds`` does
(:func:`sim.studies.worlds.study.measure_worlds`: 8 regime runs per world, then 6 fork
runs per threshold world), into a new temporary folder each time:

* on 2 local worker processes, and
* on a Dask ``LocalCluster`` of 2 single-threaded worker processes (``--dask`` as a
  cluster user would pass it),

alternating ``--repeats`` times so both see the same machine load. It prints the runs per
minute of each (median), their ratio (target: Dask within 10% of local processes), and the
wall time per regime run and per fork run on 2 workers, from which ``make worlds``'s time
follows for any share of threshold worlds.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
from record import record, verdict  # noqa: E402

DASK_WITHIN = 0.10


def measure(worlds: list[int], dask: str | None, workers: int | None) -> dict[str, float]:
    """Measure ``worlds`` once into a new folder: wall seconds and runs of each kind."""
    from sim.experiments import scenarios
    from sim.studies.worlds.plan import plan_from
    from sim.studies.worlds.study import measure_worlds

    scenario = scenarios.load(ROOT / "scenarios" / "worlds.toml")
    plan = plan_from(scenario)
    _, drawn = plan.draw(scenario.seed)
    chosen = [drawn[w] for w in worlds]
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        table = measure_worlds(scenario, plan, chosen, Path(tmp), workers=workers, dask=dask,
                               progress=False)
        seconds = time.perf_counter() - start
    threshold = int((table["regime"] == "threshold").sum())
    regime_runs = 2 * plan.regime_runs * len(chosen)
    fork_runs = plan.fork_plan.runs * threshold
    return {"seconds": seconds, "regime_runs": regime_runs, "fork_runs": fork_runs,
            "threshold_worlds": threshold}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, nargs="+", default=[0, 1, 2, 4])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="write benchmarks/results.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("distributed").setLevel(logging.WARNING)
    from distributed import LocalCluster

    local, dask = [], []
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None) as cluster:
        for _ in range(args.repeats):
            local.append(measure(args.worlds, None, 2))
            dask.append(measure(args.worlds, cluster.scheduler_address, None))
    runs = local[0]["regime_runs"] + local[0]["fork_runs"]
    rate = {name: statistics.median(60 * runs / m["seconds"] for m in ms)
            for name, ms in (("local", local), ("dask", dask))}
    gap = 1 - rate["dask"] / rate["local"]
    print(f"worlds {args.worlds}: {local[0]['threshold_worlds']} threshold, "
          f"{local[0]['regime_runs']} regime runs and {local[0]['fork_runs']} fork runs")
    print(f"  local processes (2): {rate['local']:.1f} runs/min; Dask LocalCluster (2 "
          f"workers): {rate['dask']:.1f} runs/min; Dask slower by {gap:+.1%} "
          f"(target at most {DASK_WITHIN:.0%}): {verdict(gap, DASK_WITHIN)}")
    print("  wall seconds on 2 local workers: "
          + ", ".join(f"{m['seconds']:.0f}" for m in local)
          + "; on Dask: " + ", ".join(f"{m['seconds']:.0f}" for m in dask))
    if args.json:
        record("worlds", {"worlds": args.worlds, "local": local, "dask": dask,
                          "runs_per_minute": rate, "dask_slower_by": gap,
                          "target_dask_within": DASK_WITHIN})


if __name__ == "__main__":
    main()
