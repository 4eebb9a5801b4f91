"""Every study the command line runs, in one list.

A study is three pieces, each written once:

- its **plan**: the scenario tables it reads, declared as
  :class:`sim.experiments.scenario_tables.Setting` records (``TABLES``: table name to
  declaration), and ``plan_from(scenario)``, which checks them with
  :func:`sim.experiments.scenario_tables.check_table` and returns the plan;
- its **measure**: ``run_study(scenario, out, workers=, dask=, progress=)``, which runs its
  runs through the batch runner (:func:`sim.experiments.batch.run_batch`: stored,
  resumable, on local processes or Dask, with progress), reads them back and writes its
  result as JSON;
- its **report**: a function of the result and the scenario's description that returns the
  text of ``report.md`` (written atomically by :meth:`Study.write_report`).

Each entry names the modules that hold them and is imported only when asked for, so that
the command line starts without loading every study. ``tests/studies/test_catalogue.py``
checks every entry: its settings go through the one checker, its runs through the batch
runner. The validation suite is not a study of its own: it runs scenarios through the
tipping and fork studies listed here (:mod:`sim.studies.validation.runner`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Study:
    """One study: the command (and results-folder kind) that runs it and where its pieces
    live."""

    name: str
    plan_module: str  # TABLES and plan_from(scenario)
    measure_module: str  # run_study(scenario, out, workers=, dask=, progress=)
    report_function: str  # "module:function", (result, description) -> report text
    kind: str  # the kind of its results folder (its manifest's "kind")
    folder: str = "{scenario}"  # its default results folder under results/
    # "module:function", (out, result, description) -> report path, for a study whose
    # report needs more than its result (figures drawn first, a per-world table read back)
    writer: str | None = None

    @property
    def tables(self) -> dict[str, dict[str, Any]]:
        """The scenario tables the study reads, each its declaration of Settings."""
        return importlib.import_module(self.plan_module).TABLES

    @property
    def plan(self) -> Callable[[Any], Any]:
        """``plan_from(scenario)``: the study's settings checked."""
        return importlib.import_module(self.plan_module).plan_from

    @property
    def run(self) -> Callable[..., dict[str, Any]]:
        """``run_study(scenario, out, workers=, dask=, progress=)``: the runs, measured."""
        return importlib.import_module(self.measure_module).run_study

    @property
    def report(self) -> Callable[..., str]:
        """The report writer: ``(result, description)`` to the text of ``report.md``."""
        module, function = self.report_function.split(":")
        return getattr(importlib.import_module(module), function)

    def write_report(self, out: Path, result: dict[str, Any], description: str = "") -> Path:
        """Write ``out/report.md`` from ``result``, atomically (by the study's ``writer``
        where it has one); return its path."""
        if self.writer:
            module, function = self.writer.split(":")
            return getattr(importlib.import_module(module), function)(out, result, description)
        from sim.experiments.results import write_report

        return write_report(out, self.report(result, description))


STUDIES: dict[str, Study] = {s.name: s for s in (
    Study("tipping", "sim.studies.tipping.study", "sim.studies.tipping.study",
          "sim.outputs.report:tipping_report", "tipping"),
    Study("verdict", "sim.studies.verdict.study", "sim.studies.verdict.study",
          "sim.outputs.verdict_report:verdict_report", "verdict"),
    Study("forks", "sim.studies.fork_study", "sim.studies.fork_study",
          "sim.outputs.report:forks_report", "fork_study", "{scenario}-forks"),
    Study("worlds", "sim.studies.worlds.plan", "sim.studies.worlds.study",
          "sim.outputs.worlds:report", "worlds", writer="sim.outputs.worlds:write"),
    Study("cascade", "sim.studies.cascade", "sim.studies.cascade",
          "sim.outputs.cascade:report", "cascade"),
    Study("sensitivity", "sim.studies.sensitivity", "sim.studies.sensitivity",
          "sim.outputs.report:sensitivity_report", "sensitivity"),
    Study("analyze", "sim.studies.analysis_study", "sim.studies.analysis_study",
          "sim.outputs.report:analysis_report", "analysis"),
)}
