"""Controls of a running market: fork it, change a parameter mid-run, and the hooks through
which an experiment pushes it and reads it.

A mixin of :class:`~sim.model.market.TrustMarket`, kept apart so that the week's rules read
on their own. The hooks (``fallen``, ``tracked_share``, ``pushed``, ``push``, ``release``,
``stall``, ``state``) are the :class:`sim.model.forkable.Forkable` protocol: the fork
experiment (``sim.experiments.forks``) drives any model through them and nothing else.
"""

from __future__ import annotations

import copy
import random
from typing import Any, Self

import numpy as np

from sim.model.parameters import ParameterError, check_name
from sim.model.rules import economics

MID_RUN = ("committed_share", "platform_fee", "platform_open_to_new")


class Controls:
    """``fork`` and ``set_param`` for a market with the TrustMarket's state."""

    def fork(self, seed: int | np.random.SeedSequence) -> Self:
        """A full copy of the running market with its own random streams from ``seed``.

        The copy shares nothing with the original: running either leaves the other as it
        was. Forks with the same seed run identically (the irreversibility test of the
        verdict forks a market at a checkpoint, e.g. with ``platform_open_to_new`` off).
        """
        twin = copy.deepcopy(self)
        twin.rng = np.random.default_rng(seed)
        twin.random = random.Random(int(twin.rng.integers(2**31 - 1)))
        return twin

    def set_param(self, name: str, value: Any) -> None:
        """Change a control mid-run (a hysteresis ramp), checked through its declaration.

        Only the names in :data:`MID_RUN` can change: ``committed_share`` (consumers join
        and leave the committed set in one fixed order), ``platform_fee`` (every vendor
        reprices at once) and ``platform_open_to_new``.
        """
        if name not in MID_RUN:
            raise ParameterError(f"parameter '{name}' cannot change mid-run; allowed: "
                                 + ", ".join(MID_RUN))
        p = self.p
        p[name] = check_name(name).check(value)
        if name == "committed_share":
            self.consumers.committed[:] = False
            chosen = self._commit_order[:int(round(p[name] * p["n_consumers"]))]
            self.consumers.committed[chosen] = True
        elif name == "platform_fee":
            self.platform.fee = p[name]
            self.vendors.price[:] = economics.vendor_price(
                self.vendors.unit_cost, p["vendor_markup"], p[name])

    # ------------------------------------------------------- the Forkable protocol
    @property
    def fallen(self) -> bool:
        """Whether the incumbent has fallen (the event the fork experiment watches)."""
        return not self.factory.alive

    @property
    def tracked_share(self) -> float:
        """The platform's share of the sector's gross in the last week."""
        return float(self.week["platform_share"])

    @property
    def pushed(self) -> float:
        """The committed share (the push) now in force."""
        return float(self.p["committed_share"])

    def push(self, share: float) -> None:
        """Set the committed share (consumers join the committed set in one fixed order)."""
        self.set_param("committed_share", min(1.0, max(0.0, share)))

    def release(self) -> None:
        """Withdraw the push: committed consumers become ordinary consumers, keeping their
        evidence, ties, favourite vendors and habits; every rule runs as on the natural
        course."""
        self.set_param("committed_share", 0.0)

    def stall(self) -> None:
        """The platform wins no one who has not used it yet (those who have may stay)."""
        self.set_param("platform_open_to_new", False)

    def state(self) -> dict[str, float]:
        """The market's state as the fork experiment reports it at a point: the platform's
        share of the gross, the shares of consumers who ever used the platform and who are
        committed, the factory's last weekly operating profit, its cash and its reserve."""
        c, f = self.consumers, self.factory
        return {"share_gross": self.tracked_share, "ever_used": float(c.ever_used.mean()),
                "committed": float(c.committed.mean()), "factory_profit": float(f.profit),
                "factory_cash": float(f.cash), "factory_reserve": float(f.reserve)}
