"""Browser-app speed: one week of the app's model plus drawing every figure to PNG bytes.

    python benchmarks/bench_viz.py [--consumers 300] [--weeks 52] [--repeats 3]

Each repeat builds the model the app opens with (its sliders' starting values), draws the
figures once (the first draw lays them out), then times each week: ``model.step()`` and
``dashboard.png(name)`` for every figure the page shows, the PNG encoding included. Prints
medians over repeats of each repeat's median week; the target is under 200 ms a week.
"""

from __future__ import annotations

import argparse
import statistics
import time

from sim.app.params import user_params
from sim.app.view import MarketView

TARGET_MS = 200


def measure(consumers: int, weeks: int, seed: int) -> dict[str, float]:
    """Median milliseconds per week (step, drawing, both) of one run."""
    params = {name: spec["value"] for name, spec in user_params().items()}
    model = MarketView(**{**params, "n_consumers": consumers, "seed": seed})
    names = list(model.dashboard.frames)
    for name in names:
        model.dashboard.png(name)
    step_ms, draw_ms, week_ms = [], [], []
    for _ in range(weeks):
        start = time.perf_counter()
        model.step()
        stepped = time.perf_counter()
        for name in names:
            model.dashboard.png(name)
        done = time.perf_counter()
        step_ms.append((stepped - start) * 1e3)
        draw_ms.append((done - stepped) * 1e3)
        week_ms.append((done - start) * 1e3)
    return {"step": statistics.median(step_ms), "draw": statistics.median(draw_ms),
            "week": statistics.median(week_ms), "p90": statistics.quantiles(week_ms, n=10)[-1],
            "max": max(week_ms)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consumers", type=int, default=300)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    runs = [measure(args.consumers, args.weeks, seed) for seed in range(1, args.repeats + 1)]
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"Browser app, {args.consumers} consumers, {args.weeks} weeks x {args.repeats} runs "
          f"(median over runs of each run's median week, ms)")
    print(f"  step {med['step']:.1f}  drawing 4 figures to PNG {med['draw']:.1f}  "
          f"week {med['week']:.1f}  (90th percentile {med['p90']:.1f}, slowest {med['max']:.0f}: "
          "weeks where an axis grows and its figure is drawn again in full)")
    verdict = "meets" if med["week"] < TARGET_MS else "MISSES"
    print(f"target: a week under {TARGET_MS} ms including drawing: {verdict} it")


if __name__ == "__main__":
    main()
