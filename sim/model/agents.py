"""The market's agents: Consumer, Vendor and Factory (Mesa agents), and the Platform.

Consumer and vendor state lives in arrays owned by the model, so that each week's rules run
over all of them at once; the Mesa agents are views onto those arrays, so AgentSet queries
and DataCollector agent reporters work as Mesa users expect. The factory is one agent with
scalar state and its own accounting (M9).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import mesa
import numpy as np

from sim.model.rules import economics, platform

_IMMUTABLE = (int, float, bool, str, type(None))


class _ArrayView(mesa.Agent):
    """A Mesa agent whose state is a row of the model's arrays: copied as its few fields
    (a market's fork copies two thousand of them; the generic deep copy took most of it)."""

    def __deepcopy__(self, memo: dict[int, object]) -> _ArrayView:
        twin = object.__new__(type(self))
        memo[id(self)] = twin
        twin.__dict__.update({k: v if type(v) in _IMMUTABLE else copy.deepcopy(v, memo)
                              for k, v in self.__dict__.items()})
        return twin


class Consumer(_ArrayView):
    """A consumer: a view onto row ``index`` of the model's consumer arrays."""

    def __init__(self, model: mesa.Model, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def committed(self) -> bool:
        return bool(self.model.consumers.committed[self.index])

    @property
    def choice(self) -> int:
        """What it bought this week: 0 nothing, 1 the factory, 2 the platform."""
        return int(self.model.consumers.choice[self.index])

    @property
    def ever_used_platform(self) -> bool:
        return bool(self.model.consumers.ever_used[self.index])

    @property
    def platform_trust(self) -> float:
        return float(self.model.platform_trust[self.index])

    @property
    def favourite_vendor(self) -> int:
        """Index of the vendor it last bought from and still trusts (-1: none)."""
        return int(self.model.consumers.fav[self.index])

    @property
    def tied_to_vendor(self) -> bool:
        """True once mediated trust has become a direct tie to its favourite vendor (M4)."""
        return bool(self.model.consumers.tied[self.index])


class Vendor(_ArrayView):
    """A small platform seller: a view onto row ``index`` of the vendor arrays."""

    def __init__(self, model: mesa.Model, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def owner(self) -> int:
        return int(self.model.vendors.owner[self.index])

    @property
    def quality(self) -> float:
        return float(self.model.vendors.quality[self.index])

    @property
    def price(self) -> float:
        return float(self.model.vendors.price[self.index])

    @property
    def capacity(self) -> int:
        return int(self.model.vendors.capacity[self.index])

    @property
    def sales(self) -> int:
        return int(self.model.vendors.sales[self.index])

    @property
    def cash(self) -> float:
        return float(self.model.vendors.cash[self.index])

    @property
    def stars(self) -> float:
        """Its shown rating on the one-to-five-star scale (M8)."""
        v = self.model.vendors
        return float(platform.stars(platform.shown_rating(
            v.good[self.index], v.bad[self.index], self.model.p["rating_inflation"])))


@dataclass
class VendorArrays:
    """Per-vendor state; rows are appended on entry and never reused."""

    owner: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    quality: np.ndarray = field(default_factory=lambda: np.zeros(0))
    unit_cost: np.ndarray = field(default_factory=lambda: np.zeros(0))
    price: np.ndarray = field(default_factory=lambda: np.zeros(0))
    cash: np.ndarray = field(default_factory=lambda: np.zeros(0))  # accounts (M7)
    capacity: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    good: np.ndarray = field(default_factory=lambda: np.zeros(0))  # public rating evidence
    bad: np.ndarray = field(default_factory=lambda: np.zeros(0))
    idle: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    sales: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    active: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))

    def __len__(self) -> int:
        return self.owner.size

    def append(self, **columns: np.ndarray) -> np.ndarray:
        """Append rows (one array per column); returns the new rows' indices."""
        start = len(self)
        k = np.asarray(columns["owner"]).size
        for name in self.__dataclass_fields__:
            old = getattr(self, name)
            new = columns.get(name, np.zeros(k, old.dtype))
            setattr(self, name, np.concatenate([old, np.asarray(new, old.dtype)]))
        return np.arange(start, start + k)


class Factory(mesa.Agent):
    """The mass-production incumbent (M9): big fixed cost, low marginal cost, steady quality.

    Under ``responsive`` pricing it charges two prices: ``price_contested`` to consumers the
    platform can reach, ``price`` to the rest; otherwise both are ``price``.
    """

    def __init__(self, model: mesa.Model, baseline_volume: float) -> None:
        super().__init__(model)
        p = model.p
        self.price = self.price_contested = p["factory_price"]
        self.marginal_cost = p["factory_marginal_cost"]
        self.quality = p["factory_quality"]
        self.pricing = p["factory_pricing"]
        self.reprice_every = p["factory_reprice_every"]
        self.cost_cut_rate = p["factory_cost_cut_rate"]
        self.baseline_volume = baseline_volume
        self.contribution0 = economics.baseline_contribution(
            self.price, self.marginal_cost, baseline_volume)
        self.fixed_cost0 = p["factory_fixed_cost_share"] * self.contribution0
        self.fixed_cost = self.fixed_cost0
        self.reserve = p["factory_cash_reserve_weeks"] * self.fixed_cost0
        self.cash = self.reserve
        self.markup = (economics.full_cost_markup(self.price, self.marginal_cost,
                                                  self.fixed_cost0, baseline_volume)
                       if baseline_volume > 0 else 0.0)
        self.alive = True
        self.fall_step: int | None = None
        self.volume = 0
        self.revenue = 0.0
        self.profit = 0.0
        self._window: list[tuple[int, int]] = []  # (contested, captive) volume per week

    @property
    def advertising_reach(self) -> float:
        """Advertising scales with the fixed cost still spent (cut together with it)."""
        return self.fixed_cost / self.fixed_cost0 if self.fixed_cost0 > 0 else 1.0

    def prices_for(self, contested: np.ndarray) -> np.ndarray:
        """The price each consumer is offered (contested or not)."""
        return np.where(contested, self.price_contested, self.price)

    def account(self, contested: int, captive: int, revenue: float, step: int) -> None:
        """Book one week's sales: profit, cash, cost cutting after a loss, and the fall.

        Cash never exceeds the reserve: profits beyond it are paid out to the owners, so the
        fall comes after a lasting loss, not years after the market is gone.
        """
        if not self.alive:
            self.volume, self.revenue, self.profit = 0, 0.0, 0.0
            return
        self.volume = int(contested + captive)
        self.revenue = float(revenue)
        self.profit = self.revenue - self.marginal_cost * self.volume - self.fixed_cost
        self.cash = min(self.cash + self.profit, self.reserve)  # the rest is paid out
        self._window.append((int(contested), int(captive)))
        if self.cash < 0:
            self.alive = False
            self.fall_step = step
        elif self.profit < 0:
            self.fixed_cost *= 1.0 - self.cost_cut_rate

    def reprices_at(self, step: int) -> bool:
        """Whether it reprices at ``step``: while it trades, not at fixed prices, every
        ``reprice_every`` weeks."""
        return self.alive and self.pricing != "fixed" and not step % self.reprice_every

    def reprice(self, step: int, platform_price: float) -> None:
        """Every few weeks: full cost at the recent volume, or the responsive pair of prices
        (``platform_price``: the mean price listed on the platform)."""
        if not self.reprices_at(step):
            return
        window = np.array(self._window, float).reshape(-1, 2)
        self._window = []
        contested, captive = window.mean(axis=0) if len(window) else (0.0, 0.0)
        if self.pricing == "full_cost":
            if contested + captive > 0:
                self.price = self.price_contested = economics.full_cost_price(
                    self.marginal_cost, self.fixed_cost, contested + captive, self.markup)
            return
        if contested + captive > 0:
            self.price_contested, self.price = economics.responsive_prices(
                self.marginal_cost, self.fixed_cost, contested + captive, self.markup,
                platform_price)


@dataclass
class Platform:
    """The trust platform (M8): fee, rating system, payment guarantee, institutional trust
    that follows its recent record, and its own accounts."""

    fee: float
    rating_inflation: float
    guarantee: float
    trust_initial: float
    memory: float
    unit_cost: float  # share of each sale's price
    fixed_cost: float  # per week
    good: float = 0.0  # the network's recent good outcomes per consumer (M8)
    bad: float = 0.0
    fees: float = 0.0  # fee income this week
    profit: float = 0.0  # this week
    cash: float = 0.0

    @property
    def institutional_trust(self) -> float:
        return platform.institutional_trust(self.good, self.bad, self.trust_initial)

    def record(self, n_good: int, n_bad: int, n_consumers: int, sales: float,
               fees: float) -> None:
        """Book a week: outcomes into the record, fees less costs into the accounts."""
        self.good = platform.remember(self.good, n_good / n_consumers, self.memory)
        self.bad = platform.remember(self.bad, n_bad / n_consumers, self.memory)
        self.fees = fees
        self.profit = fees - self.unit_cost * sales - self.fixed_cost
        self.cash += self.profit

    def book_fees(self, fees: float, sales: float) -> None:
        """Add fees on sales made outside the week's trade (pre-sale pledges)."""
        extra = fees - self.unit_cost * sales
        self.fees += fees
        self.profit += extra
        self.cash += extra
