"""The several-sector market as the fork experiment sees it: one chosen sector (the
``fork_sector`` parameter, the first sector present by default) is pushed, released,
stalled and read, while every sector runs on.

A mixin of :class:`~sim.model.sectors.market.SectorMarket`; the hooks are the
:class:`sim.model.forkable.Forkable` protocol and delegate to that sector's own
(:class:`sim.model.controls.Controls`): the push is that sector's committed share, the share
read is the platform's share of that sector's gross, the fall is that sector's incumbent's.
"""

from __future__ import annotations

from typing import Any


class SectorControls:
    """The Forkable hooks of a market of sectors, read on its ``fork_sector``."""

    @property
    def tracked(self) -> Any:
        """The sector the fork experiment pushes and reads."""
        return self.sectors[self.p["fork_sector"] or next(iter(self.sectors))]

    @property
    def datacollector(self) -> Any:
        """The tracked sector's weekly series (what a fork run stores)."""
        return self.tracked.datacollector

    @property
    def fallen(self) -> bool:
        """Whether the tracked sector's incumbent has fallen."""
        return self.tracked.fallen

    @property
    def tracked_share(self) -> float:
        """The platform's share of the tracked sector's gross in the last week."""
        return self.tracked.tracked_share

    @property
    def pushed(self) -> float:
        """The tracked sector's committed share now in force."""
        return self.tracked.pushed

    def push(self, share: float) -> None:
        """Set the tracked sector's committed share."""
        self.tracked.push(share)

    def release(self) -> None:
        """Withdraw the push in the tracked sector (its committed consumers become ordinary
        consumers there); the other sectors run on as they were."""
        self.tracked.release()

    def stall(self) -> None:
        """In the tracked sector, the platform wins no one who has not used it there yet."""
        self.tracked.stall()

    def state(self) -> dict[str, float]:
        """The tracked sector's state at a point, and how many incumbents have fallen."""
        return {**self.tracked.state(), "sectors_fallen": float(len(self.fall_order))}
