"""Writing results: whole files or nothing, each with a manifest beside the tables."""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.atomic import write_atomic, write_text
from sim.experiments.provenance import code_version, package_versions


def manifest(scenario: Any, params: dict[str, Any], seeds: Any, **extra: Any) -> dict:
    """The provenance record written beside every result."""
    return {
        "scenario": {"name": scenario.name, "path": str(scenario.path or ""),
                     "text": scenario.text},
        "params": params,
        "seeds": seeds,
        "code_version": code_version(),
        "packages": package_versions(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        **extra,
    }


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
    """Write one run's folder (manifest.json, series.parquet, summary.json) all at once.

    The files are written into a temporary folder beside ``out`` which then replaces it, so
    a crash leaves either the old folder or the new one, never a mix.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}."))
    try:
        write_json(tmp / "manifest.json", manifest_data)
        write_parquet(tmp / "series.parquet", series)
        write_json(tmp / "summary.json", summary)
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(out, old)
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
