"""Coverage of the tipping estimator's interval on synthetic data with a known s*.

    python benchmarks/bench_coverage.py [--sets 200] [--seed 1]

For each curve shape (a steep and a shallow logistic, a complementary log-log, a step) and
each design (the adaptive design of ``sim.studies.tipping`` and a fixed grid with the same
budget), ``--sets`` data sets are drawn: each run a Bernoulli trial with the curve's
probability at its dose. The 95% profile interval of s* is computed as the study computes
it, and counted as covering when it holds the true one-half crossing (0.2). Printed per
cell: coverage with its Clopper-Pearson 95% Monte Carlo interval, the share of intervals
open on a side, and the median width. The budget and ranges are the main study's.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
from scipy import special, stats

from sim.studies.tipping import TippingPlan, Trial, adaptive_design, fit_dose_response

TRUE = 0.2
SPEC = TippingPlan(low=0.0, high=0.4, grid=9, replicates=2, batch=12, budget=42)
LOG_LOG_2 = math.log(math.log(2.0))
SHAPES = {
    "logistic, steep": lambda x: special.expit((x - TRUE) / 0.01),
    "logistic, shallow": lambda x: special.expit((x - TRUE) / 0.05),
    "cloglog": lambda x: 1 - np.exp(-np.exp((x - TRUE) / 0.02 + LOG_LOG_2)),
    "step": lambda x: (np.asarray(x) >= TRUE).astype(float),
}


def fixed_grid(curve, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The budget spread evenly: 14 doses, 3 runs each."""
    x = np.linspace(SPEC.low, SPEC.high, 14)
    n = np.full(x.size, 3)
    return x, n, rng.binomial(n, curve(x)).astype(float)


def adaptive(curve, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The study's adaptive design, each round's outcomes drawn from ``curve``."""
    def run(trials: list[Trial]) -> list[float]:
        return list(rng.random(len(trials)) < curve(np.array([t.x for t in trials])))
    return adaptive_design(SPEC, run).table()


def one_set(design, curve, rng) -> tuple[bool, bool, float]:
    """(covered, open on a side, width) of one data set's interval."""
    x, n, k = design(curve, rng)
    if not 0 < k.sum() < n.sum():
        return False, True, math.inf
    fit = fit_dose_response(x, n, k, SPEC.low, SPEC.high, SPEC.level)
    open_side = fit.ci_low is None or fit.ci_high is None
    width = math.inf if open_side else fit.ci_high - fit.ci_low
    return fit.covers(TRUE), open_side, width


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=200, help="data sets per cell")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"{args.sets} data sets per cell, budget {SPEC.budget} runs, true s* = {TRUE}, "
          f"nominal 95%")
    print(f"{'shape':<19} {'design':<9} {'coverage':>8}  {'Monte Carlo 95%':<15} "
          f"{'open':>5} {'median width':>12}")
    total = covered_all = 0
    start = time.perf_counter()
    for s, (shape, curve) in enumerate(SHAPES.items()):
        for d, (name, design) in enumerate((("adaptive", adaptive), ("fixed", fixed_grid))):
            rng = np.random.default_rng([args.seed, s, d])
            rows = [one_set(design, curve, rng) for _ in range(args.sets)]
            covered = sum(r[0] for r in rows)
            ci = stats.binomtest(covered, args.sets).proportion_ci(0.95, "exact")
            opened = sum(r[1] for r in rows) / args.sets
            width = float(np.median([r[2] for r in rows]))
            total += args.sets
            covered_all += covered
            print(f"{shape:<19} {name:<9} {covered / args.sets:>8.1%}  "
                  f"{ci.low:.1%} to {ci.high:.1%}  {opened:>5.0%} {width:>12.3f}", flush=True)
    ci = stats.binomtest(covered_all, total).proportion_ci(0.95, "exact")
    print(f"all {total} data sets: coverage {covered_all / total:.1%} "
          f"(Monte Carlo 95% {ci.low:.1%} to {ci.high:.1%}); "
          f"{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
