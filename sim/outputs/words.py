"""Numbers in the reports' words: one percent format, and one word for a value that is
missing or an interval side that is open."""

from __future__ import annotations

import math

OPEN = "open"  # a value not measured, or the side of an interval the data do not close


def percent(value: float | None, digits: int = 1, signed: bool = False) -> str:
    """``0.123`` as ``12.3%`` (``+12.3%`` when ``signed``); None or NaN as :data:`OPEN`."""
    if value is None or math.isnan(value):
        return OPEN
    return f"{100 * value:{'+' if signed else ''}.{digits}f}%"
