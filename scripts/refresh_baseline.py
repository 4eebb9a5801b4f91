#!/usr/bin/env python3
"""Rewrite the golden baseline in ``tests/golden/``: a few whole small runs, stored exactly.

``tests/model/test_golden.py`` reruns each case and compares its series and outcomes to the
last bit. Only this script (``make baseline``) rewrites them; the commit that does must say
why the model's output changed.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
MODEL = "trust_market"

# name: (parameter overrides, weeks, seed). Small and fast: the test runs them all.
CASES: dict[str, tuple[dict[str, Any], int, int]] = {
    "default": ({"n_consumers": 300}, 52, 1),
    "committed_share_0.2": ({"n_consumers": 300, "committed_share": 0.2}, 52, 2),
    "fixed_pricing": ({"n_consumers": 300, "committed_share": 0.2, "factory_pricing": "fixed"},
                      52, 3),
    "fall": ({"n_consumers": 300, "committed_share": 0.3}, 104, 2),  # the factory falls
}


def _plain(value: Any) -> Any:
    """A JSON value that reads back bit for bit (json writes floats by repr; NaN as null)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return _plain(value.item())
    return value


def run_case(params: dict[str, Any], steps: int, seed: int) -> dict[str, Any]:
    """One case run as the batch runner runs it: its series by column and its outcomes."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from sim.model.registry import MODELS, resolve_params

    series, outcomes = MODELS[MODEL](resolve_params(MODEL, params), steps, seed)
    return {
        "series": {c: [_plain(v) for v in series[c].tolist()] for c in series.columns},
        "outcomes": {k: _plain(v) for k, v in outcomes.items()},
    }


def case_file(name: str) -> Path:
    return GOLDEN / f"{name}.json"


def main() -> int:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, (params, steps, seed) in CASES.items():
        stored = {"model": MODEL, "params": params, "steps": steps, "seed": seed}
        stored.update(run_case(params, steps, seed))
        path = case_file(name)
        old = json.loads(path.read_text()) if path.exists() else None
        if old != stored:
            changed.append(name)
            path.write_text(json.dumps(stored, indent=1) + "\n")
        state = "rewritten" if name in changed else "unchanged"
        print(f"{name}: {state} ({path.relative_to(ROOT)})")
    stale = [p for p in GOLDEN.glob("*.json") if p.stem not in CASES]
    for path in stale:
        path.unlink()
        print(f"{path.stem}: removed (no longer a case)")
    if changed or stale:
        print("\nThe golden baseline changed. Commit tests/golden/ with a message that says why "
              "the model's output moved (which change, and why the new numbers are right).")
    else:
        print("\nThe golden baseline is unchanged.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
