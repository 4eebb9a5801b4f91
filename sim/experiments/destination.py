"""Where a command may write its results: the one check every ``--out`` goes through.

A command writes only into a new or empty folder, or into a results folder of this project
(one whose ``manifest.json`` says the project wrote it) holding the same kind of result. It
refuses, before anything is computed, an existing file, the current folder, the home folder,
the checkout or any folder above it, a folder of other files and a results folder of another
kind. Nothing here deletes or renames anything.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sim.errors import UserError
from sim.experiments.provenance import ROOT

PROJECT = "trust-tipping"
# The layout of results folders this version writes, recorded in every manifest; manifests
# without one are of format 1 (written before it was recorded), which this version reads.
FORMAT = 2
READS = (1, 2)
# Kinds whose layout changed with format 2, so that their format-1 folders are not read (a
# cascade of format 1 ran its own fork loop into other files: resumed, its files would lie
# beside the new ones).
READS_KIND = {"cascade": (2,)}
# Kinds of result that may share a folder: `analyze` stores its free runs as a sweep's.
SHARED = {"analysis": "sweep"}
# Files the project leaves in a folder it is writing: a sweep's lock, atomic writes' temps.
SCRATCH = (".lock",)


class OutFolderError(UserError):
    """An ``--out`` this command must not write to (exit status 2)."""


class ResultsVersionError(UserError):
    """A results folder written by a version whose layout this one cannot read (status 2)."""


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """``folder/manifest.json`` when this project wrote it, else None."""
    path = Path(folder) / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    packages = data.get("packages")
    ours = data.get("project") == PROJECT or (
        isinstance(packages, dict) and PROJECT in packages and "code_version" in data)
    return data if ours else None


def check_readable(folder: Path | str) -> None:
    """Refuse, naming the version that wrote it, a results folder whose format this version
    does not read (a manifest written by a later version, say)."""
    data = read_manifest(Path(folder))
    if data is None:
        return
    found = data.get("format", 1)
    kind = kind_of(Path(folder))
    reads = READS_KIND.get(kind or "", READS)
    if found not in reads:
        kind = f"{kind} " if reads != READS else ""
        formats = (f"formats {reads[0]} to {reads[-1]}" if len(reads) > 1
                   else f"format {reads[0]} only")
        raise ResultsVersionError(
            f"{folder}: manifest.json: written by trust-tipping "
            f"{data.get('code_version', 'of unknown version')} in results format {found!r}; "
            f"this version reads {kind}{formats}: run the study "
            "again into a new --out, or read these with the version that wrote them")


def kind_of(folder: Path) -> str | None:
    """The kind of result ``folder`` holds (``run``, ``sweep``, ``tipping``, ...), or None
    when it is not a results folder of this project. Manifests written before they named
    their kind are recognised by what they hold; the verdict and validation folders of
    those versions had no manifest at their top and are recognised by their files."""
    folder = Path(folder)
    data = read_manifest(folder)
    if data is not None:
        if isinstance(data.get("kind"), str):
            return data["kind"]
        if "study" in data:
            return "cascade"
        seeds = data.get("seeds")
        return "run" if isinstance(seeds, dict) and "seed" in seeds else "sweep"
    if (folder / "manifest.json").exists():
        return None
    if (folder / "validation.json").is_file() and (folder / "runs").is_dir():
        return "validation"
    if (folder / "tipping.json").is_file() and (folder / "arms").is_dir():
        return "verdict"
    return None


def _same(a: str, b: str) -> bool:
    return SHARED.get(a, a) == SHARED.get(b, b)


def _foreign(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()
                  if p.name not in SCRATCH and not (p.name.startswith(".") and
                                                     p.name.endswith(".tmp")))


def check_out(out: Path | str, kind: str) -> Path:
    """Refuse ``out`` unless a result of ``kind`` may be written there; return it.

    Allowed: a path that does not exist yet (its parents are made when written), an empty
    folder, or this project's results folder of the same kind. Refused with one line:
    an existing file, the current or home folder, the checkout or a folder above it, a
    folder of other files, another kind's results folder.
    """
    out = Path(out)
    where = Path(out).expanduser().resolve()
    said = f"--out {out}"
    if where == Path.cwd().resolve():
        raise OutFolderError(f"{said}: the current folder; give a new folder, e.g. "
                             f"results/{kind}")
    if where == Path.home().resolve():
        raise OutFolderError(f"{said}: the home folder; give a new folder inside it")
    if ROOT == where or ROOT.is_relative_to(where):
        raise OutFolderError(f"{said}: the project's checkout or a folder above it; give "
                             "a new folder, e.g. results/NAME")
    if where.exists() and not where.is_dir():
        raise OutFolderError(f"{said}: an existing file, not a results folder; give a new "
                             "folder")
    if not where.exists() or not _foreign(where):
        return out
    found = kind_of(where)
    if found is None:
        names = _foreign(where)
        shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
        raise OutFolderError(f"{said}: a folder of files this project did not write ({shown});"
                             " give a new or empty folder")
    if not _same(found, kind):
        raise OutFolderError(f"{said}: holds a {found} result, not a {kind} one; give "
                             "another folder")
    return out
