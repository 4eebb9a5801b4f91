"""The adaptive design of the tipping estimator: which runs to do next.

Model-free: a :class:`Design` proposes trials ``(point, x, replicate)`` and is told their 0/1
outcomes by whoever runs them (a callback in :func:`adaptive_design`, the batch runner in
:func:`sim.studies.tipping.study.run_study`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from scipy import special

from sim.studies.tipping.fit import Fit, fit_dose_response, maximize

if TYPE_CHECKING:
    from sim.studies.tipping.study import TippingPlan

RESOLUTION = 200  # lattice points per cell of the coarse grid: where new design points may go
# New design points go where the fitted log-odds are those of the target, and 0.2 and 0.8
# shifted alike (for a target of one half: the fitted 0.2, 0.5 and 0.8 quantiles).
SPREAD = float(special.logit(0.8))
MIXED = float(special.logit(0.9))  # points with both outcomes this close (in log-odds) count


@dataclass(frozen=True)
class Trial:
    """One run to do: lattice ``point`` (its ``x``) and the replicate number there."""

    point: int
    x: float
    replicate: int


@dataclass
class Design:
    """Adaptive design over ``[low, high]``.

    First a coarse grid of ``grid`` points with ``replicates`` runs each; then rounds of
    ``batch`` runs spread over the points where the observed chance is neither near 0 nor
    near 1 (points with both outcomes whose fitted probability lies in [0.1, 0.9], for a
    target of one half) and over the fitted 0.2, 0.5 and 0.8 quantiles (new points when the
    transition falls between grid points), the closest to the target first, until ``budget``
    runs are spent. For another ``target`` the window and the quantiles shift by its
    log-odds. It stops early if no
    point shows the outcome or every point does: then no transition lies in the range.
    """

    plan: TippingPlan
    trials: list[Trial] = field(default_factory=list)
    outcomes: list[float] = field(default_factory=list)

    @property
    def size(self) -> int:
        """Design points lie on the lattice ``low + i (high - low) / size``, i = 0 ... size."""
        return (self.plan.grid - 1) * RESOLUTION

    def x_of(self, point: int) -> float:
        """The value of the variable at lattice ``point``."""
        return self.plan.low + (self.plan.high - self.plan.low) * point / self.size

    def _point_of(self, x: float) -> int:
        s = self.plan
        return int(np.clip(round((x - s.low) / (s.high - s.low) * self.size), 0, self.size))

    @property
    def n_runs(self) -> int:
        """Runs with an outcome (failed runs are not counted)."""
        return int(np.isfinite(self.outcomes).sum()) if self.outcomes else 0

    def table(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per design point: ``x``, runs and events (failed runs left out)."""
        points = np.array([t.point for t in self.trials], int)
        y = np.array(self.outcomes, float)
        ok = np.isfinite(y)
        where, inverse = np.unique(points[ok], return_inverse=True)
        n = np.bincount(inverse, minlength=where.size)
        k = np.bincount(inverse, weights=y[ok], minlength=where.size)
        return np.array([self.x_of(p) for p in where]), n, k

    def transition_seen(self) -> bool:
        """Whether the runs so far show both outcomes."""
        _, n, k = self.table()
        return bool(0 < k.sum() < n.sum())

    def fit(self) -> Fit:
        """The dose-response fit of all runs so far."""
        x, n, k = self.table()
        return fit_dose_response(x, n, k, self.plan.low, self.plan.high, self.plan.level,
                                 self.plan.target)

    def propose(self) -> list[Trial]:
        """The next round of trials ([] when the design is done)."""
        s = self.plan
        left = s.budget - len(self.trials)
        if left <= 0:
            return []
        if not self.trials:
            points = [i * RESOLUTION for i in range(s.grid)]
            return self._trials([p for p in points for _ in range(s.replicates)][:left])
        if not self.transition_seen():
            return []
        x, n, k = self.table()
        span = s.high - s.low
        (a, b), _ = maximize((x - s.low) / span, n, k)

        aim = float(special.logit(s.target))

        def off(value: float) -> float:
            """How far the fitted log-odds at ``value`` lie from the target's."""
            return abs(a + b * (value - s.low) / span - aim)

        mixed = {self._point_of(xi) for xi, ni, ki in zip(x, n, k, strict=True)
                 if 0 < ki < ni and off(xi) <= MIXED}
        quantiles = set()
        if b != 0:
            quantiles = {self._point_of(s.low + (aim + shift - a) / b * span)
                         for shift in (-SPREAD, 0.0, SPREAD)}
        ranked = sorted(mixed | quantiles, key=lambda p: off(self.x_of(p)))
        if not ranked:  # a flat fit and no point with both outcomes: back to the grid
            ranked = [i * RESOLUTION for i in range(s.grid)]
        size = min(left, s.batch)
        return self._trials([ranked[i % len(ranked)] for i in range(size)])

    def _trials(self, points: list[int]) -> list[Trial]:
        done: dict[int, int] = {}
        for t in self.trials:
            done[t.point] = done.get(t.point, 0) + 1
        out = []
        for p in points:
            out.append(Trial(p, self.x_of(p), done.get(p, 0)))
            done[p] = done.get(p, 0) + 1
        return out

    def record(self, trials: Sequence[Trial], outcomes: Sequence[float]) -> None:
        """Add the outcomes (1 event, 0 none, NaN failed run) of ``trials``."""
        if len(trials) != len(outcomes):
            raise ValueError(f"{len(trials)} trials but {len(outcomes)} outcomes")
        self.trials.extend(trials)
        self.outcomes.extend(float(y) for y in outcomes)


def adaptive_design(plan: TippingPlan, run: Callable[[list[Trial]], Sequence[float]]
                    ) -> Design:
    """Run the adaptive design to the end, ``run`` giving each round's 0/1 outcomes."""
    design = Design(plan)
    while trials := design.propose():
        design.record(trials, run(trials))
    return design
