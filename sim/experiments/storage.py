"""Sweep results on disk: Parquet datasets written part by part, each part whole or absent.

A results folder ``DIR`` holds::

    DIR/manifest.json           provenance and the whole scenario text, written first
    DIR/runs/part-*.parquet     one row per run: ids, seed, parameters, outcomes, status, error
    DIR/series/part-*.parquet   per kept step: run_id, step, reporters (float64)

Each file is written to a hidden temporary name and renamed into place. A series part is
renamed before the runs part of the same name, and only runs parts count as stored, so a
crash loses at most the parts being written and never leaves a run half stored.
``pandas.read_parquet(DIR / "runs")`` reads a table whole; the loaders below add sorting,
nullable outcome types and filtering.
"""

from __future__ import annotations

import fcntl
import json
import logging
import time
import tomllib
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from sim.errors import UserError
from sim.experiments.atomic import write_atomic
from sim.experiments.destination import check_out, check_readable
from sim.experiments.results import write_json

LOG = logging.getLogger(__name__)

ID_COLUMNS = ("run_id", "point_id", "replicate", "seed")
_ARROW = {"bool": pa.bool_(), "int64": pa.int64(), "float64": pa.float64(),
          "string": pa.string()}
_NULLABLE = {pa.int64(): "Int64", pa.bool_(): "boolean"}


class ResultsFolderError(UserError):
    """A results folder that holds another scenario's results, or is busy (exit status 2)."""


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    raise TypeError(f"cannot store a parameter value of type {type(value).__name__}")


def runs_schema(params: dict[str, Any], outcome_types: dict[str, str]) -> pa.Schema:
    """The runs table's schema: ids and parameters never null, outcomes and error nullable.

    Parameter types come from the values in ``params`` (a model's resolved defaults).
    """
    fields = [pa.field("run_id", pa.string(), nullable=False)]
    fields += [pa.field(c, pa.int64(), nullable=False) for c in ID_COLUMNS[1:]]
    fields += [pa.field(k, _ARROW[_kind(v)], nullable=False) for k, v in params.items()]
    fields += [pa.field(k, _ARROW[t]) for k, t in outcome_types.items()]
    fields += [pa.field("status", pa.string(), nullable=False), pa.field("error", pa.string())]
    return pa.schema(fields)


def _series_table(series: list[Mapping[str, Any]]) -> pa.Table:
    """Series of several runs as one table: run_id, step, then reporters as float64.

    Each run's series maps column names to equal-length columns (a DataFrame, or the
    dict of numpy arrays the batch runner's workers send)."""
    names = list(series[0].keys())
    if all(list(s.keys()) == names for s in series):  # the usual case: column by column
        frame = pd.DataFrame({c: np.concatenate([np.asarray(s[c]) for s in series])
                              for c in names}, copy=False)
    else:  # runs with different reporters: missing values become NaN
        frame = pd.concat([pd.DataFrame(dict(s)) for s in series], ignore_index=True)
    fields = [pa.field("run_id", pa.string()), pa.field("step", pa.int64())]
    for column in frame.columns[2:]:
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        frame[column] = frame[column].astype("float64" if numeric else str)
        fields.append(pa.field(column, pa.float64() if numeric else pa.string()))
    return pa.Table.from_pandas(frame, schema=pa.schema(fields), preserve_index=False)


def write_part(out: Path, rows: list[dict[str, Any]], series: list[Mapping[str, Any]],
               schema: pa.Schema) -> str:
    """Store finished runs (``rows``) and their series as one new part; return its name."""
    name = f"part-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.parquet"
    if series:
        frame = _series_table(series)
        write_atomic(Path(out) / "series" / name, lambda tmp: pq.write_table(frame, tmp))
    table = pa.Table.from_pylist(rows, schema=schema)
    write_atomic(Path(out) / "runs" / name, lambda tmp: pq.write_table(table, tmp))
    return name


def _fingerprint(manifest: dict[str, Any]) -> tuple[Any, Any]:
    """What must match to add runs to a folder: the parsed scenario and the base params."""
    text = manifest.get("scenario", {}).get("text", "")
    try:
        scenario: Any = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        scenario = text
    canonical = json.dumps([scenario, manifest.get("params")], sort_keys=True, default=str)
    return json.loads(canonical)


