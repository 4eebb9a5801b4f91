"""What the trust market reports: its per-week measures and its per-run outcomes.

Kept apart from :mod:`sim.model.market` so that the command line and the scenario loader can name
them without importing Mesa.
"""

from __future__ import annotations

from typing import TypedDict

import numpy as np


class Week(TypedDict, total=False):
    """The week's figures (``TrustMarket.week``), each filled by name by the rule that
    computes it and read by the reporters below."""

    referrals_made: int  # consumers who passed on a referral (ask_network)
    platform_sales: float  # what buyers paid platform vendors, pledges included (trade)
    vendor_revenue: float  # the vendors' share of it after the fee
    fees: float  # the platform's fees
    unserved: int  # platform buyers no vendor could serve
    factory_contested: int  # factory buyers the platform can reach
    factory_captive: int  # factory buyers it cannot
    factory_revenue: float
    consumer_spending: float  # everything consumers paid
    gross: float  # platform sales plus factory revenue
    platform_share: float  # platform sales over gross
    vendor_exits_rating: int  # vendors gone this week, by the first rule they met (M7)
    vendor_exits_loss: int
    vendor_exits_idle: int
    vendor_entries: int  # successful campaigns (enter_and_exit)
    campaigns: int
    campaign_success_share: float  # NaN with no campaign

def _share(flags: np.ndarray) -> float:
    """The share of true entries (a bool array's mean, without numpy's reduction setup)."""
    return int(np.count_nonzero(flags)) / flags.size


# One column per week in the DataCollector (and in every stored series), read off the model.
MODEL_REPORTERS = {
    "platform_share": lambda m: m.week["platform_share"],
    "factory_price": lambda m: m.factory.price,
    "factory_volume": lambda m: m.factory.volume,
    "factory_profit": lambda m: m.factory.profit,
    "factory_cash": lambda m: m.factory.cash,
    "n_vendors": lambda m: int(np.count_nonzero(m.vendors.active)),
    "platform_trust": lambda m: float(m.platform_trust.sum() / m.platform_trust.size),  # mean
    "share_ever_used_platform": lambda m: _share(m.consumers.ever_used),
    "gross": lambda m: m.week["gross"],
    "unserved": lambda m: m.week["unserved"],
    "factory_price_contested": lambda m: m.factory.price_contested,
    "vendor_entries": lambda m: m.week["vendor_entries"],
    "vendor_exits_idle": lambda m: m.week["vendor_exits_idle"],
    "vendor_exits_loss": lambda m: m.week["vendor_exits_loss"],
    "vendor_exits_rating": lambda m: m.week["vendor_exits_rating"],
    "campaigns": lambda m: m.week["campaigns"],
    "campaign_success_share": lambda m: m.week["campaign_success_share"],
    "rated_share_4_5_stars": lambda m: m.rated_share_top,
    "institutional_trust": lambda m: m.platform.institutional_trust,
    "referrals_made": lambda m: m.week["referrals_made"],
    "platform_profit": lambda m: m.platform.profit,
}

# One value per run (``TrustMarket.outcomes()``), with the type each is stored as.
OUTCOME_TYPES = {
    "incumbent_fell": "bool",
    "fall_step": "int64",
    "platform_share_final": "float64",
    "platform_share_max": "float64",
    "platform_share_at_fall": "float64",
    "strong_degree_mean": "float64",
    "strong_degree_p99": "float64",
    "strong_degree_max": "int64",
    "strong_clustering": "float64",
    "strong_path_mean": "float64",
    "strong_path_sample": "int64",
}
OUTCOMES = tuple(OUTCOME_TYPES)
