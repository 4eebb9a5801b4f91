"""Run one simulation: parameters and a seed in, a per-step series and outcomes out."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.model.market import TrustMarket
from sim.model.series import every_kth_week


def simulate(params: dict[str, Any], steps: int, seed: int | np.random.SeedSequence,
             every: int = 1) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Run ``TrustMarket`` for ``steps`` weeks; return (series, outcomes).

    The series has one row per kept step (``step`` 1, 2, ... counting weeks; every
    ``every``-th step and always the last) and one column per reporter.
    """
    rng = np.random.default_rng(seed)
    model = TrustMarket(rng=rng, **params)
    model.run_for(steps)
    series = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    series.insert(0, "step", np.arange(1, len(series) + 1))
    series = every_kth_week(series, every)
    return series, model.outcomes()
