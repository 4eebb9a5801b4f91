"""The one shape of a study's command: ``run.py NAME SCENARIO [batch options]``.

:func:`add_study_parser` declares the sub-command (the scenario and the batch options);
:func:`run_study_command` loads the scenario, checks the study's settings (its plan) before
anything is written, opens its results folder, runs it through the batch runner, stores the
network snapshots a ``[snapshots]`` table asks for, and writes ``report.md``. What a command
prints before and after is its own.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from sim.cli.catalogue import STUDIES
from sim.cli.options import ROOT, add_batch_options, batch_guard, out_folder


class StudyRun(NamedTuple):
    """What a study's command ran: the scenario, its plan, the folder, the result and the
    report's path."""

    scenario: Any
    plan: Any
    out: Path
    result: dict[str, Any]
    report: Path


def add_study_parser(subparsers: Any, name: str, help: str, scenario_help: str
                     ) -> argparse.ArgumentParser:
    """The sub-command ``name`` of the study of that name: a scenario and the batch
    options (``--out``, ``--workers``, ``--dask``, ``--no-progress``)."""
    parser = subparsers.add_parser(name, help=help)
    parser.add_argument("scenario", help=scenario_help)
    add_batch_options(parser)
    return parser


def run_study_command(args: argparse.Namespace, name: str,
                      headline: Callable[[Any, Any], str],
                      plan_options: tuple[Any, ...] = ()) -> StudyRun:
    """Run study ``name`` on ``args.scenario`` into ``args.out`` (default
    ``results/SCENARIO`` or the study's own folder) after printing ``headline(scenario,
    plan)``; ``plan_options`` go to the study's plan after the scenario, and the plan they
    gave to its run (``plan=``)."""
    from sim.experiments import scenarios
    from sim.experiments.snapshots import record_for

    study = STUDIES[name]
    scenario = scenarios.load(args.scenario)
    plan = study.plan(scenario, *plan_options)
    out = out_folder(args, ROOT / "results" / study.folder.format(scenario=scenario.name),
                     study.kind)
    print(f"{headline(scenario, plan)} -> {out}/", flush=True)
    extra = {"plan": plan} if plan_options else {}
    with batch_guard(args):
        result = study.run(scenario, out, workers=args.workers, dask=args.dask,
                           progress=not args.no_progress, **extra)
    record_for(scenario, out)  # [snapshots]
    return StudyRun(scenario, plan, out, result,
                    study.write_report(out, result, scenario.description))
