"""Hostile scenario files: names that are paths, combinations that break the model, and a
fuzzer. Each ends in one clear line and exit status 2, or a clean run; never a traceback,
never a file outside the results folder.

The fuzzer runs ``FUZZ_EXAMPLES`` examples (default 200) in this process through
``sim.cli.main.main``; a few hostile files also go through ``run.py`` as a real process.
"""

import contextlib
import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sim.cli import main as cli
from sim.experiments.scenarios import NAME_RULE, TOP_FIELDS
from sim.model.parameters import PARAMETERS

ROOT = Path(__file__).resolve().parents[2]
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))

HOSTILE_NAMES = ["../../../elsewhere/escaped", "a/b", "/tmp/absolute", "..", ".hidden",
                 "back\\slash", "line\nbreak", "nul\x00byte", "bell\x07", "", " ", "-rf",
                 "x" * 101, "caf\u00e9", "full\uff0fwidth", "dot/../..", "\u202ereversed"]


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string, every character outside printable ASCII escaped."""
    out = []
    for c in text:
        if c in '"\\' or not (" " <= c <= "~"):
            out.append(f"\\U{ord(c):08X}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(str(value), repr(value))
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{toml_string(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_document(data: dict) -> str:
    """A TOML document: scalars first, then one [table] per top-level table."""
    scalars = [f"{toml_string(k)} = {toml_value(v)}" for k, v in data.items()
               if not isinstance(v, dict)]
    tables = [f"[{toml_string(k)}]\n" + "".join(f"{toml_string(kk)} = {toml_value(vv)}\n"
                                                 for kk, vv in v.items())
              for k, v in data.items() if isinstance(v, dict)]
    return "\n".join(scalars) + "\n" + "\n".join(tables)


def sandbox(tmp: Path) -> Path:
    """A fake project root four folders deep in ``tmp``, with an empty results folder, so a
    name that climbs out of results/ still lands inside ``tmp`` where the test sees it."""
    root = tmp / "a" / "b" / "c" / "root"
    (root / "results").mkdir(parents=True)
    return root


def files_under(tmp: Path) -> set[str]:
    return {str(p.relative_to(tmp)) for p in tmp.rglob("*")}


def run_main(argv: list[str], root: Path) -> tuple[int, str]:
    """``main(argv)`` with the project root at ``root``: (exit status, stderr)."""
    err = io.StringIO()
    with contextlib.ExitStack() as stack:
        for name in COMMAND_MODULES:
            if hasattr(sys.modules[name], "ROOT"):
                stack.enter_context(_patched(sys.modules[name], "ROOT", root))
        stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
        stack.enter_context(contextlib.redirect_stderr(err))
        status = cli.main(argv)
    return status, err.getvalue()


@contextlib.contextmanager
def _patched(module, name, value):
    old = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, old)


cli.build_parser()  # imports every command module, so COMMAND_MODULES can be listed
COMMAND_MODULES = [m for m in sys.modules if m.startswith("sim.cli.commands.")]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
@pytest.mark.parametrize("command", ["run", "sweep"])
def test_a_name_that_is_not_a_plain_file_name_is_refused_and_nothing_is_written(
        name, command, tmp_path):
    root = sandbox(tmp_path)
    scenario = tmp_path / "hostile.toml"
    scenario.write_text(f"name = {toml_string(name)}\nsteps = 2\n[params]\nn_consumers = 60\n"
                        "[sweep]\ncommitted_share = [0.0, 0.1]\n")
    before = files_under(tmp_path)
    status, err = run_main([command, str(scenario)], root)
    assert status == 2
    assert err == f"error: {scenario}: name: got {name!r}, allowed: {NAME_RULE}\n"
    assert files_under(tmp_path) == before


def test_plain_names_are_accepted_as_they_are(tmp_path):
    root = sandbox(tmp_path)
    for name in ["baseline", "A.b-c_9", "x" * 100]:
        scenario = tmp_path / "ok.toml"
        scenario.write_text(f'name = "{name}"\n[params]\nn_consumers = 60\n')
        assert run_main(["run", str(scenario), "--steps", "1"], root) == (0, "")
        assert (root / "results" / name / "summary.json").is_file()


@pytest.mark.slow
@pytest.mark.parametrize("command", ["run", "sweep"])
def test_run_py_refuses_an_escaping_name_without_writing_anything(command, tmp_path):
    target = (ROOT / "results" / "../../../elsewhere/escaped").resolve()
    before = sorted(os.listdir(ROOT / "results"))
    for name in ["../../../elsewhere/escaped", "nul\x00byte"]:
        scenario = tmp_path / "hostile.toml"
        scenario.write_text(f"name = {toml_string(name)}\nsteps = 2\n[params]\n"
                            "n_consumers = 60\n")
        done = subprocess.run([sys.executable, "run.py", command, str(scenario)], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 2
        assert done.stderr == f"error: {scenario}: name: got {name!r}, allowed: {NAME_RULE}\n"
    assert sorted(os.listdir(ROOT / "results")) == before
    assert not target.exists() and not target.with_name("escaped-sweep").exists()


@pytest.mark.parametrize("body, message", [
    ("[params]\nfactory_price = 0.01\nfactory_marginal_cost = 100.0\n",
     "params: parameters factory_marginal_cost = 100.0, factory_price = 0.01: allowed: "
     "factory_marginal_cost < factory_price"),
    ("[params]\nn_consumers = 50\nstrong_ties = 60\n",
     "params: parameters strong_ties = 60.0, n_consumers = 50: allowed: strong_ties <= "
     "n_consumers - 1"),
    ("[params]\nfactory_marginal_cost = 0.5\n[sweep]\nfactory_price = [2.0, 0.5]\n",
     "sweep: point 1 (factory_price = 0.5): parameters factory_marginal_cost = 0.5, "
     "factory_price = 0.5: allowed: factory_marginal_cost < factory_price"),
    ('[sample]\nmethod = "lhs"\nn = 64\n[sample.ranges]\nvendor_quality_mean = [0.5, 0.99]\n'
     "vendor_quality_spread = [0.0, 0.3]\n",
     "sample: point "),
    ("[params]\nn_consumers = 60\n[snapshots]\nat = [1]\nparams = { strong_ties = 59.0 }\n",
     "snapshots.params: parameters strong_ties = 59.0, weak_ties = 40.0, n_consumers = 60"),
])
def test_combinations_that_break_the_model_are_refused_at_load(body, message, tmp_path):
    scenario = tmp_path / "combo.toml"
    scenario.write_text('name = "combo"\nsteps = 2\n' + body)
    status, err = run_main(["run", str(scenario)], sandbox(tmp_path))
    assert status == 2
    assert err.startswith(f"error: {scenario}: {message}") and err.count("\n") == 1
    assert files_under(tmp_path / "a" / "b" / "c" / "root" / "results") == set()


def test_a_tipping_range_that_breaks_a_rule_at_one_end_is_refused_before_any_run(tmp_path):
    scenario = tmp_path / "tp.toml"
    scenario.write_text('name = "tp"\nsteps = 5\n[params]\nn_consumers = 60\n'
                        'factory_marginal_cost = 0.2\n[tipping]\nvariable = "factory_price"\n'
                        "low = 0.1\nhigh = 1.5\n")
    root = sandbox(tmp_path)
    status, err = run_main(["tipping", str(scenario), "--workers", "1"], root)
    assert (status, err) == (2, f"error: {scenario}: tipping.low: parameters "
                                "factory_marginal_cost = 0.2, factory_price = 0.1: allowed: "
                                "factory_marginal_cost < factory_price (the factory must earn "
                                "a positive contribution per unit)\n")
    assert files_under(root / "results") == set()


def test_a_combination_set_on_the_command_line_is_refused_in_one_line(tmp_path):
    scenario = tmp_path / "ok.toml"
    scenario.write_text('name = "ok"\n[params]\nn_consumers = 60\n')
    status, err = run_main(["run", str(scenario), "--set", "factory_price=0.4"],
                           sandbox(tmp_path))
    assert (status, err) == (2, "error: parameters factory_marginal_cost = 0.5, factory_price "
                                "= 0.4: allowed: factory_marginal_cost < factory_price (the "
                                "factory must earn a positive contribution per unit)\n")


# --- the fuzzer -----------------------------------------------------------------------------

numbers = (st.integers(-3, 60) | st.sampled_from([-2**63, 2**63, 2**64, 10**300, 2**31])
           | st.floats(allow_nan=True, allow_infinity=True)
           | st.sampled_from([0.0, -0.0, 5e-324, 1e-300, 1e308, float("nan"), float("inf")]))
texts = st.text(max_size=12) | st.sampled_from(
    ["../x", "/etc/passwd", "a/b", "..", ".", "~", "C:\\x", "lhs", "sobol", "morris",
     "fixed", "full_cost", "holme_kim", "trust_market", "sector_market", "platform_share"])
scalars = numbers | st.booleans() | texts


def containers(inner: st.SearchStrategy) -> st.SearchStrategy:
    return st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=3)


values = st.recursive(scalars, containers, max_leaves=8)
param_tables = st.dictionaries(st.sampled_from(sorted(PARAMETERS)) | texts, values,
                               max_size=5)
sweep_specs = st.lists(scalars, max_size=4) | st.fixed_dictionaries(
    {"start": numbers, "stop": numbers, "num": st.integers(-1, 12) | numbers})
tables = {
    "params": param_tables,
    "sweep": st.dictionaries(st.sampled_from(sorted(PARAMETERS)) | texts, sweep_specs,
                             max_size=2),
    "sample": st.fixed_dictionaries(
        {"method": texts, "n": st.integers(-1, 40) | numbers},
        optional={"levels": numbers, "ranges": st.dictionaries(
            st.sampled_from(sorted(PARAMETERS)) | texts,
            st.lists(numbers, min_size=2, max_size=2) | values, max_size=2)}),
    "output": st.fixed_dictionaries({}, optional={"every": numbers, "reporters": values}),
    "snapshots": st.fixed_dictionaries({}, optional={"at": values, "params": param_tables}),
    "sectors": st.dictionaries(st.sampled_from(["news", "food", "shoes"]) | texts,
                               param_tables | values, max_size=2) | values,
    "spillover": numbers | values,
}
top = st.fixed_dictionaries({}, optional={
    "name": st.sampled_from(["fuzz", "a.b-c_1"]) | texts, "description": texts | numbers,
    "model": texts, "steps": numbers, "replicates": numbers, "seed": numbers, **tables})


def declared(name: str) -> st.SearchStrategy:
    """A value inside parameter ``name``'s declared range (combinations may still break)."""
    p = PARAMETERS[name]
    if p.choices:
        return st.sampled_from(p.choices)
    if p.kind is bool:
        return st.booleans()
    if p.kind is int:
        return st.integers(int(p.low), int(min(p.high, p.low + 100)))
    return st.floats(p.low, p.high)


