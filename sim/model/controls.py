"""Controls of a running market: fork it, or change a parameter mid-run.

A mixin of :class:`~sim.model.market.TrustMarket`, kept apart so that the week's rules read
on their own.
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
