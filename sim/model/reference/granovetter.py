"""Granovetter's threshold model of collective behaviour (Granovetter 1978, Am. J. Sociol.
83:1420): each of ``n_agents`` people joins a riot once the share of the population already
rioting is at least their threshold; thresholds are normal with ``threshold_mean`` and
``threshold_sd`` (a threshold at or below zero makes an instigator).

Each step everyone looks at the share rioting after the last step and joins if it has
reached their threshold (no one leaves); the model stops when a step changes nothing.
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np
import pandas as pd

from sim.model.reference.common import run
from sim.model.reference.declarations import REFERENCE_MODELS

RIOT = 0.5  # a riot: more than this share takes part
_MODEL = next(m for m in REFERENCE_MODELS if m.name == "granovetter")


def join(thresholds: np.ndarray, rioting: np.ndarray) -> np.ndarray:
    """Who riots after one step: those already rioting and those whose threshold the
    current share has reached."""
    return rioting | (thresholds <= rioting.mean())


class Granovetter(mesa.Model):
    """Granovetter 1978's riot model; keyword arguments as :data:`.GRANOVETTER`."""

    def __init__(self, rng: Any = None, **params: Any) -> None:
        super().__init__(rng=rng)
        self.p = p = _MODEL.resolve(params)
        self.thresholds = self.rng.normal(p["threshold_mean"], p["threshold_sd"],
                                          p["n_agents"])
        self.rioting = np.zeros(p["n_agents"], bool)
        self.datacollector = mesa.DataCollector(
            model_reporters={"participation": lambda m: float(m.rioting.mean())})

    def step(self) -> None:
        """One round of joining; the model stops when no one joins."""
        after = join(self.thresholds, self.rioting)
        self.running = bool(after.sum() > self.rioting.sum())
        self.rioting = after
        self.datacollector.collect(self)

    def outcomes(self) -> dict[str, Any]:
        """``participation`` (final share rioting) and ``riot`` (participation above 0.5)."""
        share = float(self.rioting.mean())
        return {"participation": share, "riot": bool(share > RIOT)}


def simulate(params: dict[str, Any], steps: int, seed: int | np.random.SeedSequence,
             every: int = 1) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Run :class:`Granovetter` until it settles (at most ``steps`` rounds)."""
    return run(Granovetter(rng=np.random.default_rng(seed), **params), steps, every)
