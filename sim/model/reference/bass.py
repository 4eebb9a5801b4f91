"""The Bass diffusion model as agents (Bass 1969, Management Science 15:215): a well-mixed
population of ``n_agents``; in each step of length ``dt`` every agent who has not adopted
adopts with probability ``1 - exp(-(p + q F) dt)``, F the share adopted at the step's
start. As n grows and dt shrinks, F follows the closed form
F(t) = (1 - e^-(p+q)t) / (1 + (q/p) e^-(p+q)t) (:func:`closed_form`).
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np
import pandas as pd

from sim.model.reference.common import run
from sim.model.reference.declarations import REFERENCE_MODELS

_MODEL = next(m for m in REFERENCE_MODELS if m.name == "bass")


def adoption_probability(adopted: float, p: float, q: float, dt: float) -> float:
    """Chance that a non-adopter adopts within a step of length ``dt`` at share ``adopted``."""
    return float(1.0 - np.exp(-(p + q * adopted) * dt))


def closed_form(t: np.ndarray | float, p: float, q: float) -> np.ndarray:
    """Bass's F(t) for a population that starts with no adopters."""
    decay = np.exp(-(p + q) * np.asarray(t, float))
    return (1.0 - decay) / (1.0 + (q / p) * decay)


class Bass(mesa.Model):
    """Bass 1969's diffusion; keyword arguments as :data:`.BASS`."""

    def __init__(self, rng: Any = None, **params: Any) -> None:
        super().__init__(rng=rng)
        self.p = p = _MODEL.resolve(params)
        self.adopted = np.zeros(p["n_agents"], bool)
        self.new_adopters: list[int] = []
        self.datacollector = mesa.DataCollector(model_reporters={
            "time": lambda m: m.time * m.p["dt"],
            "adopted_share": lambda m: float(m.adopted.mean())})

    def step(self) -> None:
        """One step of length ``dt``."""
        p = self.p
        chance = adoption_probability(self.adopted.mean(), p["p"], p["q"], p["dt"])
        new = ~self.adopted & (self.rng.random(self.adopted.size) < chance)
        self.adopted |= new
        self.new_adopters.append(int(new.sum()))
        self.datacollector.collect(self)

    def outcomes(self) -> dict[str, Any]:
        """``adopted_final`` and ``peak_time``: the middle of the step where adoptions,
        averaged over one time unit, peak."""
        width = max(1, round(1.0 / self.p["dt"]))
        rate = np.convolve(self.new_adopters, np.ones(width) / width, mode="same")
        peak = int(np.argmax(rate)) if rate.size else 0
        return {"adopted_final": float(self.adopted.mean()),
                "peak_time": (peak + 0.5) * self.p["dt"]}


def simulate(params: dict[str, Any], steps: int, seed: int | np.random.SeedSequence,
             every: int = 1) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Run :class:`Bass` for ``steps`` steps of length ``dt``; return (series, outcomes)."""
    return run(Bass(rng=np.random.default_rng(seed), **params), steps, every)
