"""What a model offers to be forked: the protocol the fork experiment drives it through.

A model joins the fork experiment by registering a ``market`` builder
(:func:`sim.model.registry.register`) that returns an object with these members. The model
layer defines what they mean for it (the trust market: the incumbent's fall, the platform's
share of the gross, the committed share); the experiment itself lives above the model.
"""

from __future__ import annotations

from typing import Any, Protocol, Self

import numpy as np


class Forkable(Protocol):
    """A running model the fork experiment can copy, push and read."""

    steps: int

    def step(self) -> None:
        """Advance one period."""

    def fork(self, seed: int | np.random.SeedSequence) -> Self:
        """A full copy with its own random streams from ``seed``."""

    @property
    def fallen(self) -> bool:
        """Whether the event the experiment watches (the incumbent's fall) has happened."""

    @property
    def tracked_share(self) -> float:
        """The share the experiment reads, in the model's declared unit."""

    @property
    def pushed(self) -> float:
        """The push (committed share) now in force."""

    def push(self, share: float) -> None:
        """Set the push."""

    def release(self) -> None:
        """Withdraw the push: the pushed agents become ordinary, keeping what they learnt."""

    def stall(self) -> None:
        """Close the platform to anyone not already a customer."""

    def state(self) -> dict[str, float]:
        """The state reported at a point: at least ``share_gross``."""

    def outcomes(self) -> dict[str, Any]:
        """The run's outcomes (as the model's ``simulate`` returns them)."""