in_range = st.lists(st.sampled_from(sorted(PARAMETERS)).flatmap(
    lambda n: declared(n).map(lambda v: (n, v))), max_size=6).map(
    lambda pairs: toml_document({"name": "fuzz", "steps": 2, "params": dict(pairs)}))
sector_documents = st.fixed_dictionaries(  # the several-sector model's own tables
    {"name": st.just("fuzz"), "model": st.just("sector_market"), "steps": st.just(2)},
    optional={"sectors": tables["sectors"], "spillover": tables["spillover"],
              "params": param_tables}).map(toml_document)
documents = (top.map(toml_document) | in_range | sector_documents
             | st.dictionaries(texts, values, max_size=4).map(toml_document)
             | st.text(max_size=80))


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=documents)
def test_fuzzed_scenarios_give_one_line_and_status_2_or_a_clean_run(text):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        root = sandbox(tmp)
        scenario = tmp / "fuzz.toml"
        scenario.write_text(text, encoding="utf-8")
        status, err = run_main(["run", str(scenario), "--steps", "1", "--set",
                                "n_consumers=60"], root)
        assert "Traceback" not in err
        parts = err.split(": ")
        key = parts[2].split(".")[0] if len(parts) > 2 else ""
        event(f"exit status {status}" + (f", refused at {key if key in TOP_FIELDS or key == 'TOML'
                                                        else 'another key or value'}"
                                         if status == 2 else ""))
        if status == 2:
            assert err.startswith("error: ") and err.count("\n") == 1, err
        else:
            assert (status, err) == (0, ""), err
        outside = {p for p in files_under(tmp) if not p.startswith("a/b/c/root/results")}
        assert outside == {"a", "a/b", "a/b/c", "a/b/c/root", "fuzz.toml"}


def test_fuzz_keys_cover_every_top_level_key():
    # the studies' own tables, each checked by its study
    studies = {"tipping", "sensitivity", "cascade", "arms", "forks", "verdict", "worlds",
               "analysis"}
    assert set(TOP_FIELDS) - studies <= set(tables) | {
        "name", "description", "model", "steps", "replicates", "seed"}
