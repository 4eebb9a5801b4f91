"""Shared by the batch tests: the tiny sweep, its uninterrupted reference run, and digests
that compare stored tables to the last bit."""

import hashlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from sim.experiments import batch, results, scenarios, storage

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny_sweep.toml"


def frame_digest(frame: pd.DataFrame) -> str:
    """SHA-256 of a table's column names, types and every value's bits (floats as their
    64-bit patterns, so -0.0, 0.0 and NaN payloads all differ)."""
    h = hashlib.sha256(repr([(c, str(t)) for c, t in frame.dtypes.items()]).encode())
    h.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return h.hexdigest()


@pytest.fixture(scope="session")
def digests() -> Callable[[Path], tuple[str, str]]:
    """``digests(DIR)``: (runs table digest, series digest) of a results folder."""
    return lambda out: (frame_digest(storage.load_runs(out)),
                        frame_digest(storage.load_series(out)))


@pytest.fixture(scope="session")
def tiny() -> scenarios.Scenario:
    return scenarios.load(TINY)


@pytest.fixture(scope="session")
def reference(tiny, tmp_path_factory) -> Path:
    """The tiny sweep run once, uninterrupted, on one local worker."""
    out = tmp_path_factory.mktemp("reference")
    manifest = results.manifest(tiny, tiny.resolved(), {"root_seed": tiny.seed})
    report = batch.run_batch(batch.specs_for(tiny), out, manifest, workers=1,
                             progress=False, part_size=7)
    assert (report.n_total, report.n_ok, report.n_failed, report.n_skipped) == (40, 40, 0, 0)
    return out
