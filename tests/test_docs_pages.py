"""The manual stays true to the repository: docs/index.md and the site's navigation list
every page, docs/development.md's layout block lists every folder of the tree, and only
files that exist, and its worked example of a study quotes code that exists."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
ENTRY = re.compile(r"^( {0,4})(\S+?)(?: {2,}(.*))?$")  # a name, then its description
NAMED = re.compile(r"\b([\w-]+\.(?:py|mplstyle|toml|md))\b")
NOT_TREE = {"__pycache__", "site", "build", "dist"}  # made by tools, never committed


def pages() -> set[str]:
    return {p.name for p in DOCS.glob("*.md")}


def layout() -> dict[Path, str]:
    """Each path the layout block of docs/development.md names, with its description."""
    text = (DOCS / "development.md").read_text(encoding="utf-8")
    block = text.split("## Layout", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    entries: dict[Path, str] = {}
    parents: list[Path] = []
    last = ROOT
    for line in block.splitlines():
        match = ENTRY.match(line)
        if not match or len(match.group(1)) % 2:
            entries[last] += " " + line.strip()  # a description's continuation
            continue
        depth = len(match.group(1)) // 2
        last = (parents[depth - 1] if depth else ROOT) / match.group(2).rstrip("/")
        parents[depth:] = [last]
        entries[last] = match.group(3) or ""
    return entries


def test_adding_a_study_quotes_the_code_as_it_is():
    text = (DOCS / "development.md").read_text(encoding="utf-8")
    section = text.split("## Adding a study", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n# (\S+)\n(.*?)```", section, re.S)
    assert len(blocks) == 4
    for name, code in blocks:  # each quoted at the left margin, as it stands indented
        source = (ROOT / name).read_text(encoding="utf-8")
        assert any(textwrap.indent(code, " " * k) in source for k in range(0, 13, 4)), \
            f"{name}: the quoted block is not in the file"


def test_index_links_every_page():
    text = (DOCS / "index.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\(([\w-]+\.md)(?:#[\w-]+)?\)", text))
    assert pages() - {"index.md"} - linked == set()


def test_site_navigation_lists_every_page():
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("nav:", 1)[1]
    listed = set(re.findall(r":\s*([\w-]+\.md)\s*$", nav.split("\n\n", 1)[0], re.M))
    assert listed == pages()


def test_layout_names_only_what_exists():
    entries = layout()
    assert ROOT / "sim" / "model" / "rules" in entries  # the block was read, nesting kept
    assert [p for p in entries if not p.exists()] == []
    for path, description in entries.items():
        folder = path if path.is_dir() else path.parent
        missing = [name for name in NAMED.findall(description)
                   if not (folder / name).exists() and not (ROOT / name).exists()]
        assert missing == [], f"{path.relative_to(ROOT)}: {missing}"


def test_layout_lists_every_package_and_top_level_entry():
    entries = layout()
    packages = {p.parent for p in (ROOT / "sim").rglob("__init__.py")}
    top = {p for p in ROOT.iterdir() if not p.name.startswith(".")
           and p.name not in NOT_TREE and not p.name.endswith(".egg-info")}
    assert packages - set(entries) == set()
    assert top - set(entries) == set()


# Built from parts so that this file does not match itself.
OUTSIDE = re.compile("|".join([r"\bshared" + "/", r"\bseeds" + "/", r"MODEL" + r"\.md",
                               r"\b[Ii]ssues? #?" + r"\d+", r"/work" + "/"]))
SKIP_SUFFIXES = {".json", ".parquet", ".png", ".pdf", ".svg"}


def test_no_file_mentions_a_path_outside_the_repository():
    files = [ROOT / name for name in ("README.md", "Makefile", "pyproject.toml", "mkdocs.yml",
                                      "run.py")]
    for folder in ("sim", "tests", "docs", "scenarios", "scripts", "benchmarks", ".ci"):
        files += [p for p in (ROOT / folder).rglob("*") if p.is_file()
                  and p.suffix not in SKIP_SUFFIXES and "__pycache__" not in p.parts]
    found = [f"{p.relative_to(ROOT)}:{n}" for p in files
             for n, line in enumerate(p.read_text(encoding="utf-8", errors="replace")
                                      .splitlines(), 1) if OUTSIDE.search(line)]
    assert found == []