def check_manifest(out: Path, manifest: dict[str, Any]) -> None:
    """Refuse to add runs of ``manifest`` to ``out`` if it holds another scenario's results,
    or this scenario's with other parameter values (nothing is written)."""
    out = Path(out)
    path = out / "manifest.json"
    if not path.is_file():
        return
    old = json.loads(path.read_text(encoding="utf-8"))
    old_scenario, old_params = _fingerprint(old)
    new_scenario, new_params = _fingerprint(manifest)
    where = f"{out}: manifest.json"
    if old_scenario != new_scenario:
        about = old.get("scenario", {})
        raise ResultsFolderError(
            f"{where}: holds the results of another scenario ('{about.get('name')}' from "
            f"{about.get('path') or 'unknown file'}); choose another --out or remove it")
    if old_params != new_params:
        changed = sorted(k for k in {**old_params, **new_params}
                         if old_params.get(k) != new_params.get(k))
        raise ResultsFolderError(
            f"{where}: holds results of this scenario with other parameter values "
            f"({', '.join(changed)}; did the model's defaults change?); choose another --out "
            "or remove it")


def _note_code_change(out: Path, manifest: dict[str, Any]) -> None:
    """Warn when runs are added to a folder that other code started: run ids hash the
    model, parameters and seed, not the code, so the stored runs are kept as they are."""
    path = out / "manifest.json"
    if not path.is_file():
        return
    then = json.loads(path.read_text(encoding="utf-8")).get("code_version")
    now = manifest.get("code_version")
    if then and now and then != now:
        LOG.warning("note: %s: these results were started by code version %s, this is %s; "
                    "the %d stored runs are kept (use another --out to redo them all)",
                    path, then, now, len(stored_run_ids(out)))


def _tidy(out: Path) -> None:
    """Remove temporary files and series parts whose runs part was never written."""
    for folder in (out / "runs", out / "series"):
        for tmp in folder.glob(".part-*.tmp"):
            tmp.unlink()
    for part in (out / "series").glob("part-*.parquet"):
        if not (out / "runs" / part.name).exists():
            part.unlink()


@contextmanager
def open_folder(out: Path, manifest: dict[str, Any]) -> Iterator[None]:
    """Hold ``out`` for writing: refuse a folder :func:`check_out` refuses, another
    scenario's folder or one that another sweep is writing; write the manifest if it is
    new; clear what a crash left behind."""
    out = Path(check_out(out, manifest.get("kind", "sweep")))
    check_readable(out)
    check_manifest(out, manifest)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ResultsFolderError(f"{out}: .lock: another sweep is writing to this "
                                     "folder") from None
        check_manifest(out, manifest)
        _note_code_change(out, manifest)
        if not (out / "manifest.json").exists():
            write_json(out / "manifest.json", manifest)
        _tidy(out)
        yield


def _parts(folder: Path) -> list[Path]:
    return sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []


def _dataset(parts: list[Path]) -> ds.Dataset:
    return ds.dataset([str(p) for p in parts], format="parquet")


def stored_run_ids(out: Path | str) -> set[str]:
    """The ids of every run stored under ``out/runs``."""
    parts = _parts(Path(out) / "runs")
    if not parts:
        return set()
    return set(_dataset(parts).to_table(columns=["run_id"]).column("run_id").to_pylist())


def load_runs(out: Path | str) -> pd.DataFrame:
    """The runs table, one row per run sorted by point, replicate and run id.

    Nullable integer and boolean outcomes come back as pandas ``Int64`` and ``boolean``
    (``<NA>`` where the run gave None or failed); float outcomes use NaN.
    """
    parts = _parts(Path(out) / "runs")
    if not parts:
        return pd.DataFrame()
    table = _dataset(parts).to_table()
    frame = table.to_pandas()
    for f in table.schema:
        if f.nullable and f.type in _NULLABLE:
            frame[f.name] = frame[f.name].astype(_NULLABLE[f.type])
    return frame.sort_values(["point_id", "replicate", "run_id"], ignore_index=True)


def load_series(out: Path | str, run_ids: Any = None) -> pd.DataFrame:
    """The stored series (run_id, step, reporters), of ``run_ids`` only if given, sorted by
    run and step. Series parts left by a crash before their runs part are ignored."""
    out = Path(out)
    parts = [p for p in _parts(out / "series") if (out / "runs" / p.name).exists()]
    if not parts:
        return pd.DataFrame()
    wanted = None if run_ids is None else ds.field("run_id").isin(sorted(run_ids))
    frame = _dataset(parts).to_table(filter=wanted).to_pandas()
    return frame.sort_values(["run_id", "step"], ignore_index=True)
