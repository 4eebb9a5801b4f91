"""Pre-sale campaigns (M7): a would-be vendor asks people it knows to pre-buy.

Each asked consumer pledges with chance ``propensity * trust`` where ``trust`` is what it
places in the founder (the tie's current trust). A campaign succeeds when its pledges reach
the target; the pledged money finances the shop. Asking the inner circle, whose ties are
trusted, succeeds far more often than the general ask to weak ties (the Indiegogo
observation of essay 004, quoted in docs/sources.md). Plain functions, no Mesa.
"""

from __future__ import annotations

import numpy as np


def pledges(campaign: np.ndarray, asked: np.ndarray, trust: np.ndarray, propensity: float,
            uniforms_for: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Who pledges to each campaign.

    One entry per tie of a founder: the ``campaign`` it belongs to, the consumer ``asked``
    and the tie's current ``trust``. Returns ``(campaign, backer)``: for every pledge, the
    campaign's row and the pledging consumer.
    """
    yes = uniforms_for.random(trust.size) < propensity * trust
    return campaign[yes].astype(np.int64), asked[yes].astype(np.int64)


def succeeded(campaign: np.ndarray, n_campaigns: int, target: int) -> np.ndarray:
    """Which campaigns reached ``target`` pledges."""
    return np.bincount(campaign, minlength=n_campaigns) >= target
