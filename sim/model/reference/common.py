"""What every reference model's ``simulate`` does: run, collect the series, thin it."""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np
import pandas as pd

from sim.model.series import every_kth_week


def run(model: mesa.Model, steps: int, every: int = 1) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Step ``model`` up to ``steps`` times, stopping early once it sets ``running`` false
    (it has settled); return its series (a ``step`` column, every ``every``-th step and
    always the last) and ``model.outcomes()``."""
    while model.running and model.time < steps:
        model.step()
    series = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    series.insert(0, "step", np.arange(1, len(series) + 1))
    series = every_kth_week(series, every)
    return series, model.outcomes()


def committed_mask(n: int, share: float, rng: np.random.Generator) -> np.ndarray:
    """``round(share * n)`` agents, chosen at random, marked True."""
    mask = np.zeros(n, bool)
    mask[rng.permutation(n)[:int(round(share * n))]] = True
    return mask


def ordered_pairs(n: int, size: int, rng: np.random.Generator) -> tuple[list[int], list[int]]:
    """``size`` (speaker, hearer) pairs of distinct agents drawn uniformly: a random edge of
    the complete graph and a random one of its ends to speak."""
    speakers = rng.integers(n, size=size)
    hearers = (speakers + rng.integers(1, n, size=size)) % n
    return speakers.tolist(), hearers.tolist()
