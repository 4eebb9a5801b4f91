"""SectorMarket: one population of consumers and one tie network buying in several sectors.

Each sector is a :class:`Sector`, a :class:`~sim.model.market.TrustMarket` of its own
(incumbent, vendor pool, purchase rhythm, ties to its vendors, trust in its referrers) on
the shared tie network. What consumers learn about the platform in one sector carries over
to the others with strength ``spillover`` (docs/sectors.md, "Spillover"):

- evidence: the evidence about the platform that sector k's choices see is the consumer's
  own evidence in k plus ``spillover`` times its evidence in every other sector, and the
  same for the platform's institutional record;
- habit: a consumer who has used the platform in another sector counts as having used it
  in k (past M6's first-purchase gate) if its fixed ``openness`` (uniform on [0, 1], drawn
  once) is below ``spillover``.

Both are computed at the start of each week from the state at the end of the last, then the
sectors step in order. Sector 0 draws from the model's generator exactly as a single
TrustMarket would (so one sector reproduces it bit for bit), every other sector from its own
stream spawned from it, so at ``spillover = 0`` a sector's run does not depend on the others.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from typing import Any

import mesa
import numpy as np

from sim.model.market import TrustMarket
from sim.model.rules import platform
from sim.model.sectors.controls import SectorControls
from sim.model.sectors.parameters import flat, present, resolve, sector_params


@dataclass
class Spill:
    """What sector k's consumers see of the other sectors this week."""

    good: np.ndarray | float = 0.0  # extra evidence about the platform, per consumer
    bad: np.ndarray | float = 0.0
    used: np.ndarray | bool = False  # counts as having used the platform
    record_good: float = 0.0  # extra institutional record
    record_bad: float = 0.0


class Sector(TrustMarket):
    """One sector: a TrustMarket whose view of the platform includes what spills over."""

    def __init__(self, name: str, rng: Any = None, **params: Any) -> None:
        self.name = name
        self.spill = Spill()
        super().__init__(rng=rng, **params)

    def platform_evidence(self) -> tuple[np.ndarray, np.ndarray]:
        c, s = self.consumers, self.spill
        return c.platform_good + s.good, c.platform_bad + s.bad

    def platform_use(self) -> np.ndarray:
        return self.consumers.ever_used | self.spill.used

    def institutional_trust(self) -> float:
        p, s = self.platform, self.spill
        return platform.institutional_trust(p.good + s.record_good, p.bad + s.record_bad,
                                            p.trust_initial)


class SectorMarket(SectorControls, mesa.Model):
    """Several sectors sharing consumers, their ties and their trust in the platform. The
    fork experiment pushes and reads its ``fork_sector`` (:class:`SectorControls`).

    Keyword arguments are the parameters of :mod:`sim.model.sectors.parameters`.

    >>> model = SectorMarket(sectors="news,food", spillover=0.5, n_consumers=300, rng=1)
    >>> model.run_for(52)
    """

    def __init__(self, rng: Any = None, **params: Any) -> None:
        self.p = p = resolve(params)
        names = present(p)
        root = np.random.default_rng(rng)
        first = Sector(names[0], rng=root, **sector_params(p, names[0]))
        streams = root.spawn(len(names))
        super().__init__(rng=streams[0])
        self.sectors: dict[str, Sector] = {names[0]: first}
        for name, stream in zip(names[1:], streams[1:], strict=True):
            self.sectors[name] = Sector(name, rng=stream, ties=copy.deepcopy(first.ties),
                                        **sector_params(p, name))
        self.openness = self.rng.random(p["n_consumers"])
        self.fall_order: list[str] = []
        self.spill_over()

    def step(self) -> None:
        """One week: what spills over between sectors, then each sector's week."""
        self.spill_over()
        for name, sector in self.sectors.items():
            sector.step()
            if sector.factory.fall_step is not None and name not in self.fall_order:
                self.fall_order.append(name)

    def spill_over(self) -> None:
        """Set each sector's view of the others (module docstring) and refresh its
        consumers' trust in the platform."""
        s = self.p["spillover"]
        if len(self.sectors) == 1:
            return
        carries = self.openness < s
        for name, sector in self.sectors.items():
            others = [o for k, o in self.sectors.items() if k != name]
            sector.spill = Spill(
                good=s * sum(o.consumers.platform_good for o in others),
                bad=s * sum(o.consumers.platform_bad for o in others),
                used=carries & np.logical_or.reduce([o.consumers.ever_used for o in others]),
                record_good=s * sum(o.platform.good for o in others),
                record_bad=s * sum(o.platform.bad for o in others))
            sector._refresh_platform_trust()

    def fork(self, seed: int | np.random.SeedSequence) -> SectorMarket:
        """A full copy of the running market with its own random streams from ``seed``."""
        twin = copy.deepcopy(self)
        sequence = (seed if isinstance(seed, np.random.SeedSequence)
                    else np.random.SeedSequence(seed))
        streams = sequence.spawn(len(self.sectors) + 1)
        for market, stream in zip([twin, *twin.sectors.values()], streams, strict=True):
            market.rng = np.random.default_rng(stream)
            market.random = random.Random(int(market.rng.integers(2**31 - 1)))
        return twin

    def outcomes(self) -> dict[str, Any]:
        """Per-run outcomes, flat: each sector's as ``SECTOR__NAME``
        (:data:`sim.model.sectors.measures.SECTOR_OUTCOMES`), the network's once, and how
        many incumbents fell."""
        first = next(iter(self.sectors.values()))
        result: dict[str, Any] = {**first.network, "sectors_fallen": len(self.fall_order)}
        loss = {name: loss_week(sector) for name, sector in self.sectors.items()}
        for name, sector in self.sectors.items():
            own = sector.outcomes()
            week = loss[name]
            shares = sector.datacollector.model_vars["platform_share"]
            before = sum(1 for other, s in self.sectors.items() if other != name and week
                         and s.factory.fall_step is not None and s.factory.fall_step < week)
            own.update(
                loss_week=week,
                share_at_loss=float(shares[week - 1]) if week else None,
                fallen_before=before if week else None,
                fall_rank=(self.fall_order.index(name) + 1 if name in self.fall_order
                           else None))
            result.update({flat(name, k): v for k, v in own.items()
                           if k not in first.network})
        return result


def loss_week(sector: Sector) -> int | None:
    """The week at which a fallen incumbent's losses began for good: the week after its last
    week of non-negative operating profit before its fall (None if it did not fall)."""
    fall = sector.factory.fall_step
    if fall is None:
        return None
    profits = sector.datacollector.model_vars["factory_profit"][:fall]
    last = max((w for w, profit in enumerate(profits, start=1) if profit >= 0), default=0)
    return min(last + 1, fall)
