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
(``sim.model.rules.weekly.recommend``); ``credit_referrals`` keeps the three counts.
"""

from __future__ import annotations

import numpy as np

from sim.model.rules.records import ConsumerArrays, Referral, Sales, Talk, rule


@rule
def willingness(i: int, c: ConsumerArrays, talk: Talk) -> float:
    """Consumer i's chance to pass on its referral this week."""
    chance = (1.0 - talk.referral_withhold + talk.referral_reciprocity * c.helped[i]
              + talk.referral_status * c.thanked[i]
              - talk.referral_reputation_cost * c.blamed[i])
    return 0.0 if chance < 0.0 else (1.0 if chance > 1.0 else chance)


@rule
def credit_referrals(c: ConsumerArrays, sales: Sales, acted: Referral, keep: float,
                     went_well: np.ndarray, went_wrong: np.ndarray) -> tuple[int, int]:
    """The week's referrals credited (M12): every consumer's counts keep a share ``keep``;
    a served buyer who acted on a referral (``acted.via >= 0``) counts it as help and its
    source as thanked when the purchase went well, else the source is blamed. Writes those
    buyers, in increasing order, into ``went_well[:k]`` and ``went_wrong[:m]``; returns
    ``(k, m)``."""
    for i in range(c.helped.size):
        c.helped[i] *= keep
        c.thanked[i] *= keep
        c.blamed[i] *= keep
    k, m = 0, 0
    for i in range(c.helped.size):
        if not (sales.served[i] and acted.via[i] >= 0):
            continue
        if sales.good[i]:
            c.helped[i] += 1.0
            c.thanked[acted.source[i]] += 1.0
            went_well[k] = i
            k += 1
        else:
            c.blamed[acted.source[i]] += 1.0
            went_wrong[m] = i
            m += 1
    return k, m
