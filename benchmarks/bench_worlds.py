"""The worlds study's cost per world, and its throughput on Dask against local processes.

    python benchmarks/bench_worlds.py [--worlds 0 1 2 4] [--repeats 2] [--json]

Takes the worlds ``--worlds`` (indices into the 128 worlds ``scenarios/worlds.toml`` draws
from its root seed; worlds 0 and 1 are threshold worlds, so they have fork runs, and 2 and 4
are platform-dominant) and measures them exactly as ``make worlds`` does
(:func:`sim.studies.worlds.study.measure_worlds`: 8 regime runs per world, then 6 fork
runs per threshold world), into a new temporary folder each time:

* on 2 local worker processes, and
* on a Dask ``LocalCluster`` of 2 single-threaded worker processes (``--dask`` as a
  cluster user would pass it), started without Dask's sampling profiler, as
  docs/cluster.md asks of a cluster's workers (``DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED
  =False``), and, with ``--with-profiler``, also on one with it (Dask's default),

alternating ``--repeats`` times so all see the same machine load; each Dask measurement has
a cluster of its own, started before its clock starts (its workers load the compiled
kernels on their first run, in the clock, as local workers do in each batch). It prints
the runs per minute of each (median), their ratio (target: Dask within 10% of local
processes), and the wall time of each measurement.
"""

from __future__ import annotations

import argparse
import contextlib
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
    parser.add_argument("--with-profiler", action="store_true",
                        help="also measure a cluster whose workers run Dask's sampling "
                             "profiler (Dask's default)")
    parser.add_argument("--json", action="store_true", help="write benchmarks/results.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("distributed").setLevel(logging.WARNING)
    logging.getLogger("sim.experiments.batch").setLevel(logging.ERROR)  # the profiler arm
    arms = {"local": None, "dask": False, **({"dask_profiler": True} if args.with_profiler
                                            else {})}
    measured: dict[str, list[dict[str, float]]] = {name: [] for name in arms}
    for _ in range(args.repeats):
        for name, profiler in arms.items():
            if profiler is None:
                measured[name].append(measure(args.worlds, None, 2))
                continue
            with dask_cluster(profiler) as address:
                measured[name].append(measure(args.worlds, address, None))
    local = measured["local"]
    runs = local[0]["regime_runs"] + local[0]["fork_runs"]
    rate = {name: statistics.median(60 * runs / m["seconds"] for m in ms)
            for name, ms in measured.items()}
    gap = 1 - rate["dask"] / rate["local"]
    print(f"worlds {args.worlds}: {local[0]['threshold_worlds']} threshold, "
          f"{local[0]['regime_runs']} regime runs and {local[0]['fork_runs']} fork runs")
    print(f"  local processes (2): {rate['local']:.1f} runs/min; Dask LocalCluster (2 "
          f"workers, no sampling profiler): {rate['dask']:.1f} runs/min; Dask slower by "
          f"{gap:+.1%} (target at most {DASK_WITHIN:.0%}): {verdict(gap, DASK_WITHIN)}")
    if "dask_profiler" in rate:
        print(f"  with Dask's sampling profiler on the workers (Dask's default): "
              f"{rate['dask_profiler']:.1f} runs/min, "
              f"{1 - rate['dask_profiler'] / rate['local']:+.1%} against local processes")
    for name, ms in measured.items():
        print(f"  wall seconds, {name}: " + ", ".join(f"{m['seconds']:.0f}" for m in ms))
    if args.json:
        record("worlds", {"worlds": args.worlds, **measured, "runs_per_minute": rate,
                          "dask_slower_by": gap, "dask_worker_profiler": False,
                          "target_dask_within": DASK_WITHIN})


@contextlib.contextmanager
def dask_cluster(profiler: bool):
    """A LocalCluster of 2 single-threaded worker processes on 127.0.0.1, its workers
    sampling their stacks (Dask's profiler) or not; yields its scheduler's address."""
    import dask
    from distributed import LocalCluster

    with dask.config.set({"distributed.worker.profile.enabled": profiler}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                         host="127.0.0.1", dashboard_address=None) as cluster:
        yield cluster.scheduler_address


if __name__ == "__main__":
    main()
