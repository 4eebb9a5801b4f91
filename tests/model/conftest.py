"""The fixture ``same_bits``: run a compiled rule and its own Python source (numba's
``py_func``) on the same state and compare what they write and return, to the bit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from sim.model.rules.python_source import python_source


def bits(value: Any) -> Any:
    """A value as exact bits: arrays and floats by their bytes (so -0.0 differs from 0.0),
    records and tuples field by field."""
    if isinstance(value, tuple):
        return tuple(bits(v) for v in value)
    if isinstance(value, dict):
        return {k: bits(v) for k, v in value.items()}
    array = np.asarray(value)
    if array.dtype == bool or array.dtype.kind in "iu":
        return array.shape, array.astype(np.int64).tobytes()
    return array.shape, array.astype(np.float64).tobytes()


def compiled_and_python(run: Callable[[], Any]) -> tuple[Any, Any]:
    """``run()`` (which builds its state afresh and calls the rule through its module, e.g.
    ``weekly.recommend``) compiled, then from the Python source; returns both results."""
    compiled = run()
    with python_source():
        python = run()
    return compiled, python


def assert_same_bits(run: Callable[[], Any]) -> Any:
    """``run()`` compiled and from its Python source give the same bits; returns the result."""
    compiled, python = compiled_and_python(run)
    assert bits(compiled) == bits(python)
    return compiled


@pytest.fixture
def same_bits() -> Callable[[Callable[[], Any]], Any]:
    """:func:`assert_same_bits`, for tests."""
    return assert_same_bits
