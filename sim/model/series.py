"""Thinning a run's weekly series before it is stored: every k-th week and the last."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line imports this module before any run loads pandas
    import pandas as pd


def every_kth_week(series: pd.DataFrame, every: int) -> pd.DataFrame:
    """The rows of ``series`` (a ``step`` column counting weeks from 1) whose week is a
    multiple of ``every``, and those of the last week recorded, whether or not it is one
    (a run that stopped early keeps its end); all rows when ``every`` is 1."""
    if every <= 1 or series.empty:
        return series
    step = series["step"]
    return series[(step % every == 0) | (step == step.max())].reset_index(drop=True)
