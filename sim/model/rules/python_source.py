"""The rules run from their Python source: inside ``with python_source():`` every compiled
function of ``sim.model.rules`` is replaced by the Python function numba compiled it from
(its ``py_func``), so each consumer's rule runs one consumer at a time, in plain Python.

The tests run each rule both ways on the same state and compare the results to the bit;
the benchmark times the Python source as the agent-by-agent reference. Compile a rule (run
it once) before entering: inside the block nothing is compiled.
"""

from __future__ import annotations

import contextlib
import importlib
import pkgutil
from collections.abc import Iterator

from numba.core.dispatcher import Dispatcher

import sim.model.rules


@contextlib.contextmanager
def python_source() -> Iterator[None]:
    """Run every compiled rule from its Python source for the duration of the block."""
    modules = [importlib.import_module(f"sim.model.rules.{info.name}")
               for info in pkgutil.iter_modules(sim.model.rules.__path__)]
    swapped = [(module, name, value) for module in modules
               for name, value in vars(module).items() if isinstance(value, Dispatcher)]
    try:
        for module, name, value in swapped:
            setattr(module, name, value.py_func)
        yield
    finally:
        for module, name, value in swapped:
            setattr(module, name, value)
