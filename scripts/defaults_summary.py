"""What the model does at its defaults: network statistics, ratings, the platform's share of
the gross and the incumbent's fall, over several seeds with no committed consumers.

    .venv/bin/python scripts/defaults_summary.py [--seeds 10] [--consumers 2000] [--workers 2]

Prints one table; every number comes from whole runs of ``TrustMarket`` at its declared
defaults (seeds 1..N).
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from sim.model.simulate import simulate

WEEKS = (52, 260, 520)


def one(args: tuple[int, int]) -> dict[str, float]:
    seed, n = args
    series, out = simulate({"n_consumers": n}, max(WEEKS), seed=seed)
    shares = {f"share_week_{w}": float(series["platform_share"].iloc[w - 1]) for w in WEEKS}
    stars = series["rated_share_4_5_stars"].to_numpy(float)
    return {**shares, "fell": float(out["incumbent_fell"]),
            "fall_week": float(out["fall_step"] or np.nan),
            "rated_share_4_5_stars": float(np.nanmean(stars[-52:])),
            **{k: float(out[k]) for k in ("strong_degree_mean", "strong_degree_p99",
                                          "strong_degree_max", "strong_clustering",
                                          "strong_path_mean")}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--consumers", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    start = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        rows = list(pool.map(one, [(s, args.consumers) for s in range(1, args.seeds + 1)]))
    print(f"{args.seeds} runs of {args.consumers} consumers x {max(WEEKS)} weeks at the "
          f"defaults, no committed consumers ({time.perf_counter() - start:.0f} s)")
    for key in rows[0]:
        values = np.array([r[key] for r in rows])
        finite = values[np.isfinite(values)]
        if key == "fell":
            print(f"  incumbent fell: {int(values.sum())} of {values.size} runs")
        elif finite.size:
            print(f"  {key}: median {np.median(finite):.3g}, mean {finite.mean():.3g}, range "
                  f"{finite.min():.3g} to {finite.max():.3g} ({finite.size} runs)")


if __name__ == "__main__":
    main()
