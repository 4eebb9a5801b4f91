"""Why people refer (M12): a consumer's chance to pass on a referral is not a constant.

Referring costs effort, so people refer when there is something in it for them (essays 001,
002, 003): help received in return (reciprocity), the status of being the one who knows and
the satisfaction of helping; a referral that goes wrong costs the referrer reputation
("your name is mud"). Each consumer keeps three decaying counts and its chance to refer is

    willingness = clip(1 - withhold + reciprocity * helped + status * thanked
                       - reputation_cost * blamed, 0, 1)

with ``helped`` the referrals it acted on that went well, ``thanked`` its own referrals that
others acted on with a good outcome, ``blamed`` its own referrals that went wrong. Plain
functions, no Mesa; the week computes ``willingness`` inside a compiled pass
(``sim.model.rules.weekly.recommendations``), which ``tests/model/test_weekly.py`` checks
against it, to the bit.
"""

from __future__ import annotations

import numpy as np


def willingness(withhold: float, helped: np.ndarray, thanked: np.ndarray, blamed: np.ndarray,
                reciprocity: float, status: float, reputation_cost: float) -> np.ndarray:
    """Each consumer's chance to pass on its referral this week."""
    raw = 1.0 - withhold + reciprocity * helped + status * thanked - reputation_cost * blamed
    return np.clip(raw, 0.0, 1.0)


def credit(counts: np.ndarray, who: np.ndarray) -> None:
    """Add one to ``counts`` for every entry of ``who`` (repeats count), in place."""
    if who.size:
        np.add.at(counts, who, 1.0)
