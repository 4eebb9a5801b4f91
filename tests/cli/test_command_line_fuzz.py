"""Hypothesis over command lines: any command of the parser with any mix of options, ``--set``
values, ports, paths and worker counts ends with status 0 or 2 and, on 2, one line on
stderr; never a traceback.

Everything a command checks happens before it computes, so the computing itself (the batch
runner's folder, a model run, the cascade study, viz's server) is replaced by a stop here;
``CLI_FUZZ_EXAMPLES`` sets the number of examples (default 150). Each example runs in a scratch
folder, so a relative path lands there, and nothing may appear in the checkout.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli.main import build_parser, main
from sim.experiments import storage
from sim.model import registry
from sim.model.parameters import PARAMETERS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("CLI_FUZZ_EXAMPLES", "150"))
PARSERS = next(a for a in build_parser()._actions if a.dest == "command").choices
COMMANDS = sorted(PARSERS)
WITH_OUT = {c for c, p in PARSERS.items() if any("--out" in a.option_strings for a in p._actions)}
SCENARIOS = [str(p) for p in sorted((ROOT / "scenarios").rglob("*.toml"))]
SCRATCH = Path(tempfile.gettempdir()) / f"cli-fuzz-{os.getpid()}"

def _top() -> list[Path]:
    return sorted([*ROOT.iterdir(), *(ROOT / "results").iterdir()])


@pytest.fixture(scope="module")
def before() -> list[Path]:
    """The checkout's top and results/ when this module's test starts, which no example may
    add to (other tests may, before it: a browser test's screenshots, a Hypothesis
    database)."""
    return _top()


class Reached(Exception):
    """The command accepted its line and was about to compute."""


def _stop(*args, **kwargs):
    raise Reached


TEXT = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
               max_size=30)
NUMBER = st.one_of(st.integers(-10**20, 10**20).map(str), st.floats().map(str),
                   st.sampled_from(["0", "1", "-1", "65535", "65536", "1e9", "nan", "inf",
                                    "0x10", "1_000", " 3", "", "2**8"]), TEXT)
NAMES = st.one_of(st.sampled_from(sorted(PARAMETERS)),
                  st.sampled_from(["n_agents", "sectors", "spillover", "news__need_rate",
                                   "habbit", "seed"]), TEXT)


@st.composite
def paths(draw) -> str:
    """Where --out may point: new, existing, odd or hostile."""
    return draw(st.one_of(
        st.sampled_from([".", "..", "~", "/", str(ROOT), str(ROOT / "scenarios"),
                         str(ROOT / "README.md"), "/dev/null", "/proc/self", "", " ",
                         "x" * 300, "a/" * 50 + "b"]),
        TEXT.map(lambda t: f"{SCRATCH}/{t}")))


@st.composite
def options(draw) -> list[str]:
    """Some options, each with a value of its kind or of another."""
    chosen: list[str] = []
    for _ in range(draw(st.integers(0, 5))):
        option = draw(st.sampled_from(["--out", "--workers", "--set", "--steps", "--seed",
                                       "--port", "--host", "--dask", "--part-size", "--check",
                                       "--only", "--quick", "--no-progress", "--sectors",
                                       "--levels", "--top", "--control", "--bogus", "-h"]))
        if option == "--out":
            value = draw(paths())
        elif option == "--set":
            value = f"{draw(NAMES)}{draw(st.sampled_from(['=', '==', '', ' = ']))}{draw(NUMBER)}"
        elif option in ("--quick", "--no-progress", "--sectors", "-h"):
            chosen.append(option)
            continue
        elif option in ("--host", "--check", "--only", "--control", "--dask"):
            value = draw(st.one_of(TEXT, st.sampled_from(["127.0.0.1", "centola", "arms",
                                                          "platform_fee", "tcp://x:1"])))
        else:
            value = draw(NUMBER)
        chosen += [option, value]
    return chosen


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from([*COMMANDS, "bogus"]),
       target=st.one_of(st.sampled_from(SCENARIOS), st.sampled_from(["", "missing.toml",
                                                                      str(ROOT)]), TEXT),
       extra=options(), with_target=st.booleans())
def test_any_command_line_ends_in_status_0_or_2_with_one_line(command, target, extra,
                                                              with_target, monkeypatch,
                                                              capsys, before):
    # an --out in the scratch folder first, so a command's default (results/NAME) is never
    # written to; a drawn --out comes later and wins
    default = ["--out", str(SCRATCH / "default")] if command in WITH_OUT else []
    argv = [command, *([target] if with_target else []), *default, *extra]
    from sim.studies import cascade

    SCRATCH.mkdir(exist_ok=True)
    with monkeypatch.context() as patch:
        patch.chdir(SCRATCH)  # relative paths land here, never in the checkout
        patch.setattr(storage, "open_folder", _stop)
        patch.setattr(cascade, "run_study", _stop)
        patch.setattr(os, "execve", _stop)
        patch.setattr(registry, "MODELS", {name: _stop for name in registry.MODELS})
        try:
            status = main(argv)
        except Reached:
            status = 0
        except SystemExit as stop:  # argparse: --help (0) or a usage mistake (2)
            status = stop.code
    out, err = capsys.readouterr()
    assert status in (0, 2), (argv, status, err)
    if status == 2:
        assert err.count("\n") == 1 and err.startswith("error: "), (argv, err)
    shutil.rmtree(SCRATCH, ignore_errors=True)  # a verdict's manifest, written before its runs
    assert _top() == before  # no example added to the checkout's top or results/
