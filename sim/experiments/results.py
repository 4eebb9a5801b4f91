"""Writing results: whole files or nothing, each with a manifest beside the tables."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.atomic import write_atomic, write_text
from sim.experiments.destination import FORMAT, PROJECT, check_out, check_readable
from sim.experiments.provenance import code_version, package_versions

# How every run's seed follows from the root seed (sim.experiments.batch.seed_for), as
# every manifest records it.
SEED_RULE = ("seed = the 2 uint32 words of SeedSequence(root_seed, spawn_key=(point_id, "
             "replicate)).generate_state(2) as one 64-bit integer, shifted right by 1")


def stamp(kind: str, **extra: Any) -> dict:
    """What every manifest starts with: the project, the kind of result, the code and
    package versions and the time (a folder with it is this project's results folder)."""
    return {"project": PROJECT, "kind": kind, "format": FORMAT, "code_version": code_version(),
            "packages": package_versions(),
            "created": datetime.now(UTC).isoformat(timespec="seconds"), **extra}


def manifest(scenario: Any, params: dict[str, Any], seeds: Any, kind: str = "run",
             **extra: Any) -> dict:
    """The provenance record written beside every result of ``kind``."""
    return stamp(kind, scenario={"name": scenario.name, "path": str(scenario.path or ""),
                                 "text": scenario.text},
                 params=params, seeds=seeds, **extra)


def study_folder(out: Path | str, scenario: Any, kind: str, **extra: Any) -> Path:
    """A study's results folder: ``out`` checked (:func:`check_out`: only a new or empty
    folder, or this project's folder of the same kind) and its manifest written at its top,
    before anything is computed; the study's runs go in folders below it."""
    out = Path(check_out(out, kind))
    check_readable(out)
    write_json(out / "manifest.json", manifest(
        scenario, dict(scenario.params), {"root_seed": scenario.seed, "rule": SEED_RULE},
        kind=kind, steps=scenario.steps, **extra))
    return out


def json_ready(value: Any) -> Any:
    """``value`` with numpy scalars as Python numbers and NaN or infinities as None, through
    dicts, lists and tuples: what JSON can hold without loss of meaning."""
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"not JSON serialisable: {value!r}")


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as indented JSON, atomically (numpy scalars as plain numbers)."""
    write_text(path, json.dumps(data, indent=2, default=_json_default) + "\n")


def write_report(out: Path | str, text: str, name: str = "report.md") -> Path:
    """Write a study's report ``text`` to ``out/name``, atomically; return its path."""
    return write_text(Path(out) / name, text)


def write_parquet(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` as a Parquet file (no index), atomically."""
    write_atomic(path, lambda tmp: frame.to_parquet(tmp, index=False))


def write_run(out: Path, manifest_data: dict, series: pd.DataFrame, summary: dict) -> None:
    """Write one run's folder (manifest.json, series.parquet, summary.json), each file whole.

    ``out`` must pass :func:`check_out` for a run. The summary of a run stored there before
    is removed first and the new one written last, so a crash leaves a folder without
    ``summary.json`` (an unfinished run), never one run's series under another's summary;
    nothing else in the folder is touched.
    """
    out = Path(check_out(out, "run"))
    (out / "summary.json").unlink(missing_ok=True)
    write_json(out / "manifest.json", manifest_data)
    write_parquet(out / "series.parquet", series)
    write_json(out / "summary.json", summary)
