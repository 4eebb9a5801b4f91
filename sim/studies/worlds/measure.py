"""One world's answer: its tipping share of the gross, the chance of a fall at the claim's
share, and the verdict on the claim.

A world is measured by ``runs`` probed runs (:mod:`sim.model.probes`), run ``r`` with seed
:func:`sim.experiments.batch.seed_for` ``(seed, world, r)``, so that the batch runner (one
spec per run) and :func:`measure_world` (the runs one after another) give the same numbers.
:func:`summarize` turns the runs' outcomes into the world's answer:

* the tipping share of the gross: the median over runs, with the distribution-free interval
  of a median from order statistics (Conover 1999, 3.2); a run that never reached its point
  of no return counts as beyond every share, so a median or bound that falls on one is open;
* the chance of a fall once the platform holds the claim's share of the gross: the copies
  that fell out of those made, pooled over runs, with its Wilson interval;
* the verdict (docs/sources.md, "The verdict"): supported if the interval lies within claim +-
  margin, else excluded if the claim lies outside it, else inconclusive.

The interval of a median, the Wilson interval and the decision rule are the verdict's
(:mod:`sim.studies.verdict.decision`, :func:`sim.model.proportions.wilson`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sim.experiments.batch import seed_for
from sim.model.essay_claim import CLAIM_SHARE
from sim.model.proportions import wilson
from sim.model.registry import MODELS, resolve_params
from sim.studies.verdict.decision import decide, median_interval

MODEL = "trust_market_probed"
OUTCOMES = ("incumbent_fell", "tipping_reached", "tipping_share_gross", "probe_falls",
            "probe_copies_made")  # what :func:`summarize` reads of each run


@dataclass(frozen=True)
class Budget:
    """What one world costs: probed runs, copies per checkpoint, checkpoint gap, ramp of the
    committed share per checkpoint, horizon in weeks; and the claim, margin and level."""

    runs: int = 6
    copies: int = 4
    every: int = 13
    ramp: float = 0.02
    horizon: int = 208
    claim: float = CLAIM_SHARE
    margin: float = 0.05
    level: float = 0.95

    def probe_params(self) -> dict[str, Any]:
        """The probed model's settings for this budget."""
        return {"probe_every": self.every, "probe_copies": self.copies,
                "probe_ramp": self.ramp, "probe_share": self.claim}


def summarize(outcomes: Sequence[dict[str, Any]], budget: Budget) -> dict[str, Any]:
    """A world's answer from its runs' outcomes (see the module docstring)."""
    shares = [o["tipping_share_gross"] if o.get("tipping_reached") else math.inf
              for o in outcomes]
    median, low, high = median_interval(shares, budget.level)
    probed = [o for o in outcomes if o.get("probe_copies_made")]
    falls = int(sum(o["probe_falls"] for o in probed))
    made = int(sum(o["probe_copies_made"] for o in probed))
    p_low, p_high = wilson(falls, made, budget.level)
    return {"tipping_share_gross": median, "ci_low": low, "ci_high": high,
            "verdict": decide(low, high, budget.claim, budget.margin),
            "runs": len(outcomes),
            "runs_reached": int(sum(math.isfinite(s) for s in shares)),
            "p_fall_at_claim": falls / made if made else None,
            "p_fall_ci_low": p_low, "p_fall_ci_high": p_high,
            "probe_copies": made, "probe_runs": len(probed),
            "fell": int(sum(bool(o.get("incumbent_fell")) for o in outcomes))}


def world_params(params: dict[str, Any], budget: Budget) -> dict[str, Any]:
    """Every parameter of one probed run of the world ``params`` (checked)."""
    return resolve_params(MODEL, {**params, **budget.probe_params()})


def measure_world(params: dict[str, Any], seed: int, budget: Budget | None = None,
                  world: int = 0) -> dict[str, Any]:
    """Measure one world, its runs one after another (the batch runner runs them in
    parallel with the same seeds and gets the same answer)."""
    budget = budget or Budget()
    full = world_params(params, budget)
    outcomes = [MODELS[MODEL](full, budget.horizon, seed_for(seed, world, r), budget.horizon)[1]
                for r in range(budget.runs)]
    return summarize(outcomes, budget)
