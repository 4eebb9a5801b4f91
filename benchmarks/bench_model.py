"""Model speed: build and run time, peak memory, and one step's time in units of one sparse
mat-vec over the same strong-tie graph (measured in the same run), with the targets; and the
strong layer built (degree, clustering, mean shortest path from a sample of consumers).

    python benchmarks/bench_model.py [--sizes 10000 100000 1000000] [--weeks 520]
        [--repeats 3] [--json]

Each size runs in a fresh process, so peak memory (max RSS) and the compile time of the
numba kernels (on a first run; they are cached afterwards) are that size's own. Prints
medians over repeats (the first size only); absolute times drift with the machine, ratios
less so. ``--json`` writes the figures to ``benchmarks/results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import timeit
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]  # this tree's sim, whatever is installed
from record import record, verdict  # noqa: E402

TOTAL_10K_S = 10.0  # 10,000 consumers x 520 weeks, build included
STEP_MATVECS = 20.0  # one week at 100,000 consumers, in strong-layer mat-vecs
RUN_1M_S = 600.0  # 1,000,000 consumers x 520 weeks
BUILD_1M_S = 60.0
PEAK_1M_MB = 8192.0


def matvec_seconds(model: Any) -> float:
    """CPU seconds of one sparse mat-vec over ``model``'s strong-tie graph as it is now
    (the unit a week's cost is quoted in): the median of 5 repeats of 20."""
    strong = model.ties.strong.matrix()
    x = np.random.default_rng(0).random(strong.shape[0])
    return statistics.median(timeit.repeat(lambda: strong @ x, number=20, repeat=5,
                                           timer=time.process_time)) / 20


def measure(n: int, weeks: int, committed_share: float) -> dict:
    """One run of ``n`` consumers for ``weeks`` weeks, in this process.

    Times are CPU seconds of this (single-threaded) process, which on an idle machine equal
    wall seconds and on a shared one do not count the time others hold the cores; the wall
    total is kept beside them.
    """
    wall, cpu = time.perf_counter, time.process_time
    start, start_cpu = wall(), cpu()
    from sim.model.market import TrustMarket
    from sim.model.rules.network import network_statistics

    model = TrustMarket(n_consumers=n, committed_share=committed_share, rng=1)
    built = cpu()
    step_times = []
    for _ in range(weeks):
        t0 = cpu()
        model.step()
        step_times.append(cpu() - t0)
    done = cpu()
    wall_total = wall() - start
    strong = model.ties.strong.matrix()
    matvec = matvec_seconds(model)
    return {
        "n": n, "weeks": weeks, "build_s": built - start_cpu, "run_s": done - built,
        "total_s": done - start_cpu, "wall_total_s": wall_total,
        "median_step_s": statistics.median(step_times), "matvec_s": matvec,
        "step_matvecs": statistics.median(step_times) / matvec,
        "strong_ties_nnz": int(strong.nnz), "weak_ties_nnz": int(model.ties.weak.stored.nnz),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        **network_statistics(model.ties),
    }


def choice_speed(n: int = 10_000, weeks: int = 20) -> dict:
    """CPU seconds of one week's choice rule compiled and agent by agent (its Python
    source, one consumer at a time: ``sim.model.rules.python_source``), on the same state
    and draws, after ``weeks`` weeks of ``n`` consumers."""
    from sim.model.market import TrustMarket
    from sim.model.rules.python_source import python_source

    model = TrustMarket(n_consumers=n, committed_share=0.1, need_rate=0.7, rng=1)
    model.run_for(weeks)
    need, referral = model.draw_needs(), model.ask_network()
    state = model.rng.bit_generator.state

    def once() -> float:
        model.rng.bit_generator.state = state
        t0 = time.process_time()
        model.choose(need, referral)
        return time.process_time() - t0

    with python_source():
        agents = once()
    arrays = statistics.median(once() for _ in range(5))
    return {"n": n, "agent_by_agent_s": agents, "arrays_s": arrays, "speed_up": agents / arrays}


def week_memory(n: int = 20_000, hops: tuple[int, ...] = (1, 6), weeks: int = 40) -> dict:
    """A week's peak memory above what the market holds (tracemalloc, the largest of 3
    weeks after ``weeks``), in bytes per consumer, at each number of referral hops: flat if
    no array of consumers x hops (or x vendors) is alive at the peak. Also the active
    vendors at the end (of the last market)."""
    import tracemalloc

    from sim.model.market import TrustMarket

    out: dict = {"n": n}
    for h in hops:
        model = TrustMarket(n_consumers=n, committed_share=0.1, referral_hops=h, rng=1)
        model.run_for(weeks)
        tracemalloc.start()
        peaks = []
        for _ in range(3):
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
            model.step()
            peaks.append(tracemalloc.get_traced_memory()[1] - before)
        tracemalloc.stop()
        out[f"hops_{h}_bytes_per_consumer"] = max(peaks) / n
        out["vendors"] = int(model.vendors.active.sum())
    return out


def targets(n: int, med: dict) -> list[str]:
    """Each target that applies to size ``n``, with the measured figure and a verdict."""
    out = []
    if n == 10_000:
        out.append(f"total {med['total_s']:.1f} s, target under {TOTAL_10K_S:.0f} s: "
                   f"{verdict(med['total_s'], TOTAL_10K_S)}")
    if n == 100_000:
        out.append(f"step = {med['step_matvecs']:.1f} mat-vecs, target at most "
                   f"{STEP_MATVECS:.0f}: {verdict(med['step_matvecs'], STEP_MATVECS + 1e-9)}")
    if n == 1_000_000:
        out += [f"build {med['build_s']:.0f} s, target under {BUILD_1M_S:.0f} s: "
                f"{verdict(med['build_s'], BUILD_1M_S)}",
                f"run {med['run_s']:.0f} s, target under {RUN_1M_S:.0f} s: "
                f"{verdict(med['run_s'], RUN_1M_S)}",
                f"peak {med['peak_rss_mb']:.0f} MB, target under {PEAK_1M_MB:.0f} MB: "
                f"{verdict(med['peak_rss_mb'], PEAK_1M_MB)}"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--weeks", type=int, default=520)
    parser.add_argument("--repeats", type=int, default=3, help="runs of the smallest size")
    parser.add_argument("--committed-share", type=float, default=0.1)
    parser.add_argument("--json", action="store_true", help="write benchmarks/results.json")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.weeks, args.committed_share)))
        return
    load = os.getloadavg()[0]
    print(f"TrustMarket, {args.weeks} weeks, committed_share={args.committed_share}, "
          f"defaults otherwise; load average {load:.1f} before")
    print("times in CPU seconds (build includes imports and, on a first run, compiling the "
          "kernels); wall = wall-clock total")
    print(f"{'consumers':>10} {'runs':>4} {'build s':>8} {'run s':>8} {'total s':>8} "
          f"{'wall s':>8} {'cons-steps/s':>13} {'step ms':>8} {'step/matvec':>11} "
          f"{'peak MB':>8}")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    sizes = {}
    for i, n in enumerate(args.sizes):
        repeats = args.repeats if i == 0 else 1
        rows = []
        for _ in range(repeats):
            out = subprocess.run([sys.executable, __file__, "--child", str(n), "--weeks",
                                  str(args.weeks), "--committed-share",
                                  str(args.committed_share)],
                                 capture_output=True, text=True, check=True, env=env)
            rows.append(json.loads(out.stdout))
        med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
        sizes[str(n)] = {**med, "runs": repeats}
        print(f"{n:>10} {repeats:>4} {med['build_s']:>8.2f} {med['run_s']:>8.2f} "
              f"{med['total_s']:>8.2f} {med['wall_total_s']:>8.2f} "
              f"{n * args.weeks / med['run_s']:>13,.0f} "
              f"{med['median_step_s'] * 1e3:>8.2f} {med['step_matvecs']:>11.1f} "
              f"{med['peak_rss_mb']:>8.0f}", flush=True)
        for line in targets(n, med):
            print(f"{'':>16}{line}", flush=True)
        print(f"{'':>16}strong layer: mean degree {med['strong_degree_mean']:.2f}, maximum "
              f"{med['strong_degree_max']:.0f}, clustering {med['strong_clustering']:.3f}, "
              f"mean path {med['strong_path_mean']:.2f} ties (from "
              f"{med['strong_path_sample']:.0f} consumers)", flush=True)
    choice = choice_speed()
    print(f"the choice rule at {choice['n']:,} consumers: agent by agent (its Python "
          f"source) {choice['agent_by_agent_s'] * 1e3:.0f} ms, compiled "
          f"{choice['arrays_s'] * 1e3:.1f} ms (CPU): compiled is "
          f"{choice['speed_up']:.0f} times faster")
    memory = week_memory()
    print(f"a week's peak memory at {memory['n']:,} consumers ({memory['vendors']} vendors): "
          f"{memory['hops_1_bytes_per_consumer']:.0f} bytes per consumer at 1 referral hop, "
          f"{memory['hops_6_bytes_per_consumer']:.0f} at 6 (an array of consumers x vendors "
          f"would add {8 * memory['vendors']:,}; target: flat)")
    print(f"load average {os.getloadavg()[0]:.1f} after")
    if args.json:
        record("model", {"weeks": args.weeks, "committed_share": args.committed_share,
                         "load_before": load, "sizes": sizes, "choice_rule": choice,
                         "week_memory": memory})


if __name__ == "__main__":
    main()
