"""The batch runner: every (point, replicate) of a scenario, on local processes or Dask.

Each run is a :class:`RunSpec`. Its seed comes from the scenario's root seed and its
(point, replicate) pair alone (:func:`seed_for`), its id from a hash of what determines its
result (:attr:`RunSpec.run_id`), so a run's values do not depend on which worker ran it or
when. :func:`run_batch` runs the specs not yet stored, a few at a time through a
``concurrent.futures`` executor, and stores finished runs in parts
(``sim.experiments.storage``); the runner holds at most a part's worth of results, so its
memory stays flat.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import sys
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from sim.experiments import storage
from sim.experiments.results import SEED_RULE  # noqa: F401 (recorded by the studies)
from sim.model.registry import MODELS, outcome_types, resolve_params

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunSpec:
    """One run: a model, its resolved parameters, a seed and a length."""

    model: str  # a registered model, or MODEL_forks (sim.experiments.forks)
    point_id: int
    replicate: int
    params: dict[str, Any]
    seed: int
    steps: int
    every: int = 1

    @property
    def run_id(self) -> str:
        """16 hex digits of the SHA-256 of the model, sorted parameters, seed, steps, every."""
        key = json.dumps({"model": self.model, "params": self.params, "seed": self.seed,
                          "steps": self.steps, "every": self.every}, sort_keys=True)
        return hashlib.sha256(key.encode()).hexdigest()[:16]


@dataclass
class BatchReport:
    """What :func:`run_batch` did: runs asked for, already stored, run ok, run and failed."""

    n_total: int = 0
    n_skipped: int = 0
    n_ok: int = 0
    n_failed: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


def seed_for(root_seed: int, point_id: int, replicate: int) -> int:
    """The seed of run (``point_id``, ``replicate``): a 63-bit integer.

    The child ``SeedSequence(root_seed, spawn_key=(point_id, replicate))`` is the one that
    ``SeedSequence(root_seed).spawn(point_id + 1)[point_id].spawn(replicate + 1)[replicate]``
    gives; its first two 32-bit words make the seed. It depends on nothing else, so neither
    the number of workers nor the order of runs changes it.
    """
    words = np.random.SeedSequence(root_seed, spawn_key=(point_id, replicate)).generate_state(
        2, np.uint32)
    return ((int(words[0]) << 32) | int(words[1])) >> 1


def run_specs(scenario: Any, point_id: int, overrides: dict[str, Any],
              replicates: Iterable[int]) -> list[RunSpec]:
    """The runs ``replicates`` of point ``point_id`` of ``scenario``: its ``[params]``
    updated by ``overrides``, its model, root seed, steps and ``every``. Every study builds
    its runs here."""
    params = resolve_params(scenario.model, {**scenario.params, **overrides})
    return [RunSpec(scenario.model, point_id, r, params, seed_for(scenario.seed, point_id, r),
                    scenario.steps, scenario.every) for r in replicates]


def specs_for(scenario: Any) -> list[RunSpec]:
    """Every (point, replicate) of ``scenario``'s sweep and sample, in point order."""
    return [spec for point_id, point in enumerate(scenario.points())
            for spec in run_specs(scenario, point_id, point, range(scenario.replicates))]


def execute(spec: RunSpec, reporters: tuple[str, ...] | None = None
            ) -> tuple[dict[str, Any], dict[str, np.ndarray] | None]:
    """Run one spec (in a worker): its runs-table row and its series as a dict of numpy
    columns (None if it failed), which the runner joins column by column.

    An exception in the model or in reading its results is caught and recorded as status
    "failed" with its message, so the run is stored, never dropped.
    """
    row = {"run_id": spec.run_id, "point_id": spec.point_id, "replicate": spec.replicate,
           "seed": spec.seed, **spec.params}
    names = outcome_types(spec.model)
    try:
        series, outcomes = MODELS[spec.model](spec.params, spec.steps, spec.seed, spec.every)
        if reporters:  # the key columns (step, and sector where there are sectors) stay
            series = series[[c for c in ("step", "sector") if c in series] + list(reporters)]
        series.insert(0, "run_id", spec.run_id)
        columns = {name: _plain(column) for name, column in series.items()}
        values = {k: outcomes.get(k) for k in names}
    except Exception as error:
        return {**row, **dict.fromkeys(names), "status": "failed",
                "error": f"{type(error).__name__}: {error}"}, None
    return {**row, **values, "status": "ok", "error": None}, columns


