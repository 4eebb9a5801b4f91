"""Write benchmark figures to ``benchmarks/results.json``, one section per benchmark, each
with the date, the machine and its load (the machine may be shared: quote ratios)."""

from __future__ import annotations

import datetime
import json
import os
import platform
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results.json"


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"host": platform.node(), "cpu": model or platform.processor(),
            "cores": os.cpu_count(), "python": platform.python_version(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)}


def record(section: str, figures: dict[str, Any], path: Path = RESULTS) -> None:
    """Store ``figures`` under ``section`` in ``path``, keeping the other sections."""
    data = json.loads(path.read_text()) if path.exists() else {}
    data[section] = {"date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                     "machine": machine(), "load_average": os.getloadavg(), **figures}
    path.write_text(json.dumps(data, indent=1) + "\n")


def verdict(value: float, target: float, below: bool = True) -> str:
    """'met' or 'NOT met' for ``value`` against ``target`` (below it, or at least it)."""
    return "met" if (value < target if below else value >= target) else "NOT met"
