"""The one way a figure is written to files: every format atomically, the caption and the
data's provenance in a ``.txt`` file beside them and in each file's metadata."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import matplotlib.style
from matplotlib.figure import Figure

from sim.experiments.atomic import write_atomic, write_text
from sim.experiments.provenance import code_version
from sim.outputs.figures.common import FORMATS, STYLE, count


def provenance(scenario: str, folder: Path | str, n_runs: int | None, made_by: str) -> str:
    """Where a figure's data come from, in one sentence."""
    runs = f"{count(n_runs, 'run')}, " if n_runs is not None else ""
    return (f"Data: scenario '{scenario}' ({folder}), {runs}results made by code version "
            f"{made_by or 'unknown'}; figure drawn by trust-tipping {code_version()}.")


def write_figure(figure: Figure, out: Path | str, name: str, title: str, caption: str,
                 source: str, keywords: str = "") -> list[Path]:
    """Write ``figure`` as out/NAME.{pdf,svg,png} and out/NAME.txt (title, caption and
    ``source``, the sentence of :func:`provenance`); return the paths written."""
    out = Path(out)
    creator = f"trust-tipping {code_version()}, matplotlib {matplotlib.__version__}"
    metadata = {
        "pdf": {"Title": title, "Subject": f"{caption} {source}", "Keywords": keywords,
                "Creator": creator, "CreationDate": None},
        "svg": {"Title": title, "Description": f"{caption} {source}", "Keywords": keywords,
                "Creator": creator, "Date": None},
        "png": {"Title": title, "Description": caption, "Source": source,
                "Software": creator},
    }
    with matplotlib.style.context(STYLE):
        paths = [write_atomic(out / f"{name}.{fmt}",
                              lambda tmp, fmt=fmt: figure.savefig(
                                  tmp, format=fmt, metadata=metadata[fmt]))
                 for fmt in FORMATS]
    paths.append(write_text(out / f"{name}.txt", f"{title}. {caption}\n\n{source}\n"))
    return paths
