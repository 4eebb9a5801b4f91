"""Utility, pricing, serving and accounting (M6, M7, M9): plain functions, no Mesa.

``purchase_utility`` is compiled (numba) and serves both the week's loop over consumers
(``sim.model.rules.weekly``, into which it is written rather than called per consumer)
and the factory's offer over arrays; ``serve_in_priority`` is the compiled capacity rule
behind ``allocate_capacity`` (``serve_listed`` its second round).
"""

from __future__ import annotations

import numpy as np
from numba import njit

NOTHING, FACTORY, PLATFORM = 0, 1, 2


@njit(cache=True, inline="always")
def purchase_utility(trust: np.ndarray | float, price: np.ndarray | float,
                     risk: np.ndarray | float, beta_quality: float, beta_price: float,
                     beta_risk: float) -> np.ndarray | float:
    """Utility of buying: expected good outcome, minus price, minus perceived loss (M6).

    ``trust`` is the expected chance of a good outcome, ``risk`` the perceived chance of
    losing the payment. Buying nothing has utility 0.
    """
    return beta_quality * trust - beta_price * price - beta_risk * risk


def factory_choice_probability(price: float, quality: float, advertising: float,
                               beta_quality: float, beta_price: float) -> float:
    """Chance a consumer who only has the factory and nothing buys from the factory."""
    u = beta_quality * quality - beta_price * price + advertising
    return float(1.0 / (1.0 + np.exp(-u)))


def baseline_contribution(price: float, marginal_cost: float, volume: float) -> float:
    """C0: the factory's contribution (price - marginal cost) x volume with the whole market."""
    return (price - marginal_cost) * volume


def break_even_share(fixed_cost_share: float) -> float:
    """Share of its volume the factory can lose at a fixed price before losing money: 1 - F/C0."""
    return 1.0 - fixed_cost_share


def operating_profit(price: float, marginal_cost: float, volume: float, fixed_cost: float) -> float:
    """Revenue minus variable and fixed cost for one week."""
    return (price - marginal_cost) * volume - fixed_cost


def full_cost_price(marginal_cost: float, fixed_cost: float, volume: float, markup: float) -> float:
    """Full-cost pricing: average cost at the recent volume, times (1 + markup).

    With no volume the average cost is unbounded: the price is then returned as infinity and
    nobody buys.
    """
    if volume <= 0:
        return float("inf")
    return (marginal_cost + fixed_cost / volume) * (1.0 + markup)


def full_cost_markup(price: float, marginal_cost: float, fixed_cost: float, volume: float) -> float:
    """The markup at which full-cost pricing reproduces ``price`` at ``volume``."""
    return price / (marginal_cost + fixed_cost / volume) - 1.0


def vendor_price(unit_cost: np.ndarray, markup: float, fee: float) -> np.ndarray:
    """Price that leaves the vendor its markup over unit cost after the platform's fee."""
    return unit_cost * (1.0 + markup) / (1.0 - fee)


def responsive_prices(marginal_cost: float, fixed_cost: float, volume: float, markup: float,
                      platform_price: float) -> tuple[float, float]:
    """(contested price, captive price) under the responsive rule (Seamans & Zhu 2014).

    Where the platform competes, the incumbent meets the platform's price, never below its
    own marginal cost (newspapers cut the classified rates Craigslist contested); the other
    consumers pay the full-cost price at the recent volume, which rises as volume is lost
    (subscription prices rose). With no platform price (no vendor listed) both are the
    full-cost price.
    """
    full = full_cost_price(marginal_cost, fixed_cost, volume, markup)
    if not np.isfinite(platform_price):
        return full, full
    return max(marginal_cost, min(full, platform_price)), full


def vendor_profit(revenue: np.ndarray, units: np.ndarray, unit_cost: np.ndarray,
                  fixed_cost: float) -> np.ndarray:
    """A vendor's week: revenue after the platform's fee, less unit and fixed costs."""
    return revenue - units * unit_cost - fixed_cost


def split_payment(price: np.ndarray, fee: float):
    """(vendor's revenue, platform's fee) for payments ``price``."""
    fees = price * fee
    return price - fees, fees


def allocate_capacity(choice_vendor: np.ndarray, capacity: np.ndarray,
                      priority: np.ndarray) -> np.ndarray:
    """Which buyers get served: each vendor serves its buyers in ``priority`` order up to capacity.

    ``choice_vendor[i]`` is the vendor buyer i asks (-1: none); ``priority`` holds values in
    [0, 1); ``capacity`` is a whole number per vendor. Returns a boolean array.
    """
    served = np.zeros(choice_vendor.shape[0], dtype=bool)
    capacity = np.asarray(capacity, dtype=np.int64)
    serve_in_priority(np.asarray(choice_vendor, dtype=np.int64), capacity, priority, served,
                      np.empty(capacity.size, dtype=np.int64))
    return served


@njit(cache=True)
def serve_in_priority(vendor: np.ndarray, capacity: np.ndarray, priority: np.ndarray,
                      served: np.ndarray, room: np.ndarray) -> None:
    """Each vendor serves the buyers who ask it (``vendor[i] >= 0``) in increasing
    ``priority`` (the earlier buyer first among equal priorities) up to its ``capacity``;
    sets ``served[i]`` for those served, and leaves in ``room`` each vendor's capacity (never
    below 0) less the buyers it served (:func:`serve_listed`)."""
    buyers = 0
    for i in range(vendor.size):
        buyers += 1 if vendor[i] >= 0 else 0
    listed = np.empty(buyers, dtype=np.int64)
    k = 0
    for i in range(vendor.size):
        if vendor[i] >= 0:
            listed[k] = i
            k += 1
    for v in range(capacity.size):
        room[v] = capacity[v] if capacity[v] > 0 else 0
    serve_listed(listed, vendor, priority, room, served)


@njit(cache=True)
def serve_listed(buyers: np.ndarray, vendor: np.ndarray, priority: np.ndarray,
                 room: np.ndarray, served: np.ndarray) -> None:
    """The ``buyers`` (in increasing order, each asking ``vendor[i] >= 0``) are served in
    increasing ``priority`` (the earlier buyer first among equal priorities), each while
    its vendor has ``room`` (taken from it); sets ``served[i]`` for those served.

    They are put in priority order once for all vendors: a counting sort into as many
    equal buckets of [0, 1) as there are buyers, then an insertion sort of that nearly
    sorted order (stable, it only moves buyers within a bucket); each buyer in turn is
    served while its vendor has room. The order depends only on the buyers listed, so a
    second round over the few buyers left costs those buyers, not the whole market.
    """
    count = buyers.size
    start = np.zeros(count + 1, dtype=np.int64)
    for k in range(count):
        start[min(int(priority[buyers[k]] * count), count - 1) + 1] += 1
    for b in range(count):
        start[b + 1] += start[b]
    order = np.empty(count, dtype=np.int64)
    key = np.empty(count)
    for k in range(count):
        i = buyers[k]
        b = min(int(priority[i] * count), count - 1)
        order[start[b]], key[start[b]] = i, priority[i]
        start[b] += 1
    for k in range(1, count):
        buyer, first = order[k], key[k]
        j = k - 1
        while j >= 0 and key[j] > first:
            order[j + 1], key[j + 1] = order[j], key[j]
            j -= 1
        order[j + 1], key[j + 1] = buyer, first
    for k in range(count):
        if room[vendor[order[k]]] > 0:
            served[order[k]] = True
            room[vendor[order[k]]] -= 1
