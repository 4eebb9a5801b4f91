"""The week's trade booked (M6, M7, M9), compiled (numba): the room vendors have left after
the first round of serving, each buyer's purchase, each vendor's accounts, and the vendors
who leave.

Each rule is one pass, per buyer or per vendor, in the ODD's order, over the records of
:mod:`sim.model.rules.records`; as the rules of ``sim.model.rules.weekly``, each is tested
against its own Python source (``py_func``), to the bit. Sums of money over the market stay
numpy's (its pairwise sums, which a loop would not reproduce to the last bit).
"""

from __future__ import annotations

import numpy as np

from sim.model.rules.economics import FACTORY, NOTHING, PLATFORM
from sim.model.rules.platform import MIN_RATED
from sim.model.rules.records import Accounts, ConsumerArrays, Offer, Sales, VendorBooks, rule
from sim.model.rules.trust import beta_mean


@rule
def room_left(served: np.ndarray, wants: np.ndarray, active: np.ndarray,
              room: np.ndarray) -> tuple[int, int]:
    """After a round of serving, which left in ``room`` each vendor's capacity less the
    buyers it served (never below 0): a closed vendor's room is 0. Returns (buyers who
    wanted the platform and were not served, the room of all vendors)."""
    total = 0
    for v in range(room.size):
        room[v] = room[v] * (1 if active[v] else 0)
        total += room[v]
    left = 0
    for i in range(wants.size):
        left += 1 if wants[i] and not served[i] else 0
    return left, total


@rule
def second_try(wants: np.ndarray, served: np.ndarray, drawn: np.ndarray, vendor: np.ndarray,
               who: np.ndarray) -> None:
    """The buyers who wanted the platform and were not served ask the vendors ``drawn`` for
    them, in buyer order: into ``vendor``; ``who`` lists them, in that order."""
    k = 0
    for i in range(vendor.size):
        if wants[i] and not served[i]:
            vendor[i] = drawn[k]
            who[k] = i
            k += 1


@rule
def book_buyers(c: ConsumerArrays, sales: Sales, offer: Offer, contested: np.ndarray
                ) -> tuple[int, int, int, int, int]:
    """Each consumer's purchase this week: a platform buyer no vendor served buys nothing;
    where it bought is its ``last`` purchase; a factory buyer spends the price it is offered
    (contested or captive). Returns (platform buyers not served, factory buyers, of whom
    contested, platform purchases that went well, that went wrong)."""
    unserved, factory, factory_contested, good, bad = 0, 0, 0, 0, 0
    for i in range(c.choice.size):
        if c.choice[i] == PLATFORM and not sales.served[i]:
            c.choice[i] = NOTHING
            unserved += 1
        if c.choice[i] != NOTHING:
            c.last[i] = c.choice[i]
        c.bought_from[i] = sales.vendor[i]
        if c.choice[i] == FACTORY:
            sales.spent[i] = offer.price_contested if contested[i] else offer.price
            factory += 1
            factory_contested += 1 if contested[i] else 0
        if sales.served[i]:
            good += 1 if sales.good[i] else 0
            bad += 0 if sales.good[i] else 1
    return unserved, factory, factory_contested, good, bad


@rule
def book_vendors(books: VendorBooks, accounts: Accounts, fee: float, fixed_cost: float,
                 revenue: np.ndarray, fees: np.ndarray) -> None:
    """Each vendor's week (M7): idle weeks counted (reset by a sale), the sales' outcomes
    added to its rating evidence, the platform's ``fee`` on what it sold for (``fees``) and
    its own ``revenue`` after it, and its profit (revenue less unit costs and
    ``fixed_cost``) added to its cash while it is open."""
    for v in range(books.sales.size):
        units = books.sales[v]
        accounts.idle[v] = 0 if units > 0 else accounts.idle[v] + 1
        accounts.good[v] += books.good_sales[v]
        accounts.bad[v] += units - books.good_sales[v]
        fees[v] = books.revenue[v] * fee
        revenue[v] = books.revenue[v] - fees[v]
        profit = revenue[v] - units * accounts.unit_cost[v] - fixed_cost
        accounts.cash[v] += profit if accounts.active[v] else 0.0


@rule
def exits(accounts: Accounts, inflation: float, min_stars: float, idle_weeks: float,
          left: np.ndarray) -> tuple[int, int, int]:
    """Which open vendors leave this week (M7), by the first rule each meets: a shown
    rating below ``min_stars`` once rated (at least ``MIN_RATED`` rated sales), cash below
    0, or ``idle_weeks`` weeks without a sale; into ``left``. Returns how many left by each
    rule, in that order. The stars are those of ``platform.stars(platform.shown_rating(...))``,
    in the same operations."""
    rating, loss, idle = 0, 0, 0
    for v in range(left.size):
        left[v] = False
        if not accounts.active[v]:
            continue
        good, bad = accounts.good[v], accounts.bad[v]
        shown = 1.0 - (1.0 - beta_mean(good, bad)) * (1.0 - inflation)
        if good + bad >= MIN_RATED and 1.0 + 4.0 * shown < min_stars:
            rating += 1
        elif accounts.cash[v] < 0:
            loss += 1
        elif accounts.idle[v] >= idle_weeks:
            idle += 1
        else:
            continue
        left[v] = True
    return rating, loss, idle
