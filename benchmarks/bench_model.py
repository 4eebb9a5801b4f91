"""Model speed: wall time, consumer-steps per second, peak memory, and one step's time in
units of one sparse mat-vec over the same strong-tie graph (measured in the same run).

    python benchmarks/bench_model.py [--sizes 10000 100000] [--weeks 520] [--repeats 3]

Each size runs in a fresh process, so peak memory (max RSS) is that size's own. Prints
medians over repeats; absolute times drift with the machine, ratios less so.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
import timeit

import numpy as np


def measure(n: int, weeks: int, committed_share: float) -> dict:
    """One run of ``n`` consumers for ``weeks`` weeks, in this process."""
    from sim.model.market import TrustMarket

    start = time.perf_counter()
    model = TrustMarket(n_consumers=n, committed_share=committed_share, rng=1)
    built = time.perf_counter()
    step_times = []
    for _ in range(weeks):
        t0 = time.perf_counter()
        model.step()
        step_times.append(time.perf_counter() - t0)
    done = time.perf_counter()
    strong = model.ties.strong.matrix()
    x = np.random.default_rng(0).random(n)
    matvec = min(timeit.repeat(lambda: strong @ x, number=20, repeat=5)) / 20
    return {
        "n": n, "weeks": weeks, "build_s": built - start, "run_s": done - built,
        "total_s": done - start, "median_step_s": statistics.median(step_times),
        "matvec_s": matvec, "strong_ties_nnz": int(strong.nnz),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--weeks", type=int, default=520)
    parser.add_argument("--repeats", type=int, default=3, help="runs of the smallest size")
    parser.add_argument("--committed-share", type=float, default=0.1)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.weeks, args.committed_share)))
        return
    print(f"TrustMarket, {args.weeks} weeks, committed_share={args.committed_share}, "
          f"defaults otherwise")
    print(f"{'consumers':>10} {'runs':>4} {'build s':>8} {'run s':>8} {'total s':>8} "
          f"{'cons-steps/s':>13} {'step ms':>8} {'step/matvec':>11} {'peak MB':>8}")
    for i, n in enumerate(args.sizes):
        repeats = args.repeats if i == 0 else 1
        rows = []
        for _ in range(repeats):
            out = subprocess.run([sys.executable, __file__, "--child", str(n), "--weeks",
                                  str(args.weeks), "--committed-share",
                                  str(args.committed_share)],
                                 capture_output=True, text=True, check=True)
            rows.append(json.loads(out.stdout))
        med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
        print(f"{n:>10} {repeats:>4} {med['build_s']:>8.2f} {med['run_s']:>8.2f} "
              f"{med['total_s']:>8.2f} {n * args.weeks / med['run_s']:>13,.0f} "
              f"{med['median_step_s'] * 1e3:>8.2f} {med['median_step_s'] / med['matvec_s']:>11.0f} "
              f"{med['peak_rss_mb']:>8.0f}", flush=True)
    print("target: 10,000 consumers for 520 weeks in under 10 s (total, build included)")


if __name__ == "__main__":
    main()
