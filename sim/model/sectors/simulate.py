"""Run one several-sector simulation: a tidy series (one row per week and sector) and flat
per-sector outcomes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.model.sectors.market import SectorMarket
from sim.model.sectors.measures import OUTCOME_TYPES_SECTORS
from sim.model.series import every_kth_week


def series_of(model: SectorMarket) -> pd.DataFrame:
    """Columns step, sector, then the single-sector reporters; rows by week, then sector
    in the model's order."""
    frames = []
    for name, sector in model.sectors.items():
        frame = sector.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        frame.insert(0, "sector", name)
        frame.insert(0, "step", np.arange(1, len(frame) + 1))
        frames.append(frame)
    order = {name: k for k, name in enumerate(model.sectors)}
    tidy = pd.concat(frames, ignore_index=True)
    tidy["_order"] = tidy["sector"].map(order)
    return tidy.sort_values(["step", "_order"], kind="stable").drop(columns="_order").reset_index(
        drop=True)


def simulate(params: dict[str, Any], steps: int, seed: int | np.random.SeedSequence,
             every: int = 1) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Run ``SectorMarket`` for ``steps`` weeks; return (series, outcomes).

    Outcomes of sectors not present are None (every run has the same columns).
    """
    model = SectorMarket(rng=np.random.default_rng(seed), **params)
    model.run_for(steps)
    series = series_of(model)
    series = every_kth_week(series, every)
    return series, {**dict.fromkeys(OUTCOME_TYPES_SECTORS), **model.outcomes()}
