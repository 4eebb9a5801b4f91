"""Golden baseline: whole small runs reproduce their stored series and outcomes bit for bit.

The stored runs are in ``tests/golden/`` and only ``make baseline``
(``scripts/refresh_baseline.py``) rewrites them.
"""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
REFRESH = "run `make baseline` and say why in the commit"


def _refresh_script() -> Any:
    spec = importlib.util.spec_from_file_location("refresh_baseline",
                                                  ROOT / "scripts" / "refresh_baseline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BASELINE = _refresh_script()


def _bits(value: Any) -> Any:
    """A value compared exactly: floats by their hex form (so -0.0 differs from 0.0)."""
    return float.hex(value) if isinstance(value, float) and not math.isnan(value) else value


def _first_difference(stored: list, now: list) -> str | None:
    if len(stored) != len(now):
        return f"{len(now)} rows, stored {len(stored)}"
    for i, (a, b) in enumerate(zip(stored, now, strict=True)):
        if _bits(a) != _bits(b) or type(a) is not type(b):
            return f"row {i}: {b!r}, stored {a!r}"
    return None


def test_every_case_is_stored():
    assert sorted(p.stem for p in GOLDEN.glob("*.json")) == sorted(BASELINE.CASES), (
        f"tests/golden/ does not hold the cases of scripts/refresh_baseline.py: {REFRESH}")


@pytest.mark.parametrize("name", sorted(BASELINE.CASES))
def test_run_matches_the_golden_baseline_to_the_last_bit(name):
    stored = json.loads(BASELINE.case_file(name).read_text())
    params, steps, seed = BASELINE.CASES[name]
    assert (stored["params"], stored["steps"], stored["seed"]) == (params, steps, seed), (
        f"case {name!r} is defined differently from its stored run: {REFRESH}")
    now = BASELINE.run_case(params, steps, seed)
    assert list(now["series"]) == list(stored["series"]), (
        f"case {name!r}: series columns {list(now['series'])}, stored "
        f"{list(stored['series'])}; if intended, {REFRESH}")
    for column, values in stored["series"].items():
        where = _first_difference(values, now["series"][column])
        assert where is None, (
            f"case {name!r}, series {column!r} differs from the golden baseline at {where}; "
            f"if the model's output was meant to change, {REFRESH}")
    outcomes = {k: _bits(v) for k, v in now["outcomes"].items()}
    assert outcomes == {k: _bits(v) for k, v in stored["outcomes"].items()}, (
        f"case {name!r}: outcomes {now['outcomes']}, stored {stored['outcomes']}; "
        f"if the model's output was meant to change, {REFRESH}")
