"""Chaos: a sweep killed with SIGKILL at random moments, some while a part is being written,
and resumed each time, ends with every run stored exactly once and the values of an
uninterrupted sweep; between kills readers see only whole parts.

The short version runs in ``make test``; ``make chaos`` runs the long one (``-m chaos
--chaos``) with more kills. Each prints its kill count and the runs lost and duplicated.
"""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.experiments import storage

ROOT = Path(__file__).resolve().parents[2]
TINY = Path(__file__).resolve().parents[1] / "data" / "tiny_sweep.toml"
# run.py with every rename of a temporary file slowed down, so a kill can land mid-write
SLOW_WRITES = """
import os, sys, time
real_replace = os.replace
def slow_replace(src, dst, *args, **kwargs):
    if str(src).endswith(".tmp"):
        time.sleep(float(os.environ["CHAOS_WRITE_DELAY"]))
    return real_replace(src, dst, *args, **kwargs)
os.replace = slow_replace
from sim.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def _start(out: Path, delay: float) -> subprocess.Popen:
    command = [sys.executable, "-c", SLOW_WRITES, "sweep", str(TINY), "--workers", "1",
               "--out", str(out), "--part-size", "3", "--no-progress"]
    return subprocess.Popen(command, cwd=ROOT, start_new_session=True,
                            env={**os.environ, "CHAOS_WRITE_DELAY": str(delay)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _temporary(out: Path) -> list[Path]:
    return [p for d in ("runs", "series") if (out / d).is_dir()
            for p in (out / d).iterdir() if p.name.endswith(".tmp")]


def _parts(out: Path) -> int:
    return len(list((out / "runs").glob("part-*.parquet"))) if (out / "runs").is_dir() else 0


def _kill_during_write(proc: subprocess.Popen, out: Path, skip: int) -> bool:
    """SIGKILL the sweep while a temporary part file exists, once ``skip`` more parts are
    stored; False if it finished first."""
    wanted = _parts(out) + skip
    while proc.poll() is None:
        if _temporary(out) and _parts(out) >= wanted:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.005)
    return False


def _kill_after(proc: subprocess.Popen, seconds: float) -> bool:
    """SIGKILL the sweep after ``seconds``; False if it finished first."""
    try:
        proc.wait(timeout=seconds)
        return False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return True


def _check_readers_see_whole_parts(out: Path, reference: Path) -> int:
    """What a reader sees between kills: only whole runs, each once, with the reference
    values, and their whole series. Returns the number of runs stored."""
    visible = [p for d in ("runs", "series") if (out / d).is_dir()
               for p in (out / d).iterdir() if not p.name.startswith(".")]
    assert all(p.name.startswith("part-") and p.suffix == ".parquet" for p in visible)
    runs = storage.load_runs(out)
    if runs.empty:
        return 0
    assert runs["run_id"].is_unique
    expected = storage.load_runs(reference).set_index("run_id").loc[runs["run_id"]]
    pd.testing.assert_frame_equal(runs.set_index("run_id"), expected, check_exact=True)
    series = storage.load_series(out)
    pd.testing.assert_frame_equal(series, storage.load_series(reference, runs["run_id"]),
                                  check_exact=True)
    return len(runs)


def chaos(reference: Path, out: Path, kills: int, seed: int, digests) -> dict[str, int]:
    """Kill and resume the tiny sweep ``kills`` times (every other kill mid-write), then
    resume to the end; return the counts."""
    rng = random.Random(seed)
    done, attempts, mid_write, stored = 0, 0, 0, []
    while done < kills:
        attempts += 1
        assert attempts <= 3 * kills, "the sweep kept finishing before the kill"
        during_write = done % 2 == 1
        proc = _start(out, delay=0.3 if during_write else 0.0)
        if during_write:
            killed = _kill_during_write(proc, out, skip=rng.randint(1, 3))
            mid_write += killed
        else:
            killed = _kill_after(proc, rng.uniform(1.0, 10.0))
        if not killed:  # the sweep finished: start again from scratch for another kill
            stored.append(_check_readers_see_whole_parts(out, reference))
            for part in (out / "runs").glob("part-*"):
                part.unlink()
            continue
        done += 1
        stored.append(_check_readers_see_whole_parts(out, reference))
    final = subprocess.run([sys.executable, "run.py", "sweep", str(TINY), "--workers", "2",
                            "--out", str(out), "--no-progress"], cwd=ROOT,
                           capture_output=True, text=True, timeout=300)
    assert final.returncode == 0, final.stderr
    runs = storage.load_runs(out)
    reference_ids = set(storage.load_runs(reference)["run_id"])
    counts = {"kills": done, "mid_write": mid_write, "runs": len(runs),
              "lost": len(reference_ids - set(runs["run_id"])),
              "duplicated": len(runs) - runs["run_id"].nunique()}
    print(f"\nchaos (seed {seed}): {counts['kills']} SIGKILLs ({mid_write} mid-write), runs "
          f"stored after each attempt (40: it finished first; started again) {stored}; "
          f"{counts['runs']} runs at the end, "
          f"{counts['lost']} lost, {counts['duplicated']} duplicated")
    assert not _temporary(out)
    assert digests(out) == digests(reference)
    return counts


@pytest.mark.slow
def test_sweep_killed_three_times_resumes_to_every_run_once(reference, tmp_path, digests):
    counts = chaos(reference, tmp_path / "out", kills=3, seed=1, digests=digests)
    assert counts == {"kills": 3, "mid_write": 1, "runs": 40, "lost": 0, "duplicated": 0}


@pytest.mark.chaos
def test_sweep_killed_many_times_resumes_to_every_run_once(reference, tmp_path, digests):
    kills = int(os.environ.get("CHAOS_KILLS", "12"))
    seed = int(os.environ.get("CHAOS_SEED", str(random.SystemRandom().randrange(10**6))))
    counts = chaos(reference, tmp_path / "out", kills=kills, seed=seed, digests=digests)
    assert counts == {"kills": kills, "mid_write": kills // 2, "runs": 40, "lost": 0,
                      "duplicated": 0}
