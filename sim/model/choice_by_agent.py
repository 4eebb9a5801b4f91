"""The consumer choice rule (M6) agent by agent: plain Python over the Mesa agents.

A reference for :meth:`sim.model.market.TrustMarket.choose`, which applies the same rule to
all consumers at once over arrays. Written the way Mesa's examples are, each consumer looks
at its own favourite, its referral and the listing, then picks nothing, the factory or the
platform. It takes the same draws from the model's generator, in the same order (the
listing for those with no candidate, then one uniform per consumer), so on the same state
both give the same choices; ``tests/model/test_choice_by_agent.py`` checks that, and
``benchmarks/bench_model.py`` times both. It reads the model and changes nothing.
"""

from __future__ import annotations

import math
from typing import Any

from sim.model.agents import Consumer
from sim.model.rules.economics import FACTORY, NOTHING, PLATFORM


def _belief(good: float, bad: float) -> float:
    """Expected chance of a good outcome under a Beta(1 + good, 1 + bad) belief."""
    return (good + 1.0) / (good + bad + 2.0)


def _candidate(model: Any, consumer: Consumer, referral: Any) -> tuple[int, bool]:
    """The vendor a consumer would try (-1: none yet) and whether it follows its referral."""
    c, v, i = model.consumers, model.vendors, consumer.index
    fav = int(c.fav[i])
    if fav >= 0 and not v.active[fav]:
        fav = -1
    ref = int(referral.vendor[i])
    use_ref = ref >= 0 and (fav < 0 or ref == fav or _belief(referral.good[i], referral.bad[i])
                            > _belief(c.fav_good[i], c.fav_bad[i]))
    return (ref if use_ref else fav), use_ref


def _choice(model: Any, consumer: Consumer, need: bool, candidate: int, use_ref: bool,
            referral: Any, uniform: float) -> int:
    """What one consumer buys this week: NOTHING, FACTORY or PLATFORM."""
    p, c, v, f, i = model.p, model.consumers, model.vendors, model.factory, consumer.index
    if not need:
        return NOTHING
    if consumer.committed:
        return PLATFORM
    fav = int(c.fav[i]) if c.fav[i] >= 0 and v.active[c.fav[i]] else -1
    own = candidate == fav
    good = (c.fav_good[i] if own else 0.0) + (referral.good[i] if use_ref else 0.0)
    bad = (c.fav_bad[i] if own else 0.0) + (referral.bad[i] if use_ref else 0.0)
    if candidate >= 0 and p["trust_channels"] and not (c.tied[i] and fav >= 0 and own):
        rating = 1.0 - (1.0 - _belief(v.good[candidate], v.bad[candidate])) * (
            1.0 - p["rating_inflation"])
        strength = p["rating_weight"] * model.platform_trust[i]
        good, bad = good + strength * rating, bad + strength * (1.0 - rating)
    tau = _belief(good, bad)
    price = v.price[max(candidate, 0)] if v.active.any() else 1.0
    u_platform = (p["beta_quality"] * tau - p["beta_price"] * price
                  - p["beta_risk"] * ((1.0 - tau) * (1.0 - p["payment_guarantee"])))
    endorsers = sum(1 for j in model.ties.strong.adjacency.indices[
        model.ties.strong.adjacency.indptr[i]:model.ties.strong.adjacency.indptr[i + 1]]
        if c.ever_used[j] and c.platform_good[j] > c.platform_bad[j])
    endorsed = endorsers >= p["endorsements_needed"]
    contested = p["consumer_switching"] and (c.ever_used[i] or endorsed)
    u_factory = (p["beta_quality"] * f.quality
                 - p["beta_price"] * (f.price_contested if contested else f.price)
                 - p["beta_risk"] * 0.0 + p["factory_advertising"] * f.advertising_reach)
    newcomers = endorsed and p["platform_open_to_new"]
    platform_open = (p["consumer_switching"] and (c.ever_used[i] or newcomers)
                     and candidate >= 0)
    u_factory += p["habit"] * (c.last[i] == FACTORY)
    u_platform += p["habit"] * (c.last[i] == PLATFORM)
    u_factory = u_factory if f.alive else -math.inf
    u_platform = u_platform if platform_open else -math.inf
    top = max(u_factory, u_platform, 0.0)
    weights = [math.exp(-top), math.exp(u_factory - top), math.exp(u_platform - top)]
    total = weights[0] + weights[1] + weights[2]
    nothing, factory = weights[0] / total, weights[1] / total
    return int(uniform >= nothing) + int(uniform >= nothing + factory)


def choose(model: Any, need: Any, referral: Any) -> tuple[list[int], list[int]]:
    """Each consumer's choice and the vendor it asks (-1: none), one agent at a time."""
    consumers = sorted(model.agents_by_type[Consumer], key=lambda agent: agent.index)
    plans = [_candidate(model, consumer, referral) for consumer in consumers]
    active = [k for k in range(len(model.vendors)) if model.vendors.active[k]]
    looking = [k for k, (candidate, _) in enumerate(plans) if candidate < 0]
    if active:
        for k, vendor in zip(looking, model.rng.choice(active, size=len(looking)),
                             strict=True):
            plans[k] = (int(vendor), False)
    uniforms = model.rng.random(len(consumers))
    choices, vendors = [], []
    for consumer, (candidate, use_ref), uniform in zip(consumers, plans, uniforms,
                                                       strict=True):
        choice = _choice(model, consumer, bool(need[consumer.index]), candidate, use_ref,
                         referral, uniform)
        choices.append(choice)
        vendors.append(candidate if choice == PLATFORM and candidate >= 0 else -1)
    return choices, vendors
