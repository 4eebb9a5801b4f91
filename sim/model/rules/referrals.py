"""Why people refer (M12): a consumer's chance to pass on a referral is not a constant.

Referring costs effort, so people refer when there is something in it for them (essays 001,
002, 003): help received in return (reciprocity), the status of being the one who knows and
the satisfaction of helping; a referral that goes wrong costs the referrer reputation
("your name is mud"). Each consumer keeps three decaying counts and its chance to refer is

    willingness = clip(1 - withhold + reciprocity * helped + status * thanked
                       - reputation_cost * blamed, 0, 1)

with ``helped`` the referrals it acted on that went well, ``thanked`` its own referrals that
others acted on with a good outcome, ``blamed`` its own referrals that went wrong. No Mesa;
``willingness`` is compiled and runs inside the week's loop over consumers
(``sim.model.rules.weekly.recommend``).
"""

from __future__ import annotations

import numpy as np

from sim.model.rules.records import ConsumerArrays, Talk, rule


@rule
def willingness(i: int, c: ConsumerArrays, talk: Talk) -> float:
    """Consumer i's chance to pass on its referral this week."""
    chance = (1.0 - talk.referral_withhold + talk.referral_reciprocity * c.helped[i]
              + talk.referral_status * c.thanked[i]
              - talk.referral_reputation_cost * c.blamed[i])
    return 0.0 if chance < 0.0 else (1.0 if chance > 1.0 else chance)


def credit(counts: np.ndarray, who: np.ndarray) -> None:
    """Add one to ``counts`` for every entry of ``who`` (repeats count), in place."""
    if who.size:
        np.add.at(counts, who, 1.0)
