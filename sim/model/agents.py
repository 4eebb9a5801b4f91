"""The market's agents: Consumer, Vendor and Factory (Mesa agents), and the Platform.

Consumer and vendor state lives in arrays owned by the model, so that each week's rules run
over all of them at once; the Mesa agents are views onto those arrays, so AgentSet queries
and DataCollector agent reporters work as Mesa users expect. The factory is one agent with
scalar state and its own accounting (M9).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa
import numpy as np

from sim.model.rules import economics, trust


class Consumer(mesa.Agent):
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


class Vendor(mesa.Agent):
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
    def rating(self) -> float:
        v = self.model.vendors
        return float(trust.shown_rating(v.good[self.index], v.bad[self.index],
                                        self.model.p["rating_inflation"]))


@dataclass
class ConsumerArrays:
    """Per-consumer state, one row per consumer."""

    committed: np.ndarray
    ever_used: np.ndarray
    platform_good: np.ndarray  # own evidence about the platform (decays, M5)
    platform_bad: np.ndarray
    fav: np.ndarray  # favourite vendor, -1 none
    fav_good: np.ndarray  # direct evidence about the favourite vendor
    fav_bad: np.ndarray
    tied: np.ndarray  # mediated trust became a direct tie (M4)
    owns: np.ndarray  # vendor this consumer runs, -1 none (M7)
    choice: np.ndarray  # 0 nothing, 1 factory, 2 platform, this week
    last: np.ndarray  # where it last bought (0: never bought)
    bought_from: np.ndarray  # vendor bought from this week, -1 none

    @classmethod
    def empty(cls, n: int) -> ConsumerArrays:
        zeros, falses, minus = (lambda: np.zeros(n)), (lambda: np.zeros(n, bool)), (
            lambda: np.full(n, -1, np.int64))
        return cls(falses(), falses(), zeros(), zeros(), minus(), zeros(), zeros(), falses(),
                   minus(), np.zeros(n, np.int8), np.full(n, 1, np.int8), minus())


@dataclass
class VendorArrays:
    """Per-vendor state; rows are appended on entry and never reused."""

    owner: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    quality: np.ndarray = field(default_factory=lambda: np.zeros(0))
    price: np.ndarray = field(default_factory=lambda: np.zeros(0))
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
    """The mass-production incumbent (M9): big fixed cost, low marginal cost, steady quality."""

    def __init__(self, model: mesa.Model, baseline_volume: float) -> None:
        super().__init__(model)
        p = model.p
        self.price = p["factory_price"]
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
        self.cash = p["factory_cash_reserve_weeks"] * self.fixed_cost0
        self.markup = (economics.full_cost_markup(self.price, self.marginal_cost,
                                                  self.fixed_cost0, baseline_volume)
                       if baseline_volume > 0 else 0.0)
        self.alive = True
        self.fall_step: int | None = None
        self.volume = 0
        self.revenue = 0.0
        self.profit = 0.0
        self._window: list[int] = []

    @property
    def advertising_reach(self) -> float:
        """Advertising scales with the fixed cost still spent (cut together with it)."""
        return self.fixed_cost / self.fixed_cost0 if self.fixed_cost0 > 0 else 1.0

    def account(self, volume: int, step: int) -> None:
        """Book one week's sales: profit, cash, cost cutting after a loss, and the fall."""
        if not self.alive:
            self.volume, self.revenue, self.profit = 0, 0.0, 0.0
            return
        self.volume = int(volume)
        self.revenue = self.price * volume
        self.profit = economics.operating_profit(self.price, self.marginal_cost, volume,
                                                 self.fixed_cost)
        self.cash += self.profit
        self._window.append(self.volume)
        if self.cash < 0:
            self.alive = False
            self.fall_step = step
        elif self.profit < 0:
            self.fixed_cost *= 1.0 - self.cost_cut_rate

    def reprice(self, step: int) -> None:
        """Under full-cost pricing, every few weeks set price to average cost plus the markup."""
        if not self.alive or self.pricing != "full_cost" or step % self.reprice_every:
            return
        mean_volume = float(np.mean(self._window)) if self._window else 0.0
        self._window = []
        if mean_volume > 0:
            self.price = economics.full_cost_price(self.marginal_cost, self.fixed_cost,
                                                   mean_volume, self.markup)


@dataclass
class Platform:
    """The trust platform (M8): fee, rating system, payment guarantee, institutional trust."""

    fee: float
    rating_inflation: float
    guarantee: float
    trust_initial: float
    good: float = 0.0  # network-wide good outcomes per consumer, cumulative
    bad: float = 0.0
    fees: float = 0.0  # fee income this week

    @property
    def institutional_trust(self) -> float:
        return trust.institutional_trust(self.good, self.bad, self.trust_initial)

    def record(self, n_good: int, n_bad: int, n_consumers: int, fees: float) -> None:
        self.good += n_good / n_consumers
        self.bad += n_bad / n_consumers
        self.fees = fees
