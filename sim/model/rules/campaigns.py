"""Pre-sale campaigns (M7): a would-be vendor asks people it knows to pre-buy.

Each asked consumer pledges with chance ``propensity * trust`` where ``trust`` is what it
places in the founder (the tie's current trust). A campaign succeeds when its pledges reach
the target; the pledged money finances the shop. Asking the inner circle, whose ties are
trusted, succeeds far more often than the general ask to weak ties (the Indiegogo
observation of essay 004). Plain functions, no Mesa.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def pledges(asked: sp.csr_matrix, propensity: float, uniforms_for: np.random.Generator
            ) -> tuple[np.ndarray, np.ndarray]:
    """Who pledges to each campaign.

    ``asked`` has one row per campaign: the current trust of each tie of its founder.
    Returns ``(campaign, backer)``: for every pledge, the campaign's row and the pledging
    consumer.
    """
    if asked.shape[0] == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    asked = asked.tocoo()
    chance = propensity * asked.data
    yes = uniforms_for.random(chance.size) < chance
    return asked.row[yes].astype(np.int64), asked.col[yes].astype(np.int64)


def succeeded(campaign: np.ndarray, n_campaigns: int, target: int) -> np.ndarray:
    """Which campaigns reached ``target`` pledges."""
    return np.bincount(campaign, minlength=n_campaigns) >= target
