"""Granovetter's thresholds with reversible participation: the fork experiment's check.

Each of ``n_agents`` people takes part while the share taking part is at least their
threshold, and stops when it falls below (Granovetter 1978, Am. J. Sociol. 83:1420, with
exit, as in his discussion of stable equilibria). Thresholds are normal with
``threshold_mean`` and ``threshold_sd``. Each step a random ``revision_rate`` of the
people not committed look at the share taking part and revise; committed people take part
whatever happens. In a large population the share follows ``r' = (1 - rate) r + rate
Phi((r - mean) / sd)``, whose middle fixed point is the boundary between the basin where
participation dies out and the one where it goes to near all: 0.366 at mean 0.40, sd 0.10.
The event the fork experiment watches is that participation reaches ``full_share``.
"""

from __future__ import annotations

import copy
import random
from typing import Any, Self

import mesa
import numpy as np
import pandas as pd

from sim.model.reference.common import run
from sim.model.reference.declarations import REFERENCE_MODELS

_MODEL = next(m for m in REFERENCE_MODELS if m.name == "granovetter_reversible")


class ReversibleThresholds(mesa.Model):
    """Reversible threshold participation; keyword arguments as the declarations'
    ``GRANOVETTER_REVERSIBLE``. It is a :class:`sim.model.forkable.Forkable`."""

    def __init__(self, rng: Any = None, **params: Any) -> None:
        super().__init__(rng=rng)
        self.p = p = _MODEL.resolve(params)
        n = p["n_agents"]
        self.thresholds = self.rng.normal(p["threshold_mean"], p["threshold_sd"], n)
        self.order = self.rng.permutation(n)  # who joins the committed set first
        self.committed = np.zeros(n, bool)
        self.active = np.zeros(n, bool)
        self.cascade_step: int | None = None
        self.push(p["committed_share"])
        self.datacollector = mesa.DataCollector(
            model_reporters={"participation": lambda m: m.tracked_share})

    def step(self) -> None:
        """Committed people take part; a random share of the others revise."""
        share = self.active.mean()
        revise = (self.rng.random(self.active.size) < self.p["revision_rate"]) & ~self.committed
        self.active[revise] = self.thresholds[revise] <= share
        self.active |= self.committed
        if self.cascade_step is None and self.tracked_share >= self.p["full_share"]:
            self.cascade_step = self.steps
        self.datacollector.collect(self)

    def fork(self, seed: int | np.random.SeedSequence) -> Self:
        """A full copy with its own random streams from ``seed``."""
        twin = copy.deepcopy(self)
        twin.rng = np.random.default_rng(seed)
        twin.random = random.Random(int(twin.rng.integers(2**31 - 1)))
        return twin

    @property
    def fallen(self) -> bool:
        """Whether participation has reached ``full_share`` (the cascade)."""
        return self.cascade_step is not None

    @property
    def tracked_share(self) -> float:
        """The share taking part."""
        return float(self.active.mean())

    @property
    def pushed(self) -> float:
        """The committed share."""
        return float(self.committed.mean())

    def push(self, share: float) -> None:
        """Set the committed share (people join it in one fixed order); they take part."""
        self.committed[:] = False
        self.committed[self.order[:int(round(min(1.0, share) * self.committed.size))]] = True
        self.active |= self.committed

    def release(self) -> None:
        """The committed become ordinary: they take part until they next revise."""
        self.committed[:] = False

    def stall(self) -> None:
        """No one new may join: only those taking part now may go on."""
        self.thresholds = np.where(self.active, self.thresholds, np.inf)

    def state(self) -> dict[str, float]:
        """The share taking part and the committed share."""
        return {"share_gross": self.tracked_share, "committed": self.pushed}

    def outcomes(self) -> dict[str, Any]:
        """Final participation, whether and when it reached ``full_share``."""
        return {"participation": self.tracked_share, "cascade": self.fallen,
                "cascade_step": self.cascade_step}


def at_start(params: dict[str, Any], seed: Any) -> ReversibleThresholds:
    """The model at step 0 (the fork experiment's builder)."""
    return ReversibleThresholds(rng=np.random.default_rng(seed), **params)


def simulate(params: dict[str, Any], steps: int, seed: int | np.random.SeedSequence,
             every: int = 1) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Run :class:`ReversibleThresholds` for ``steps`` steps."""
    return run(at_start(params, seed), steps, every)
