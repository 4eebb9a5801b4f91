"""Sweep throughput with 1 and 2 local workers, and the runner's memory over a long sweep.

    python benchmarks/bench_sweep.py [--runs 200] [--repeats 3] [--memory-runs 1000]

Throughput is runs per minute of wall time for a whole ``run_batch`` call (worker start-up
included) on a sweep of short runs; parallel efficiency is rate(2) / (2 * rate(1)). The
memory part samples the runner process's resident memory (RSS) while it runs and stores
``--memory-runs`` runs, and compares the peak in the first and the last quarter of the time.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]  # this tree's sim, whatever is installed
os.environ["PYTHONPATH"] = str(ROOT)  # and the workers'
from record import record, verdict  # noqa: E402

from sim.experiments import batch, results, scenarios  # noqa: E402

EFFICIENCY = 0.85

SCENARIO = """name = "bench_sweep"
steps = {steps}
replicates = {replicates}
seed = 1
[params]
n_consumers = {consumers}
[sweep]
committed_share = {{ start = 0.0, stop = 0.3, num = 10 }}
"""


def make(runs: int, steps: int, consumers: int) -> scenarios.Scenario:
    text = SCENARIO.format(steps=steps, replicates=max(1, runs // 10), consumers=consumers)
    return scenarios.parse(text, "bench_sweep.toml")


def sweep(scenario: scenarios.Scenario, workers: int, **kwargs) -> tuple[float, int]:
    """Run the whole sweep into a fresh folder; return (seconds, runs stored)."""
    specs = batch.specs_for(scenario)
    manifest = results.manifest(scenario, scenario.resolved(), {"root_seed": scenario.seed})
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        report = batch.run_batch(specs, Path(out), manifest, workers=workers, progress=False,
                                 **kwargs)
        seconds = time.perf_counter() - start
    assert report.n_ok == len(specs), report
    return seconds, report.n_ok


class RssSampler(threading.Thread):
    """Samples this process's RSS (and its children's) every ``interval`` seconds."""

    def __init__(self, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.interval, self.samples = interval, []
        self.stopped = threading.Event()

    def run(self) -> None:
        me = psutil.Process()
        while not self.stopped.is_set():
            children = 0
            for child in me.children(recursive=True):
                try:
                    children = max(children, child.memory_info().rss)
                except psutil.NoSuchProcess:
                    continue
            self.samples.append((time.monotonic(), me.memory_info().rss, children))
            self.stopped.wait(self.interval)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="runs per throughput sweep")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--memory-runs", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--consumers", type=int, default=100)
    parser.add_argument("--json", action="store_true", help="write benchmarks/results.json")
    args = parser.parse_args()
    mib = 2**20

    scenario = make(args.runs, args.steps, args.consumers)
    n = scenario.n_points * scenario.replicates
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} before (other "
          "processes' load lowers the 2-worker figures)")
    print(f"Sweep of {n} runs ({args.consumers} consumers, {args.steps} steps each), "
          f"{args.repeats} repeats, wall time incl. worker start-up:")
    rates: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(args.repeats):
        for workers in (1, 2):
            seconds, stored = sweep(scenario, workers)
            rates[workers].append(60 * stored / seconds)
    for workers, values in rates.items():
        print(f"  {workers} worker{'s' if workers > 1 else ' '}: median "
              f"{statistics.median(values):7.0f} runs/min  (all: "
              f"{', '.join(f'{v:.0f}' for v in values)})")
    medians = {w: statistics.median(v) for w, v in rates.items()}
    efficiency = medians[2] / (2 * medians[1])
    print(f"  speed-up {medians[2] / medians[1]:.2f}x, parallel efficiency {efficiency:.0%}, "
          f"target at least {EFFICIENCY:.0%}: {verdict(efficiency, EFFICIENCY, below=False)}")
    if args.json:
        record("sweep", {"runs": n, "consumers": args.consumers, "steps": args.steps,
                         "runs_per_minute": rates, "efficiency": efficiency})
    if args.memory_runs <= 0:
        return

    long = make(args.memory_runs, args.steps, args.consumers)
    sampler = RssSampler()
    start_rss = psutil.Process().memory_info().rss
    sampler.start()
    seconds, stored = sweep(long, 2)
    sampler.stopped.set()
    sampler.join()
    t0, t1 = sampler.samples[0][0], sampler.samples[-1][0]
    quarter = (t1 - t0) / 4
    first = max(r for t, r, _ in sampler.samples if t <= t0 + quarter)
    last = max(r for t, r, _ in sampler.samples if t >= t1 - quarter)
    workers = max(c for _, _, c in sampler.samples)
    print(f"Memory over a sweep of {stored} runs, 2 workers, part size 200 "
          f"({seconds:.0f} s, {60 * stored / seconds:.0f} runs/min):")
    print(f"  runner RSS before {start_rss / mib:.0f} MiB; peak in first quarter "
          f"{first / mib:.0f} MiB, in last quarter {last / mib:.0f} MiB "
          f"(growth {(last - first) / mib:+.1f} MiB); peak overall "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB (ru_maxrss)")
    print(f"  largest child process (worker or forkserver) RSS {workers / mib:.0f} MiB")
    print(f"Load average {os.getloadavg()[0]:.1f} after")


if __name__ == "__main__":
    main()
