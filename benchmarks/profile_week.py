"""Where a week's time goes: a pyinstrument profile of weeks FROM to TO of one run.

    python benchmarks/profile_week.py [--consumers 100000] [--weeks 100 120]
        [--committed-share 0.1] [--html PATH]

Runs the model untimed up to week FROM (the kernels compile there), then profiles the
weeks up to TO and prints the call tree (or writes it as HTML with ``--html``); the table
in docs/performance.md was read from such a profile.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pyinstrument import Profiler

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this tree's sim, whatever is installed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consumers", type=int, default=100_000)
    parser.add_argument("--weeks", type=int, nargs=2, default=[100, 120], metavar=("FROM", "TO"))
    parser.add_argument("--committed-share", type=float, default=0.1)
    parser.add_argument("--html", type=Path, help="write the profile as HTML to this file")
    args = parser.parse_args()
    start, stop = args.weeks
    if not 0 <= start < stop:
        parser.error(f"--weeks: FROM must be at least 0 and below TO (got {start} {stop})")
    from sim.model.market import TrustMarket

    model = TrustMarket(n_consumers=args.consumers, committed_share=args.committed_share, rng=1)
    model.run_for(start)
    profiler = Profiler()
    with profiler:
        model.run_for(stop - start)
    if args.html:
        args.html.write_text(profiler.output_html(), encoding="utf-8")
        print(f"profile of weeks {start} to {stop}: {args.html}")
    else:
        print(profiler.output_text(unicode=False, color=False))


if __name__ == "__main__":
    main()
