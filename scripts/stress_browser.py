"""The browser tests, 10 times in a row, while two CPU-bound processes load the machine.

``make stress-browser`` (or ``python scripts/stress_browser.py [--runs N] [--load K]``) prints
one line per round and then the tally, the date and the machine, as docs/robustness.md
records them. Exit status 0 only when every round passed.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUSY = "while True: pass"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="rounds (default 10)")
    parser.add_argument("--load", type=int, default=2, help="CPU-bound processes (default 2)")
    args = parser.parse_args()
    load = [subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(args.load)]
    passed = 0
    try:
        for n in range(1, args.runs + 1):
            start = time.monotonic()
            done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-m", "browser",
                                   "-p", "no:cacheprovider", "tests/app"], cwd=ROOT,
                                  capture_output=True, text=True)
            tail = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
            passed += done.returncode == 0
            print(f"round {n}: {'pass' if done.returncode == 0 else 'FAIL'} "
                  f"({time.monotonic() - start:.0f} s) {tail}", flush=True)
            if done.returncode:
                print(done.stdout[-4000:], flush=True)
    finally:
        for process in load:
            process.kill()
            process.wait()
    print(f"{passed} of {args.runs} rounds passed with {args.load} CPU-bound processes; "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {platform.node()}, "
          f"{os.cpu_count()} cores, {platform.platform()}")
    return 0 if passed == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
