"""Memory soak: the batch runner's peak memory over 2,000 short runs against 200.

    python benchmarks/bench_soak.py [--small 200] [--large 2000] [--steps 5] [--consumers 60]

Each sweep runs in a fresh Python process (so one peak cannot hide the other) with 2 local
workers and the default part size (200). That process samples its own resident memory
(RSS) every 0.05 s; its peak, and ``ru_maxrss``, are the runner's. The target: the peak over
the large sweep within 10% of the peak over the small one (the runner holds at most one
part's worth of results, whatever the sweep's length).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def child(runs: int, steps: int, consumers: int) -> dict:
    """Run one sweep of ``runs`` runs in this process; its memory figures in MiB."""
    import psutil

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_sweep import make  # the same sweep of short runs

    from sim.experiments import batch, results

    me, peak, stop = psutil.Process(), [0], threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], me.memory_info().rss)
            stop.wait(0.05)

    scenario = make(runs, steps, consumers)
    specs = batch.specs_for(scenario)
    manifest = results.manifest(scenario, scenario.resolved(), {"root_seed": scenario.seed})
    before = me.memory_info().rss
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        report = batch.run_batch(specs, Path(out), manifest, workers=2, progress=False)
    seconds = time.perf_counter() - start
    stop.set()
    sampler.join()
    assert report.n_ok == len(specs) == runs, report
    mib = 2**20
    return {"runs": runs, "seconds": seconds, "before": before / mib, "peak": peak[0] / mib,
            "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=200, help="runs in the short sweep")
    parser.add_argument("--large", type=int, default=2000, help="runs in the long sweep")
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--consumers", type=int, default=60)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.steps, args.consumers)))
        return
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; runs of "
          f"{args.consumers} consumers x {args.steps} steps, 2 workers, part size 200")
    figures = {}
    for runs in (args.small, args.large):
        done = subprocess.run([sys.executable, __file__, "--child", str(runs), "--steps",
                               str(args.steps), "--consumers", str(args.consumers)],
                              capture_output=True, text=True, check=True)
        figures[runs] = f = json.loads(done.stdout.splitlines()[-1])
        print(f"  {runs:5d} runs in {f['seconds']:5.1f} s: runner RSS before {f['before']:.0f}"
              f" MiB, peak {f['peak']:.0f} MiB (sampled), {f['maxrss']:.0f} MiB (ru_maxrss)")
    small, large = figures[args.small], figures[args.large]
    ratio = large["peak"] / small["peak"]
    print(f"Peak ratio {args.large} / {args.small} runs: {ratio:.3f} sampled, "
          f"{large['maxrss'] / small['maxrss']:.3f} ru_maxrss "
          f"(target: within 10%, {'met' if abs(ratio - 1) <= 0.10 else 'NOT met'})")


if __name__ == "__main__":
    main()
