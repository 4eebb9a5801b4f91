"""Every study in the catalogue has one shape: its settings go through the one checker
(``scenario_tables.check_table`` over ``Setting`` declarations, did-you-mean included) and
its runs through the batch runner.

Each study is tried on an example scenario of ``scenarios/``: a misspelled key of each table
it reads is refused naming the table, the key and the key meant; a value out of its declared
range, or a choice misspelled, is refused naming what is allowed. Then the study is run with
the batch runner's folder (``storage.open_folder``, which only ``run_batch`` opens) replaced
by a stop, and Mesa's model constructor by an alarm: the study must reach the runner before
it builds any model itself.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import mesa
import pytest

from sim.cli.catalogue import STUDIES
from sim.experiments import scenarios, storage
from sim.experiments.scenario_tables import ScenarioError, Setting

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = {"tipping": "accounting_limit.toml", "verdict": "essay_claim.toml",
            "forks": "validation/granovetter_reversible.toml", "worlds": "worlds.toml",
            "cascade": "cascade.toml", "sensitivity": "sensitivity.toml",
            "analyze": "free_runs.toml"}


class Reached(Exception):
    """The study opened the batch runner's results folder."""


class Bypassed(Exception):
    """The study built a model in its own process instead of asking the batch runner."""


def example(name: str) -> scenarios.Scenario:
    return scenarios.load(ROOT / "scenarios" / EXAMPLES[name])


def with_table(scenario: scenarios.Scenario, table: str, **changes) -> scenarios.Scenario:
    return dataclasses.replace(scenario, **{table: {**(getattr(scenario, table) or {}),
                                                    **changes}})


def refusal(plan, scenario: scenarios.Scenario) -> str:
    with pytest.raises(ScenarioError) as error:
        plan(scenario)
    return str(error.value)


def cases(kind: str) -> list:
    """(study, table, key) for each declared setting; ``kind`` "bounded": those with a
    finite low or high, "choice": those with choices, "any": all."""
    out = []
    for name, study in STUDIES.items():
        for table, settings in study.tables.items():
            for key, s in settings.items():
                bounded = s.kind in (int, float) and (math.isfinite(s.low)
                                                       or math.isfinite(s.high))
                if {"any": True, "bounded": bounded, "choice": bool(s.choices)}[kind]:
                    out.append(pytest.param(name, table, key, id=f"{name}-{table}.{key}"))
    return out


def test_the_catalogue_lists_every_study_with_an_example_and_declared_tables():
    assert sorted(STUDIES) == sorted(EXAMPLES)
    for name, study in STUDIES.items():
        assert study.tables, name
        for table, settings in study.tables.items():
            assert hasattr(scenarios.Scenario(name="x"), table), (name, table)
            assert settings and all(isinstance(s, Setting) and s.description
                                    for s in settings.values()), (name, table)
        study.plan(example(name))  # the example is accepted
        assert callable(study.run) and callable(study.report)


@pytest.mark.parametrize(("name", "table", "key"), cases("any"))
def test_a_misspelled_key_is_refused_with_the_key_meant(name, table, key):
    scenario = example(name)
    bad = with_table(scenario, table, **{key + "x": 1})
    message = refusal(STUDIES[name].plan, bad)
    assert message.startswith(f"{scenario.path}: {table}.{key}x: unknown key (did you mean "
                              f"'{key}'?); allowed: "), message


@pytest.mark.parametrize(("name", "table", "key"), cases("bounded"))
def test_a_value_out_of_its_declared_range_is_refused(name, table, key):
    scenario = example(name)
    s = STUDIES[name].tables[table][key]
    value = s.high + 1 if math.isfinite(s.high) else s.low - 1
    value = int(value) if s.kind is int else float(value)
    message = refusal(STUDIES[name].plan, with_table(scenario, table, **{key: value}))
    assert message.startswith(f"{scenario.path}: {table}.{key}: got {value!r}, allowed: "), \
        message


@pytest.mark.parametrize(("name", "table", "key"), cases("choice"))
def test_a_misspelled_choice_is_refused_with_the_choice_meant(name, table, key):
    scenario = example(name)
    s = STUDIES[name].tables[table][key]
    message = refusal(STUDIES[name].plan, with_table(scenario, table,
                                                     **{key: s.choices[-1] + "x"}))
    assert message == (f"{scenario.path}: {table}.{key}: got '{s.choices[-1]}x' (did you mean "
                       f"'{s.choices[-1]}'?), allowed: {s.allowed()}")


def first_stop(run, scenario: scenarios.Scenario, out: Path, monkeypatch) -> Exception:
    """What stops ``run``: Reached (with the folder and the manifest) when it opens the batch
    runner's folder first, Bypassed when it builds a model first."""
    def reached(folder, manifest):
        raise Reached(Path(folder), manifest)

    def bypassed(*args, **kwargs):
        raise Bypassed

    with monkeypatch.context() as patch:
        patch.setattr(storage, "open_folder", reached)
        patch.setattr(mesa.Model, "__init__", bypassed)
        with pytest.raises((Reached, Bypassed)) as stop:
            run(scenario, out, workers=1, progress=False)
    return stop.value


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_a_study_runs_its_runs_through_the_batch_runner(name, tmp_path, monkeypatch):
    stop = first_stop(STUDIES[name].run, example(name), tmp_path / name, monkeypatch)
    assert isinstance(stop, Reached), f"{name} built a model outside the batch runner"
    folder, manifest = stop.args
    assert folder.is_relative_to(tmp_path / name)
    assert manifest["scenario"]["name"] == example(name).name


def test_a_study_that_runs_its_model_itself_is_caught(tmp_path, monkeypatch):
    from sim.model.simulate import simulate

    def run_alone(scenario, out, **batch):
        return simulate(scenario.resolved(), scenario.steps, scenario.seed)

    stop = first_stop(run_alone, example("tipping"), tmp_path, monkeypatch)
    assert isinstance(stop, Bypassed)