def _plain(column: pd.Series) -> np.ndarray:
    """A series column as a numpy array; nullable numbers as floats with NaN for missing."""
    if isinstance(column.dtype, pd.api.extensions.ExtensionDtype) and (
            pd.api.types.is_numeric_dtype(column)):
        return column.to_numpy(dtype=float, na_value=np.nan)
    return column.to_numpy()


class _Buffer:
    """Finished runs not stored yet, written as one part when full or old enough."""

    def __init__(self, out: Path, schema: Any, part_size: int, flush_seconds: float) -> None:
        self.out, self.schema = out, schema
        self.part_size, self.flush_seconds = part_size, flush_seconds
        self.rows: list[dict[str, Any]] = []
        self.series: list[dict[str, np.ndarray]] = []
        self.since = time.monotonic()

    def add(self, row: dict[str, Any], series: dict[str, np.ndarray] | None) -> None:
        self.rows.append(row)
        if series is not None:
            self.series.append(series)

    def due(self) -> bool:
        return (len(self.rows) >= self.part_size
                or time.monotonic() - self.since >= self.flush_seconds)

    def flush(self) -> None:
        if self.rows:
            storage.write_part(self.out, self.rows, self.series, self.schema)
            self.rows, self.series = [], []
        self.since = time.monotonic()


_NAMED: set[str] = set()  # the schedulers whose sampling workers this process has named


def _samples_stacks(dask_worker: Any = None) -> bool:
    """Run on a Dask worker: whether it samples its threads' stacks (Dask's profiler)."""
    return "profile" in getattr(dask_worker, "periodic_callbacks", {})


def _sampling_workers(client: Any) -> int:
    """How many of ``client``'s workers sample their stacks (0 where it cannot be asked).

    Dask's statistical profiler (on by default) reads every worker thread's stack every
    10 ms on the worker's event loop, holding the GIL while it walks the frames: for runs
    that are mostly Python and numba, it made six worlds of the worlds study take 7 to 24%
    longer on a local Dask cluster of 2 workers than on local processes, against a median
    4% without it (``benchmarks/bench_worlds.py --with-profiler``, docs/performance.md). The
    runner
    does not switch it off on a cluster it did not start; it says so (a warning in the
    log), once per scheduler in a process."""
    try:
        return sum(bool(v) for v in client.run(_samples_stacks).values())
    except Exception:  # a cluster that refuses client.run: nothing to say
        return 0


# imported by the forkserver, once
PRELOAD = ("sim.experiments.batch", "mesa", "sim.experiments.kernel_preload")


@contextmanager
def _executor(workers: int | None, dask: str | None) -> Iterator[tuple[Executor, int]]:
    """A ``concurrent.futures`` executor and how many runs it runs at once."""
    if dask:
        from distributed import Client

        try:
            client = Client(dask, timeout=10, set_as_default=False)
        except OSError as error:
            raise ConnectionError(f"cannot reach the Dask scheduler at {dask} ({error})"
                                  ) from None
        executor: Executor = client.get_executor(pure=False)
        slots = max(1, sum(client.nthreads().values()))
        sampling = 0 if dask in _NAMED else _sampling_workers(client)  # asked until named
        if sampling:
            _NAMED.add(dask)
            LOG.warning("%d of %d Dask workers at %s sample their stacks every few "
                        "milliseconds (Dask's profiler), which made the worlds study 7 to 24%% "
                        "slower on 2 workers (docs/cluster.md); start them with "
                        "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False",
                        sampling, len(client.nthreads()), dask)
    else:
        client = None
        slots = workers or len(os.sched_getaffinity(0))
        context = multiprocessing.get_context("forkserver")
        # workers start with the model loaded
        context.set_forkserver_preload(list(PRELOAD))
        executor = ProcessPoolExecutor(slots, mp_context=context)
    finished = False
    try:
        yield executor, slots
        finished = True
    finally:
        if client is None:
            executor.shutdown(wait=finished, cancel_futures=not finished)
        else:
            executor.shutdown(wait=finished)  # without waiting, Dask cancels what is pending
            client.close()


