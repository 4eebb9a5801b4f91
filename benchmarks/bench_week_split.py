"""Where a week's time goes: TrustMarket.step split into its rules and the data collection,
at a small and a large market, with the week's cost in mat-vecs of its own tie graph and the
consumer-weeks per second of each size, against their targets.

    python benchmarks/bench_week_split.py [--sizes 2000 100000] [--weeks 520]
        [--repeats 3] [--json]

Each repeat runs the market twice from the same seed: once plain (the run's CPU time gives
consumer-weeks per second; its median week over the median of the strong-layer mat-vecs
timed through the run, each as ``bench_model.py`` times one, gives the week in mat-vecs),
once with each rule timed (the median week of each part). The plain runs of the sizes are
made in turn, seed by seed. The rate ratio of 100,000 to 2,000 consumers is measured apart,
the two sizes interleaved (``paired_rates``): a quarter (13 weeks) of the large market, then
markets of 2,000 for as much CPU time, and so on to the large run's end, so that both sizes
are timed through the same stretches of the machine's time; it is the median of the seeds'.
Figures are medians over repeats, in CPU time of this single-threaded process (on a shared
machine wall time also counts the time others hold the cores).
It also splits the week into what any market pays and what each consumer adds: the line
through the median plain weeks of markets of 100 and 2,000 consumers (run in turn with the
other sizes) gives the fixed part and the part per consumer.
``--json`` writes them to ``benchmarks/results.json`` (section ``week_split``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]  # this tree's sim, whatever is installed
from bench_model import matvec_seconds  # noqa: E402
from record import record, verdict  # noqa: E402

PARTS = ("draw_needs", "ask_network", "choose", "trade", "update_trust", "account",
         "enter_and_exit", "collect")
WEEK_MATVECS = {2_000: 15.0, 100_000: 12.0}  # a week, in mat-vecs of its own strong ties
RATE_RATIO = 1.5  # consumer-weeks per second at 100,000 over those at 2,000, at most


def _market(n: int, committed_share: float, seed: int) -> Any:
    from sim.model.market import TrustMarket

    return TrustMarket(n_consumers=n, committed_share=committed_share, rng=seed)


def plain_run(n: int, weeks: int, committed_share: float, seed: int) -> dict[str, float]:
    """CPU seconds of ``weeks`` weeks (build excluded), the median week, and the week in
    mat-vecs of the strong-tie graph: the median of a mat-vec timed at the start, every 52
    weeks and at the end of the run (the graph's ties do not change, only their trust), so
    that the unit is timed through the same stretch of the machine's time as the weeks."""
    model = _market(n, committed_share, seed)
    steps, matvecs = [], [matvec_seconds(model)]
    run = 0.0
    for week in range(weeks):
        t0 = time.process_time()
        model.step()
        steps.append(time.process_time() - t0)
        run += steps[-1]
        if (week + 1) % 52 == 0:
            matvecs.append(matvec_seconds(model))
    week = statistics.median(steps)
    matvec = statistics.median(matvecs)
    return {"run_s": run, "consumer_weeks_per_s": n * weeks / run, "week_ms": week * 1e3,
            "matvec_ms": matvec * 1e3, "week_matvecs": week / matvec}


def split_run(n: int, weeks: int, committed_share: float, seed: int) -> dict[str, float]:
    """The median week's CPU milliseconds of each part of the step (each rule, and the
    data collection), each timed by a wrapper on the market's own method."""
    model = _market(n, committed_share, seed)
    spent: dict[str, float] = dict.fromkeys(PARTS, 0.0)

    def timed(name: str, method: Any) -> Any:
        def run(*args: Any) -> Any:
            t0 = time.process_time()
            out = method(*args)
            spent[name] += time.process_time() - t0
            return out
        return run

    for name in PARTS[:-1]:
        setattr(model, name, timed(name, getattr(model, name)))
    model.datacollector.collect = timed("collect", model.datacollector.collect)
    per_week: dict[str, list[float]] = {name: [] for name in PARTS}
    for _ in range(weeks):
        spent.update(dict.fromkeys(PARTS, 0.0))
        model.step()
        for name in PARTS:
            per_week[name].append(spent[name])
    return {name: statistics.median(per_week[name]) * 1e3 for name in PARTS}


def paired_rates(weeks: int, committed_share: float, seed: int, block: int = 13,
                 small: int = 2_000, large: int = 100_000) -> dict[str, float]:
    """Consumer-weeks per second of a ``large`` market and of ``small`` ones timed in
    alternation: ``block`` weeks of the large market's run (seed ``seed``), then weeks of
    small markets for as much CPU time, until the large run's ``weeks`` are done. The small
    markets are whole runs of ``weeks`` weeks, one after another (seeds ``1000 * seed + k``),
    as a study makes them. A drift of the machine's speed on a scale longer than a block
    (about 0.2 s) falls on both sizes alike, where separate runs of 0.3 s and 8 s do not;
    each size's first week after the other's block is the only one that finds its data out
    of the caches (one week in about 400 at the small size)."""
    big = _market(large, committed_share, seed)
    k, runs = 0, 0
    little = _market(small, committed_share, 1000 * seed)
    spent = {large: 0.0, small: 0.0}
    done = {large: 0, small: 0}
    while done[large] < weeks:
        t0 = time.process_time()
        for _ in range(min(block, weeks - done[large])):
            big.step()
            done[large] += 1
        took = time.process_time() - t0
        spent[large] += took
        budget = 0.0
        while budget < took:
            if k == weeks:  # this small run is whole: the next one (built untimed)
                runs, k = runs + 1, 0
                little = _market(small, committed_share, 1000 * seed + runs)
            t0 = time.process_time()
            little.step()
            budget += time.process_time() - t0
            k += 1
            done[small] += 1
        spent[small] += budget
    rates = {n: n * done[n] / spent[n] for n in (large, small)}
    return {"large": rates[large], "small": rates[small], "ratio": rates[large] / rates[small],
            "small_weeks": done[small]}


FIT_SIZES = (100, 2_000)  # the two markets whose weeks give the fixed and per-consumer parts


def plain_runs(sizes: list[int], weeks: int, repeats: int, committed_share: float
               ) -> dict[int, list[dict[str, float]]]:
    """Each size's plain runs, one per seed, made in turn seed by seed, so that the
    machine's drift falls on every size alike."""
    runs: dict[int, list[dict[str, float]]] = {n: [] for n in sizes}
    for seed in range(1, repeats + 1):
        for n in sizes:
            runs[n].append(plain_run(n, weeks, committed_share, seed))
    return runs


def measure(n: int, plain: list[dict[str, float]], weeks: int, repeats: int,
            committed_share: float) -> dict[str, Any]:
    """Medians of size ``n``'s ``plain`` runs' figures, and the medians over ``repeats`` of
    each part's ms (split runs), with each part's share of their sum."""
    split = [split_run(n, weeks, committed_share, seed) for seed in range(1, repeats + 1)]
    ms = {name: statistics.median(r[name] for r in split) for name in PARTS}
    total = sum(ms.values())
    return {"n": n, "weeks": weeks, "repeats": repeats,
            **{k: statistics.median(r[k] for r in plain) for k in plain[0]},
            "split_ms": ms, "split_share": {k: v / total for k, v in ms.items()}}


def fixed_and_per_consumer(plain: dict[int, list[dict[str, float]]]) -> dict[str, float]:
    """A week's cost as a fixed part plus a part per consumer, in microseconds: the line
    through the median weeks of the plain runs of the two :data:`FIT_SIZES`."""
    small_n, large_n = FIT_SIZES
    small, large = (1e3 * statistics.median(r["week_ms"] for r in plain[n]) for n in FIT_SIZES)
    per_consumer = (large - small) / (large_n - small_n)
    fixed = small - small_n * per_consumer
    return {"fixed_us": fixed, "per_consumer_us": per_consumer,
            f"fixed_share_at_{large_n}": fixed / large,
            f"week_us_{small_n}": small, f"week_us_{large_n}": large}


def ensemble_floor(split: dict[str, float], matvec_ms: float, n: int = 2_000) -> float:
    """The part of a week of ``n`` consumers that grows with them (``split``'s part per
    consumer times ``n``), in mat-vecs of ``matvec_ms``: what a week of ``n`` would still cost
    if an ensemble of such markets shared all of what each market pays whatever its size."""
    return split["per_consumer_us"] * n / (1e3 * matvec_ms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2_000, 100_000])
    parser.add_argument("--weeks", type=int, default=520)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--committed-share", type=float, default=0.1)
    parser.add_argument("--json", action="store_true", help="write benchmarks/results.json")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"TrustMarket.step split, {args.weeks} weeks, committed_share="
          f"{args.committed_share}, {args.repeats} repeats (seeds 1..{args.repeats}), CPU "
          f"time; load average {load:.1f} before")
    plain_run(2_000, 3, args.committed_share, 1)  # compile (or load) the kernels untimed
    plain = plain_runs(sorted(set(args.sizes) | set(FIT_SIZES)), args.weeks, args.repeats,
                       args.committed_share)
    sizes = {}
    for n in args.sizes:
        med = measure(n, plain[n], args.weeks, args.repeats, args.committed_share)
        sizes[str(n)] = med
        print(f"\n{n:,} consumers: week {med['week_ms']:.3f} ms = {med['week_matvecs']:.1f} "
              f"mat-vecs ({med['matvec_ms']:.4f} ms each), "
              f"{med['consumer_weeks_per_s']:,.0f} consumer-weeks/s")
        for name in PARTS:
            print(f"  {name:<15} {med['split_ms'][name]:8.3f} ms  "
                  f"{100 * med['split_share'][name]:5.1f} %")
        if n in WEEK_MATVECS:
            print(f"  week {med['week_matvecs']:.1f} mat-vecs, target at most "
                  f"{WEEK_MATVECS[n]:.0f}: "
                  f"{verdict(med['week_matvecs'], WEEK_MATVECS[n] + 1e-9)}", flush=True)
    if {"2000", "100000"} <= sizes.keys():
        paired = [paired_rates(args.weeks, args.committed_share, seed)
                  for seed in range(1, args.repeats + 1)]
        ratio = statistics.median(r["ratio"] for r in paired)
        print(f"\nconsumer-weeks/s at 100,000 over those at 2,000, the two sizes interleaved "
              f"(seeds' ratios {', '.join(f'{r['ratio']:.2f}' for r in paired)}; "
              f"{statistics.median(r['large'] for r in paired):,.0f} against "
              f"{statistics.median(r['small'] for r in paired):,.0f}): median {ratio:.2f}, "
              f"target at most {RATE_RATIO}: {verdict(ratio, RATE_RATIO + 1e-9)}")
        sizes["rate_ratio_100000_over_2000"] = ratio
        sizes["rate_ratio_paired"] = paired
    split = fixed_and_per_consumer(plain)
    print(f"\na week = {split['fixed_us']:.0f} microseconds + {1e3 * split['per_consumer_us']:.0f}"
          f" ns per consumer (markets of 100 and 2,000 timed in turn); the fixed part is "
          f"{split['fixed_share_at_2000']:.0%} of the 2,000-consumer week")
    if "2000" in sizes:
        floor = ensemble_floor(split, sizes["2000"]["matvec_ms"])
        split["ensemble_floor_matvecs_2000"] = floor
        print(f"the part per consumer alone, at 2,000 consumers: {floor:.1f} mat-vecs of its "
              f"strong ties, the least a week of 2,000 could cost in an ensemble that shared "
              f"every fixed cost (target {WEEK_MATVECS[2_000]:.0f})")
    print("many small markets stepped as one ensemble, each to the bit: not built, NOT met "
          "(the rate above is a single market's; docs/performance.md, 'Ensembles of small "
          "markets')")
    print(f"load average {os.getloadavg()[0]:.1f} after")
    if args.json:
        record("week_split", {"committed_share": args.committed_share, "load_before": load,
                              "sizes": sizes, "fixed_and_per_consumer": split,
                              "ensemble": "not built"})


if __name__ == "__main__":
    main()
