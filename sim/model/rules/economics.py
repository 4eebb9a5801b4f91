"""Utility, pricing, serving and accounting (M6, M7, M9): plain functions, no Mesa.

``purchase_utility`` is compiled (numba) and serves both the week's loop over consumers
(``sim.model.rules.weekly``) and the factory's offer over arrays; ``serve_in_priority`` is
the compiled capacity rule behind ``allocate_capacity``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

NOTHING, FACTORY, PLATFORM = 0, 1, 2
SMALL_GROUP = 32  # a vendor's capacity up to this: its best buyers are kept in place


@njit(cache=True)
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
    serve_in_priority(np.asarray(choice_vendor, dtype=np.int64),
                             np.asarray(capacity, dtype=np.int64), priority, served)
    return served


@njit(cache=True)
def serve_in_priority(vendor: np.ndarray, capacity: np.ndarray, priority: np.ndarray,
                      served: np.ndarray) -> None:
    """Each vendor serves the buyers who ask it (``vendor[i] >= 0``) in increasing
    ``priority`` up to its ``capacity``; sets ``served[i]`` for those served.

    A counting sort groups the buyers by vendor, with their priorities beside them; only a
    vendor asked by more buyers than it can serve picks its lowest (:func:`serve_lowest`
    while its capacity is at most ``SMALL_GROUP``, else by sorting its buyers).
    """
    n_vendors = capacity.size
    start = np.zeros(n_vendors + 1, dtype=np.int64)
    for i in range(vendor.size):
        if vendor[i] >= 0:
            start[vendor[i] + 1] += 1
    for v in range(n_vendors):
        start[v + 1] += start[v]
    fill = start[:-1].copy()
    group = np.empty(start[n_vendors], dtype=np.int64)
    key = np.empty(start[n_vendors])
    for i in range(vendor.size):
        v = vendor[i]
        if v >= 0:
            group[fill[v]], key[fill[v]] = i, priority[i]
            fill[v] += 1
    for v in range(n_vendors):
        lo, hi = start[v], start[v + 1]
        if hi - lo <= capacity[v]:
            for k in range(lo, hi):
                served[group[k]] = True
            continue
        if capacity[v] <= SMALL_GROUP:
            serve_lowest(group, key, lo, hi, max(capacity[v], 0), served)
            continue
        members = group[lo:hi][np.argsort(key[lo:hi])]
        for rank in range(min(hi - lo, capacity[v])):
            served[members[rank]] = True


@njit(cache=True)
def serve_lowest(group: np.ndarray, key: np.ndarray, lo: int, hi: int, room: int,
                 served: np.ndarray) -> None:
    """Serve the ``room`` buyers of ``group[lo:hi]`` with the lowest ``key`` (the earlier
    buyer first among equal keys, as a stable sort orders them), keeping the best so far
    in order at the front of the slice: each buyer after the first ``room`` displaces the
    last kept one only if its key is lower. Reorders the slice."""
    if room == 0:
        return
    for k in range(lo + 1, hi):
        buyer, first = group[k], key[k]
        end = k if k - lo < room else lo + room  # the kept ones are lo .. end - 1
        if end < k and first >= key[end - 1]:
            continue
        j = end - 1
        while j >= lo and key[j] > first:
            if j + 1 < lo + room:
                group[j + 1], key[j + 1] = group[j], key[j]
            j -= 1
        group[j + 1], key[j + 1] = buyer, first
    for k in range(lo, lo + room):
        served[group[k]] = True
