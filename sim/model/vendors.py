"""The vendors' life cycle (M7): pre-sale campaigns, entry, accounts and the three exits.

Functions over a :class:`~sim.model.market.TrustMarket`; the arithmetic is in the Mesa-free
rules (:mod:`sim.model.rules.campaigns`, :mod:`sim.model.rules.economics`,
:mod:`sim.model.rules.platform`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.agents import Vendor
from sim.model.rules import books, campaigns, economics
from sim.model.rules.records import Accounts

if TYPE_CHECKING:
    from sim.model.market import TrustMarket

EXITS = ("rating", "loss", "idle")  # a vendor that meets several rules counts under the first


def traits(model: TrustMarket, k: int) -> dict[str, np.ndarray]:
    """Quality, unit cost, price and capacity of ``k`` new vendors, drawn from ``model.rng``."""
    p = model.p
    mean, sd = p["vendor_quality_mean"], p["vendor_quality_spread"]
    concentration = max(mean * (1 - mean) / sd**2 - 1, 1e-6) if sd > 0 else None
    quality = (model.rng.beta(mean * concentration, (1 - mean) * concentration, size=k)
               if concentration else np.full(k, mean))
    cv = p["vendor_cost_spread"]
    sigma = np.sqrt(np.log1p(cv * cv))
    cost = p["vendor_unit_cost"] * model.rng.lognormal(-sigma * sigma / 2, sigma, size=k)
    return {"quality": quality, "unit_cost": cost,
            "price": economics.vendor_price(cost, p["vendor_markup"], p["platform_fee"]),
            "capacity": np.maximum(1, model.rng.poisson(p["vendor_capacity"], size=k))}


def seed_money(model: TrustMarket, pledged: np.ndarray, drawn: dict[str, np.ndarray]
               ) -> np.ndarray:
    """Cash a new shop starts with: its pledges net of the fee, less the pre-sold units."""
    p = model.p
    return pledged * (p["pledge_amount"] * (1.0 - p["platform_fee"]) - drawn["unit_cost"])


def open_shops(model: TrustMarket, founders: np.ndarray, drawn: dict[str, np.ndarray],
               cash: np.ndarray) -> np.ndarray:
    """Add one vendor per founder with the given traits and cash; returns their rows."""
    k = founders.size
    if k == 0:
        return np.zeros(0, np.int64)
    rows = model.vendors.append(owner=founders, active=np.ones(k, bool), cash=cash, **drawn)
    model.consumers.owns[founders] = rows
    for index in rows:
        model.vendor_agents[int(index)] = Vendor(model, int(index))
    return rows


def exits(model: TrustMarket) -> dict[str, int]:
    """Vendors leave when badly rated, out of cash, or idle too long; returns the counts."""
    p, v, c = model.p, model.vendors, model.consumers
    left = np.empty(len(v), bool)
    counts = dict(zip(EXITS, books.exits.entry(
        Accounts(v.active, v.unit_cost, v.cash, v.idle, v.good, v.bad),
        float(p["rating_inflation"]), float(p["vendor_min_stars"]),
        float(p["vendor_idle_weeks"]), left), strict=True))
    if any(counts.values()):  # in most weeks no vendor leaves
        gone = left.nonzero()[0]
        for index in gone:
            model.vendor_agents.pop(int(index)).remove()
        v.active &= ~left
        c.owns[np.isin(c.owns, gone)] = -1
    return counts


def campaign(model: TrustMarket) -> dict[str, float]:
    """Entry where platform demand went unserved: founders drawn among the consumers run
    pre-sale campaigns; those that reach their target open a shop financed by the pledges.

    The pledges are money that moves: each backer pays ``pledge_amount`` this week (counted
    in the gross as platform spending) for a unit the shop makes at its unit cost.
    """
    p, c = model.p, model.consumers
    attempts = model.rng.poisson(p["entry_rate"] * model.week["unserved"]
                                 / p["vendor_capacity"])
    if attempts == 0:  # no founder drawn (drawing none leaves the generator as it is)
        return {"campaigns": 0, "successes": 0, "pledged": 0.0}
    founders = np.unique(model.rng.integers(0, p["n_consumers"], size=attempts))
    founders = founders[c.owns[founders] < 0]
    if founders.size == 0:
        return {"campaigns": 0, "successes": 0, "pledged": 0.0}
    layer = model.ties.strong if p["campaign_audience"] == "inner_circle" else model.ties.weak
    which, backers = campaigns.pledges(*layer.ties_of(founders), p["pledge_propensity"],
                                       model.rng)
    count = np.bincount(which, minlength=founders.size)
    won = campaigns.succeeded(which, founders.size, p["campaign_target"])
    drawn = traits(model, int(won.sum()))
    open_shops(model, founders[won], drawn, seed_money(model, count[won], drawn))
    paid = float(count[won].sum()) * p["pledge_amount"]
    return {"campaigns": int(founders.size), "successes": int(won.sum()), "pledged": paid}
