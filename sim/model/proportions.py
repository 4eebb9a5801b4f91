"""The interval of a proportion counted over runs or forks: Wilson's score interval (Wilson
1927), by scipy."""

from __future__ import annotations

from scipy import stats


def wilson(events: int, trials: int, level: float = 0.95) -> tuple[float | None, float | None]:
    """Wilson score interval of ``events`` out of ``trials`` at confidence ``level``; open
    on both sides (None, None) when nothing was counted."""
    if trials == 0:
        return None, None
    ci = stats.binomtest(int(events), int(trials)).proportion_ci(level, method="wilson")
    return float(ci.low), float(ci.high)