def run_batch(specs: list[RunSpec], out: Path, manifest: dict[str, Any],
              workers: int | None = None, dask: str | None = None, progress: bool = True,
              reporters: tuple[str, ...] | None = None, part_size: int = 200,
              flush_seconds: float = 30.0) -> BatchReport:
    """Run the ``specs`` not yet stored under ``out`` and store them as they finish.

    Runs go to ``workers`` local processes (default: one per core) or, given ``dask``
    (``tcp://HOST:PORT``), to that Dask cluster. Finished runs are stored as a part every
    ``part_size`` runs or ``flush_seconds`` seconds, whichever comes first, and on the way
    out of an interrupt or error, so a crash loses at most one unwritten part. ``reporters``
    keeps only those series columns. ``out`` holding another scenario's results raises
    :class:`sim.experiments.storage.ResultsFolderError`.
    """
    start = time.perf_counter()
    out = Path(out)
    kinds = {s.model for s in specs}
    if len(kinds) > 1:
        raise ValueError(f"one model per batch, got {sorted(kinds)}")
    report = BatchReport(n_total=len(specs))
    with storage.open_folder(out, manifest):
        seen = storage.stored_run_ids(out)
        todo = []
        for spec in specs:
            if spec.run_id not in seen:
                seen.add(spec.run_id)
                todo.append(spec)
        report.n_skipped = len(specs) - len(todo)
        if todo:
            model = todo[0].model
            schema = storage.runs_schema(resolve_params(model, {}), outcome_types(model))
            buffer = _Buffer(out, schema, part_size, flush_seconds)
            # the bar after the executor, so that what connecting says comes before it
            with _executor(workers, dask) as (executor, slots), tqdm(
                    total=len(specs), initial=report.n_skipped, unit="run", file=sys.stderr,
                    disable=not progress, mininterval=0.5, dynamic_ncols=True) as bar:
                try:
                    # Local processes share one queue, so two runs per slot keep them fed;
                    # Dask places a task on a worker when it is submitted, so runs queued
                    # behind a long one would wait while another worker idles: one per slot.
                    in_flight = slots if dask else 2 * slots
                    _drain(iter(todo), executor, in_flight, reporters, buffer, report, bar)
                finally:
                    buffer.flush()
    report.seconds = time.perf_counter() - start
    return report


def _drain(queue: Iterator[RunSpec], executor: Executor, in_flight: int,
           reporters: tuple[str, ...] | None, buffer: _Buffer, report: BatchReport,
           bar: tqdm) -> None:
    """Keep ``in_flight`` runs submitted until ``queue`` is empty; buffer what finishes."""
    pending: set[Future] = set()
    while True:
        while len(pending) < in_flight and (spec := next(queue, None)) is not None:
            pending.add(executor.submit(execute, spec, reporters))
        if not pending:
            return
        done, pending = wait(pending, timeout=buffer.flush_seconds,
                             return_when=FIRST_COMPLETED)
        for future in done:
            row, series = future.result()
            buffer.add(row, series)
            if series is not None:
                report.n_ok += 1
                continue
            report.n_failed += 1
            if len(report.errors) < 3 and row["error"] not in report.errors:
                report.errors.append(row["error"])
        bar.update(len(done))
        if buffer.due():
            buffer.flush()
