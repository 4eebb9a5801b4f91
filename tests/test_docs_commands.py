"""Every command in the README and in docs/ works as written.

Code blocks (```sh) whose first line is ``# quick`` are run, command after command, in one
copy of the project (README first, then the pages in name order; each block stands on its
own, and a block that repeats a sweep resumes it), and each command's exit status and
files are checked.
Every other command of an ``sh`` block must be listed in :data:`SKIPPED` with the reason it
is not run here. A ``text`` block that starts with ``$ `` is a transcript of a bad input: the
command must print exactly the lines shown and exit with status 2.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
COPIED = ["run.py", "sim", "scenarios", "docs", "tests/data", "tests/scenarios_bad"]
FENCE = re.compile(r"^```(\w*)\s*$")
COMMENT = re.compile(r"\s+#(?:\s|$)")
PROJECT_PATH = re.compile(
    r"`((?:sim|tests|scenarios|scripts|benchmarks|docs)/[\w/.-]+\.(?:py|toml|mplstyle|md|json))`")

LONG = "runs for minutes (a study or a long sweep)"
BIG_RUN = "a whole run of thousands of consumers: a minute or more"
SERVER = "starts the app's server, which runs until stopped (tests/app/test_app.py drives it)"
CLUSTER = "needs a Dask cluster at that address"
SKIPPED: dict[str, str] = {
    "make run": LONG,
    "make test": "the whole test suite, this test included",
    "make docs": "needs the docs extra; `make docs` is its own check",
    ".venv/bin/python run.py run scenarios/baseline.toml": BIG_RUN,
    ".venv/bin/python run.py run scenarios/baseline.toml --set committed_share=0.1 "
    "--set n_consumers=5000 --steps 260 --seed 3 --out results/try": BIG_RUN,
    ".venv/bin/python run.py sweep scenarios/example_sweep.toml": LONG,
    ".venv/bin/python run.py sweep scenarios/example_sweep.toml --workers 2 --out results/ex":
        LONG,
    ".venv/bin/python run.py sweep scenarios/example_sweep.toml --dask tcp://10.0.0.1:8786":
        CLUSTER,
    ".venv/bin/python run.py tipping scenarios/essay_claim.toml --workers 2": LONG,
    ".venv/bin/python run.py tipping scenarios/essay_claim.toml --workers 2 --out results/claim":
        LONG,
    ".venv/bin/python run.py tipping scenarios/accounting_limit.toml": LONG,
    ".venv/bin/python run.py tipping scenarios/phase_map.toml --workers 2": LONG,
    ".venv/bin/python run.py analyze scenarios/free_runs.toml": LONG,
    ".venv/bin/python run.py sensitivity scenarios/sensitivity.toml --workers 2": LONG,
    ".venv/bin/python run.py viz": SERVER,
    ".venv/bin/python run.py viz --port 8800": SERVER,
    ".venv/bin/python run.py viz --host 0.0.0.0": SERVER,
    ".venv/bin/python run.py figures results/essay_claim":
        "needs the main study's results (make run)",
    ".venv/bin/python run.py figures DIR [--only NAME ...]":
        "a synopsis: DIR and NAME are placeholders",
    ".venv/bin/python run.py validate": LONG,
    ".venv/bin/python run.py validate --quick":
        "half a minute or more; tests/studies/test_validation.py runs it",
    ".venv/bin/python run.py validate --check watts2002 --out results/watts": LONG,
    "make worlds": LONG,
    "make install": "builds the venv the tests run in",
    ".venv/bin/python run.py cascade scenarios/cascade.toml": LONG,
    ".venv/bin/python run.py worlds scenarios/worlds.toml": LONG,
    ".venv/bin/python run.py worlds scenarios/worlds.toml --workers 2": LONG,
    ".venv/bin/python run.py worlds scenarios/worlds.toml --dask tcp://10.0.0.1:8786": CLUSTER,
    "dask scheduler --host 10.0.0.1 --port 8786": CLUSTER,
    "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False dask worker tcp://10.0.0.1:8786 "
    "--nworkers 8 --nthreads 1": CLUSTER,
}


def _blocks(page: Path) -> list[tuple[str, list[str]]]:
    """The fenced code blocks of a page: (info string, lines)."""
    blocks, current, lang = [], None, ""
    for line in page.read_text(encoding="utf-8").splitlines():
        fence = FENCE.match(line.strip())
        if current is None and fence:
            current, lang = [], fence.group(1)
        elif current is not None and line.strip() == "```":
            blocks.append((lang, current))
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def _commands(lines: list[str]) -> list[str]:
    """The commands of an ``sh`` block: continuation lines joined, comments dropped, spaces
    squeezed."""
    text = "\n".join(lines).replace("\\\n", " ")
    found = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        found.append(" ".join(COMMENT.split(line)[0].split()))
    return found


def _quick_blocks() -> list[tuple[str, list[str]]]:
    found = []
    for page in PAGES:
        for i, (lang, lines) in enumerate(_blocks(page)):
            if lang == "sh" and lines and lines[0].strip() == "# quick":
                found.append((f"{page.relative_to(ROOT)}#{i}", _commands(lines)))
    return found


def _other_commands() -> list[tuple[str, str]]:
    found = []
    for page in PAGES:
        for lang, lines in _blocks(page):
            if lang == "sh" and not (lines and lines[0].strip() == "# quick"):
                found += [(str(page.relative_to(ROOT)), c) for c in _commands(lines)]
    return found


def _transcripts() -> list[tuple[str, str, list[str]]]:
    found = []
    for page in PAGES:
        for lang, lines in _blocks(page):
            if lang == "text" and lines and lines[0].startswith("$ "):
                found.append((str(page.relative_to(ROOT)), lines[0][2:], lines[1:]))
    return found


def _copy_project(dest: Path) -> Path:
    for name in COPIED:
        source, target = ROOT / name, dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target)
    return dest


def _argv(command: str) -> list[str]:
    words = shlex.split(command)
    if words[0] in (".venv/bin/python", "python"):
        words[0] = sys.executable
    return words


def _option(words: list[str], name: str) -> str | None:
    return words[words.index(name) + 1] if name in words else None


def _check_files(words: list[str], where: Path, output: str) -> None:
    """What the command must have written (or printed), by subcommand."""
    if words[1:3] == ["-m", "sim.outputs.odd"]:
        assert (where / "docs" / "ODD.md").read_text() == (ROOT / "docs" / "ODD.md").read_text()
        return
    assert words[1] == "run.py"
    command = words[2]
    if command == "--help":
        assert output.startswith("usage: run.py")
    elif command == "run":
        scenario = tomllib.loads((where / words[3]).read_text())
        out = where / (_option(words, "--out") or f"results/{scenario['name']}")
        assert {p.name for p in out.iterdir()} == {"manifest.json", "series.parquet",
                                                   "summary.json"}
        steps = int(_option(words, "--steps") or scenario["steps"])
        assert pq.read_metadata(out / "series.parquet").num_rows == steps
    elif command == "sweep":
        scenario = tomllib.loads((where / words[3]).read_text())
        out = where / (_option(words, "--out") or f"results/{scenario['name']}-sweep")
        assert (out / "manifest.json").is_file()
        points = 1
        for values in scenario.get("sweep", {}).values():
            points *= values["num"] if isinstance(values, dict) else len(values)
        runs = ds.dataset(out / "runs").count_rows()
        assert runs == points * scenario["replicates"]
        assert ds.dataset(out / "series").count_rows() > 0
    elif command == "figures":
        names = [words[i + 1] for i, w in enumerate(words) if w == "--only"]
        drawn = {p.stem for p in (where / words[3] / "figures").glob("*.png")}
        assert drawn and set(names) <= drawn
    else:
        pytest.fail(f"no expectation for quick command {' '.join(words[1:])!r}: add one here")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the project that every quick block runs in."""
    return _copy_project(tmp_path_factory.mktemp("project"))


