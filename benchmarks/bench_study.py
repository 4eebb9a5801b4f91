"""A tipping study's throughput against a baseline commit, and the runner's overhead per run.

    python benchmarks/bench_study.py [--runs 24] [--repeats 2] [--baseline 392a6ce]
        [--consumers 2000] [--weeks 520] [--overhead-consumers 10000] [--overhead-runs 2]
        [--json]

Throughput: ``--runs`` runs of ``scenarios/essay_claim.toml``'s settings (committed share
spread over the study's range, 520 weeks, the study's reporters) through ``run_batch`` on 2
local workers, in runs per minute of wall time (worker start-up included). The same study
runs on the code of ``--baseline`` (extracted with ``git archive``), alternating with the
current code ``--repeats`` times, so both see the same machine load; the target is at least
twice the baseline's rate (medians).

The baseline's code runs in its own folder, so the workers (forked from a forkserver whose
path starts with its working directory) import the baseline's ``sim``, which is checked.

Overhead: for ``--overhead-runs`` runs of ``--overhead-consumers`` consumers, the runner's
time per run (see :func:`overhead`: the forkserver's one-time start-up shared by the dose
runs of ``make run``, a worker's start-up shared by its runs in a round, the work around
the model and storing) as a share of the model's own CPU time.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
# this tree's sim (or, in a child timing a baseline, the baseline's), whatever is installed
sys.path[:0] = [os.environ.get("PYTHONPATH") or str(ROOT), str(ROOT / "benchmarks")]
from record import record, verdict  # noqa: E402

from sim.experiments import batch, results, scenarios, storage  # noqa: E402

BASELINE = "392a6ce"  # main before the work on speed: the same mechanisms, none of the kernels
SPEED_UP = 2.0
OVERHEAD_SHARE = 0.05


TREE = Path(os.environ.get("PYTHONPATH") or ROOT)  # the code measured: this tree or a baseline's


def study_specs(runs: int, consumers: int, weeks: int, shares: tuple[float, float] | None = None
                ) -> tuple[list[batch.RunSpec], dict]:
    """``runs`` specs of the main study's settings (the measured tree's own scenario file),
    committed share spread over ``shares`` (default: the scenario's range)."""
    scenario = scenarios.load(TREE / "scenarios" / "essay_claim.toml")
    low, high = shares or (scenario.tipping["low"], scenario.tipping["high"])
    shares = np.linspace(low, high, runs)
    specs = []
    for i, share in enumerate(shares):
        params = batch.resolve_params(scenario.model, {**scenario.params,
                                                       "n_consumers": consumers,
                                                       "committed_share": float(share)})
        specs.append(batch.RunSpec(scenario.model, i, 0, params,
                                   batch.seed_for(scenario.seed, i, 0), weeks))
    manifest = results.manifest(scenario, scenario.resolved(), {"root_seed": scenario.seed})
    return specs, {"manifest": manifest, "reporters": scenario.reporters}


def timed_batch(specs: list[batch.RunSpec], workers: int, manifest: dict,
                reporters: tuple[str, ...] | None) -> float:
    """Seconds for one ``run_batch`` of ``specs`` into a fresh folder."""
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        report = batch.run_batch(specs, Path(out), manifest, workers=workers, progress=False,
                                 reporters=reporters)
        seconds = time.perf_counter() - start
    assert report.n_ok == len(specs), report
    return seconds


def _sim_path() -> str:
    import sim

    return sim.__file__


def worker_sim() -> str:
    """Where the batch's workers import ``sim`` from (they fork from the same forkserver)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver")) as pool:
        return pool.submit(_sim_path).result()


def throughput(runs: int, consumers: int, weeks: int, shares: tuple[float, float]) -> dict:
    specs, extra = study_specs(runs, consumers, weeks, shares)
    seconds = timed_batch(specs, 2, extra["manifest"], extra["reporters"])
    return {"runs": runs, "consumers": consumers, "weeks": weeks, "workers": 2,
            "seconds": seconds, "runs_per_minute": 60 * runs / seconds,
            "worker_sim": worker_sim()}


def start_up() -> tuple[float, float]:
    """(forkserver, worker): the CPU seconds of the forkserver's one-time preload (imports
    and loading the compiled kernels, ``batch.PRELOAD``) in a fresh interpreter, and the
    wall seconds a new pool takes, with the forkserver running, to fork a worker and get
    its first answer (median of 5)."""
    code = ("import importlib, json, time; t = time.process_time(); "
            f"[importlib.import_module(m) for m in {list(batch.PRELOAD)!r}]; "
            "print(json.dumps(time.process_time() - t))")
    forkserver = json.loads(subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(batch.PRELOAD))
    times = []
    for _ in range(6):  # the first starts the forkserver
        t0 = time.perf_counter()
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            pool.submit(_sim_path).result()
        times.append(time.perf_counter() - t0)
    return forkserver, statistics.median(times[1:])


def overhead(runs: int, consumers: int, weeks: int, study_runs: int, batch_runs: int) -> dict:
    """The runner's cost per run beside the model's, counted piece by piece.

    On a shared machine wall-clock differences of a few percent drown in others' load, so
    each piece is timed on its own, in CPU seconds where it is one process's work:

    - the forkserver's preload (imports, loading the compiled kernels), once for the whole
      study: shared by its ``study_runs`` runs;
    - a worker's start-up (forked from the forkserver; wall seconds), once per worker per
      ``run_batch`` call: shared by the ``batch_runs / 2`` runs each of 2 workers does;
    - the worker's work around the model (``execute`` less ``simulate``);
    - the runner's for a finished run (unpickling its result and writing it to a part).
    """
    specs, extra = study_specs(runs, consumers, weeks)
    forkserver, worker = start_up()
    batch.execute(study_specs(1, 100, 2)[0][0])  # imports and compiled kernels, as a worker's
    model_s, around, runner = [], [], []
    for spec in specs:
        t0 = time.process_time()
        batch.MODELS[spec.model](spec.params, spec.steps, spec.seed, spec.every)
        t1 = time.process_time()
        result = batch.execute(spec, extra["reporters"])
        t2 = time.process_time()
        with tempfile.TemporaryDirectory() as out:
            schema = storage.runs_schema(batch.resolve_params(spec.model, {}),
                                         batch.outcome_types(spec.model))
            t3 = time.process_time()
            row, series = pickle.loads(pickle.dumps(result))
            storage.write_part(Path(out), [row], [series], schema)
            t4 = time.process_time()
        model_s.append(t1 - t0)
        around.append((t2 - t1) - (t1 - t0))
        runner.append(t4 - t3)
    model = statistics.median(model_s)
    per_run = (max(0.0, statistics.median(around)) + statistics.median(runner)
               + forkserver / study_runs + worker / max(1, batch_runs // 2))
    return {"runs": runs, "consumers": consumers, "weeks": weeks, "direct_run_s": model,
            "forkserver_start_up_s": forkserver, "worker_start_up_s": worker,
            "batch_runs": batch_runs, "around_model_s": statistics.median(around),
            "store_s": statistics.median(runner), "overhead_per_run_s": per_run,
            "overhead_share": per_run / model, "study_runs": study_runs}


def study_rate(tree: Path, args: argparse.Namespace) -> dict:
    """The throughput figure of the code in ``tree``, measured in a fresh process.

    The child runs in ``tree``: the forkserver the workers fork from puts its working
    directory first on the path, so run from this tree a baseline's workers would import
    this tree's ``sim``. The child reports where its workers' ``sim`` came from, and this
    checks it."""
    scenario = scenarios.load(ROOT / "scenarios" / "essay_claim.toml")  # today's range
    out = subprocess.run([sys.executable, __file__, "--child", "--runs", str(args.runs),
                          "--consumers", str(args.consumers), "--weeks", str(args.weeks),
                          "--shares", str(scenario.tipping["low"]),
                          str(scenario.tipping["high"])],
                         capture_output=True, text=True, check=True, cwd=tree,
                         env={**os.environ, "PYTHONPATH": str(tree)})
    figures = json.loads(out.stdout)
    if not Path(figures["worker_sim"]).resolve().is_relative_to(tree.resolve()):
        raise RuntimeError(f"the workers measuring {tree} ran {figures['worker_sim']}")
    return figures


def compare(args: argparse.Namespace, load: float) -> tuple[dict[str, list[float]], float]:
    """Runs per minute of the baseline's code and the current code, alternating."""
    print(f"tipping study: {args.runs} runs of {args.consumers} consumers x {args.weeks} "
          f"weeks on 2 workers, against {args.baseline}; load average {load:.1f} before")
    rates: dict[str, list[float]] = {"baseline": [], "current": []}
    with tempfile.TemporaryDirectory() as old:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.baseline],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", old], input=archive, check=True)
        for _ in range(args.repeats):
            for name, tree in (("baseline", Path(old)), ("current", ROOT)):
                rates[name].append(study_rate(tree, args)["runs_per_minute"])
                print(f"  {name:>8}: {rates[name][-1]:6.1f} runs/min", flush=True)
    base, now = (statistics.median(rates[k]) for k in ("baseline", "current"))
    print(f"  median {now:.1f} runs/min against {base:.1f}: {now / base:.2f}x, target at least "
          f"{SPEED_UP:.0f}x: {verdict(now / base, SPEED_UP, below=False)}", flush=True)
    return rates, now / base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=24)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--baseline", default=BASELINE, help="git commit to compare with")
    parser.add_argument("--consumers", type=int, default=2000)
    parser.add_argument("--weeks", type=int, default=520)
    parser.add_argument("--overhead-consumers", type=int, default=10_000)
    parser.add_argument("--overhead-runs", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="write benchmarks/results.json")
    parser.add_argument("--only-overhead", action="store_true", help="skip the study")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--shares", type=float, nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(throughput(args.runs, args.consumers, args.weeks, tuple(args.shares))))
        return
    load = os.getloadavg()[0]
    rates: dict[str, list[float]] = {"baseline": [], "current": []}
    speed_up = None
    if not args.only_overhead:
        rates, speed_up = compare(args, load)
    main = scenarios.load(ROOT / "scenarios" / "essay_claim.toml")
    rounds = main.tipping["batch"]
    study_runs = main.tipping["budget"] * len(main.arms)  # the dose runs of `make run`
    cost = overhead(args.overhead_runs, args.overhead_consumers, args.weeks, study_runs,
                    rounds)
    print(f"runner overhead: forkserver start-up {cost['forkserver_start_up_s']:.2f} CPU s "
          f"(once per study, shared by the {study_runs} dose runs of `make run`; "
          f"{cost['forkserver_start_up_s'] / args.runs:.3f} s each in a study of {args.runs}), "
          "worker start-up "
          f"{cost['worker_start_up_s']:.3f} s (shared by the {rounds // 2} runs a worker does "
          f"in a round of {rounds}), around the model {cost['around_model_s']:+.3f}, storing "
          f"{cost['store_s']:.3f}: {cost['overhead_per_run_s']:.3f} s per run of "
          f"{cost['consumers']} consumers x {cost['weeks']} weeks = "
          f"{cost['overhead_share']:.1%} of the model's {cost['direct_run_s']:.1f} s, "
          f"target under {OVERHEAD_SHARE:.0%}: "
          f"{verdict(cost['overhead_share'], OVERHEAD_SHARE)}")
    print(f"load average {os.getloadavg()[0]:.1f} after")
    if args.json:
        record("study", {"baseline": args.baseline, "runs": args.runs,
                         "consumers": args.consumers, "weeks": args.weeks,
                         "runs_per_minute": rates, "speed_up": speed_up,
                         "overhead": cost, "load_before": load})


if __name__ == "__main__":
    main()
