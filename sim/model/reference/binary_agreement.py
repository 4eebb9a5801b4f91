"""The binary-agreement naming game with committed agents (Xie, Sreenivasan, Korniss,
Zhang, Lim & Szymanski 2011, Phys. Rev. E 84:011130) on a complete graph of ``n_agents``.

Each agent holds opinion A, B or both (AB). In an interaction a random speaker says one of
its opinions (from AB, either with equal chance) to a random other agent, the listener:

- if the listener holds that opinion, speaker and listener both keep only it (agreement);
- otherwise the listener adds it to what it holds (B hearing A becomes AB).

Committed agents hold A whatever they hear. Everyone else starts at B. A step is
``n_agents`` interactions (the paper's unit of time).
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np
import pandas as pd

from sim.model.reference.common import committed_mask, ordered_pairs, run
from sim.model.reference.declarations import REFERENCE_MODELS

A, B, AB = 0, 1, 2
_MODEL = next(m for m in REFERENCE_MODELS if m.name == "binary_agreement")


def interact(state: list[int], committed: list[bool], speaker: int, listener: int,
             coin: bool) -> None:
    """One interaction, in place: ``state`` holds A, B or AB per agent; ``coin`` picks A
    when the speaker holds both."""
    said = state[speaker]
    if said == AB:
        said = A if coin else B
    if state[listener] in (said, AB):
        if not committed[speaker]:
            state[speaker] = said
        if not committed[listener]:
            state[listener] = said
    elif not committed[listener]:
        state[listener] = AB


class BinaryAgreement(mesa.Model):
    """Xie et al. 2011's binary-agreement model; keyword arguments as
    :data:`.BINARY_AGREEMENT`."""

    def __init__(self, rng: Any = None, **params: Any) -> None:
        super().__init__(rng=rng)
        self.p = p = _MODEL.resolve(params)
        self.committed = committed_mask(p["n_agents"], p["committed_share"], self.rng)
        self.state = np.where(self.committed, A, B).astype(np.int8)
        self.datacollector = mesa.DataCollector(model_reporters={"adoption": adoption})

    def step(self) -> None:
        """``n_agents`` interactions, one after another."""
        n = self.p["n_agents"]
        speakers, listeners = ordered_pairs(n, n, self.rng)
        coins = (self.rng.random(n) < 0.5).tolist()
        state, committed = self.state.tolist(), self.committed.tolist()
        for s, listener, coin in zip(speakers, listeners, coins, strict=True):
            interact(state, committed, s, listener, coin)
        self.state = np.array(state, np.int8)
        self.datacollector.collect(self)

    def outcomes(self) -> dict[str, Any]:
        """``adoption`` (final share of uncommitted agents holding only A) and ``tipped``
        (adoption above 0.9)."""
        share = adoption(self)
        return {"adoption": share, "tipped": bool(share > 0.9)}


def adoption(model: BinaryAgreement) -> float:
    """Share of uncommitted agents holding only A."""
    free = ~model.committed
    return float((model.state[free] == A).mean()) if free.any() else 1.0


def simulate(params: dict[str, Any], steps: int, seed: int | np.random.SeedSequence,
             every: int = 1) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Run :class:`BinaryAgreement` for ``steps`` rounds; return (series, outcomes)."""
    return run(BinaryAgreement(rng=np.random.default_rng(seed), **params), steps, every)