@pytest.mark.slow
@pytest.mark.parametrize(("block", "commands"), _quick_blocks(),
                         ids=[b for b, _ in _quick_blocks()])
def test_quick_commands_run_as_written(project, block, commands):
    where = project
    for command in commands:
        words = _argv(command)
        done = subprocess.run(words, cwd=where, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"{block}: {command}\n{done.stdout}\n{done.stderr}"
        _check_files(words, where, done.stdout)


def test_the_docs_have_quick_commands_for_each_kind_of_use():
    kinds = {_argv(c)[2] for _, commands in _quick_blocks() for c in commands
             if _argv(c)[1] == "run.py"}
    assert kinds == {"--help", "run", "sweep", "figures"}


def test_every_other_command_is_skipped_for_a_stated_reason():
    unlisted = sorted({f"{page}: {c}" for page, c in _other_commands() if c not in SKIPPED})
    assert unlisted == [], "commands neither marked `# quick` nor listed in SKIPPED"
    stale = sorted(set(SKIPPED) - {c for _, c in _other_commands()})
    assert stale == [], "SKIPPED lists commands no page has any more"


def _python_blocks() -> list[tuple[str, str]]:
    return [(str(page.relative_to(ROOT)), "\n".join(lines)) for page in PAGES
            for lang, lines in _blocks(page) if lang == "python"]


def test_python_examples_parse_and_import_names_that_exist():
    """The Python examples are not run (they take minutes or need a cluster), but each
    parses and every name it imports from ``sim`` exists."""
    checked = 0
    for page, code in _python_blocks():
        for node in ast.walk(ast.parse(code, filename=page)):
            if isinstance(node, ast.ImportFrom) and node.module.split(".")[0] == "sim":
                module = importlib.import_module(node.module)
                for alias in node.names:
                    assert hasattr(module, alias.name) or importlib.util.find_spec(
                        f"{node.module}.{alias.name}"), f"{page}: {node.module}.{alias.name}"
                    checked += 1
    assert checked >= 6


def test_every_file_the_pages_name_exists():
    named = {(str(page.relative_to(ROOT)), path) for page in PAGES
             for path in PROJECT_PATH.findall(page.read_text(encoding="utf-8"))}
    assert len(named) > 20
    assert sorted(f"{page}: {path}" for page, path in named if not (ROOT / path).exists()) == []


@pytest.mark.parametrize(("page", "command", "expected"), _transcripts(),
                         ids=[t[1] for t in _transcripts()])
def test_bad_input_transcripts_print_what_the_docs_show(tmp_path, page, command, expected):
    where = _copy_project(tmp_path)
    done = subprocess.run(_argv(command), cwd=where, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2, f"{page}: {command}"
    assert (done.stdout + done.stderr).splitlines() == expected
    assert not (where / "results").exists()
