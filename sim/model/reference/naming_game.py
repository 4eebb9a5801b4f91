"""The best-response naming game with memory and a committed minority (Centola, Becker,
Brackbill & Baronchelli 2018, Science 360:1116), as in the authors' published simulation
code (J. Becker): a complete graph of ``n_agents``; in each interaction a random edge is
drawn and one of its ends, at random, speaks to the other.

- The speaker says its best response: the name most frequent among the last ``memory``
  names it has heard (both names paying alike, ties broken by a fair coin); a committed
  agent always says the new name.
- The hearer remembers the name, forgetting the oldest; committed agents do not listen.

Everyone starts remembering ``memory`` times the established name. A step (a round) is
``n_agents`` interactions, so each agent hears one name per round on average.
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np
import pandas as pd

from sim.model.reference.common import committed_mask, ordered_pairs, run
from sim.model.reference.declarations import REFERENCE_MODELS

NEW, OLD = 1, 0  # the committed minority's name and the established one
_MODEL = next(m for m in REFERENCE_MODELS if m.name == "naming_game")


def best_response(new_heard: int, memory: int, coin: bool) -> int:
    """The name an uncommitted speaker says, having heard the new name ``new_heard`` times
    among its last ``memory`` names: the more frequent one, ``coin`` deciding a tie."""
    if 2 * new_heard > memory:
        return NEW
    if 2 * new_heard < memory:
        return OLD
    return NEW if coin else OLD


class NamingGame(mesa.Model):
    """Centola et al. 2018's naming game; keyword arguments as :data:`.NAMING_GAME`."""

    def __init__(self, rng: Any = None, **params: Any) -> None:
        super().__init__(rng=rng)
        self.p = p = _MODEL.resolve(params)
        n, m = p["n_agents"], p["memory"]
        self.committed = committed_mask(n, p["committed_share"], self.rng)
        self.heard = np.full((n, m), OLD, np.int8)  # ring buffer of the names each heard
        self.new_heard = np.zeros(n, np.int64)  # how often the new name is in it
        self.oldest = np.zeros(n, np.int64)  # where the ring buffer's oldest entry is
        self.datacollector = mesa.DataCollector(model_reporters={"adoption": adoption})

    def step(self) -> None:
        """One round: ``n_agents`` interactions, one after another."""
        n, m = self.p["n_agents"], self.p["memory"]
        speakers, hearers = ordered_pairs(n, n, self.rng)
        coins = (self.rng.random(n) < 0.5).tolist()
        committed = self.committed.tolist()
        heard, new_heard, oldest = self.heard.tolist(), self.new_heard.tolist(), \
            self.oldest.tolist()
        for s, h, coin in zip(speakers, hearers, coins, strict=True):
            name = NEW if committed[s] else best_response(new_heard[s], m, coin)
            if not committed[h]:
                slot = oldest[h]
                new_heard[h] += name - heard[h][slot]
                heard[h][slot] = name
                oldest[h] = (slot + 1) % m
        self.heard = np.array(heard, np.int8)
        self.new_heard, self.oldest = np.array(new_heard), np.array(oldest)
        self.datacollector.collect(self)

    def outcomes(self) -> dict[str, Any]:
        """``adoption`` (final share of uncommitted agents saying the new name) and
        ``tipped`` (adoption above 0.9)."""
        share = adoption(self)
        return {"adoption": share, "tipped": bool(share > 0.9)}


def adoption(model: NamingGame) -> float:
    """Share of uncommitted agents whose best response is the new name (a tie counts half)."""
    free = ~model.committed
    if not free.any():
        return 1.0
    twice, m = 2 * model.new_heard[free], model.p["memory"]
    return float(((twice > m) + 0.5 * (twice == m)).mean())


def simulate(params: dict[str, Any], steps: int, seed: int | np.random.SeedSequence,
             every: int = 1) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Run :class:`NamingGame` for ``steps`` rounds; return (series, outcomes)."""
    return run(NamingGame(rng=np.random.default_rng(seed), **params), steps, every)
