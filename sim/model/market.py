"""TrustMarket: consumers with strong and weak ties choose between a factory and a platform.

A step is one week and reads as the list of rules in ``docs/ODD.md``::

    draw_needs -> ask_network -> choose -> trade -> update_trust -> account -> enter_and_exit

Each rule runs over all consumers at once on the model's arrays (numpy, scipy.sparse).
"""

from __future__ import annotations

import copy
import random
from typing import Any, NamedTuple

import mesa
import numpy as np

from sim.model.agents import Consumer, ConsumerArrays, Factory, Platform, Vendor, VendorArrays
from sim.model.measures import MODEL_REPORTERS, OUTCOMES  # noqa: F401 (per-week measures, M11)
from sim.model.parameters import ParameterError, check_name, resolve
from sim.model.rules import economics, trust
from sim.model.rules.economics import FACTORY, NOTHING, PLATFORM
from sim.model.rules.network import build_ties

MID_RUN = ("committed_share", "platform_fee", "platform_open_to_new")


class Referral(NamedTuple):
    """Per consumer: the referred vendor (-1 none), its discounted evidence, and the tie it
    came through."""

    vendor: np.ndarray
    good: np.ndarray
    bad: np.ndarray
    via: np.ndarray


class TrustMarket(mesa.Model):
    """The trust-platform market. Keyword arguments are the parameters of ``sim.model.parameters``.

    >>> model = TrustMarket(n_consumers=500, rng=1)
    >>> model.run_for(52)
    """

    def __init__(self, rng: Any = None, **params: Any) -> None:
        super().__init__(rng=rng)
        self.p = p = resolve(params)
        n = p["n_consumers"]
        self.ties = build_ties(n, p["strong_ties"], p["weak_ties"], p["network_model"],
                               p["clustering"], p["weak_tie_weight"], p["strong_tie_floor"],
                               self.rng)
        self.consumers = c = ConsumerArrays.empty(n)
        people = self.rng.permutation(n)
        n_committed = int(round(p["committed_share"] * n))
        n_early = min(n - n_committed, int(round(p["early_adopter_share"] * n)))
        self._commit_order = people  # who joins the committed set first (set_param)
        c.committed[people[:n_committed]] = True
        early = people[n_committed:n_committed + n_early]
        c.ever_used[early] = True
        c.platform_good[early] = 1.0
        self.vendors = VendorArrays()
        self.platform = Platform(p["platform_fee"], p["rating_inflation"],
                                 p["payment_guarantee"], p["institutional_trust_initial"])
        baseline = n * p["need_rate"] * economics.factory_choice_probability(
            p["factory_price"], p["factory_quality"], p["factory_advertising"],
            p["beta_quality"], p["beta_price"])
        self.factory = Factory(self, baseline)
        for i in range(n):
            Consumer(self, i)
        self.vendor_agents: dict[int, Vendor] = {}
        self._enter(self.rng.choice(n, size=min(n, p["initial_vendors"]), replace=False))
        if early.size and self.vendors.active.any():
            c.fav[early] = self.rng.choice(np.flatnonzero(self.vendors.active), size=early.size)
            c.fav_good[early] = 1.0
        self.week: dict[str, float] = {"platform_share": 0.0, "gross": 0.0, "unserved": 0}
        self._refresh_platform_trust()
        self._share_history: list[float] = []
        self.datacollector = mesa.DataCollector(model_reporters=MODEL_REPORTERS)

    # ----------------------------------------------------------------- the week
    def step(self) -> None:
        """One week: the rules in the order of docs/ODD.md."""
        need = self.draw_needs()
        referral = self.ask_network()
        vendor, evidence_via = self.choose(need, referral)
        served, good = self.trade(vendor)
        self.update_trust(vendor, served, good, evidence_via)
        self.account()
        self.enter_and_exit()
        self._share_history.append(self.week["platform_share"])
        self.datacollector.collect(self)

    def draw_needs(self) -> np.ndarray:
        """Which consumers need the sector's good this week."""
        return self.rng.random(self.p["n_consumers"]) < self.p["need_rate"]

    def ask_network(self) -> Referral:
        """Best referral each consumer reaches through its ties (M2).

        Consumers tied to a vendor (M4) recommend it; founders recommend their own shop to
        their inner circle (pre-sales, M7). Some withhold their referrals this week.
        """
        p, c = self.p, self.consumers
        n = p["n_consumers"]
        if not p["trust_channels"]:
            none = np.full(n, -1, np.int64)
            return Referral(none, np.zeros(n), np.zeros(n), none)
        own_shop = self._vendor_active(c.owns)
        tied = c.tied & self._vendor_active(c.fav)
        rec_vendor = np.where(tied, c.fav, np.where(own_shop, c.owns, -1))
        rec_good = np.where(tied, c.fav_good, np.where(own_shop, p["tie_threshold"], 0.0))
        rec_bad = np.where(tied, c.fav_bad, 0.0)
        speaks = (rec_vendor >= 0) & (self.rng.random(n) >= p["referral_withhold"])
        strength = np.where(speaks, trust.beta_mean(rec_good, rec_bad), 0.0)
        weight, source, via = trust.propagate_referrals(
            self.ties.strong.matrix(), self.ties.weak.stored, strength, p["referral_hops"],
            p["hop_discount"], rows=(self.ties.strong.rows,), weak_scale=self.ties.weak.scale)
        found = source >= 0
        src = np.where(found, source, 0)
        path = np.where(found, weight / np.maximum(strength[src], 1e-12), 0.0)
        good, bad = trust.discount(rec_good[src], rec_bad[src], path)
        return Referral(np.where(found, rec_vendor[src], -1), good, bad,
                        np.where(found, via, -1))

    def choose(self, need: np.ndarray, referral: Referral) -> tuple[np.ndarray, np.ndarray]:
        """Each consumer with a need picks nothing, the factory or a platform vendor (M6).

        Returns the vendor each platform buyer asks (-1 for everyone else) and, per consumer,
        the tie the chosen vendor's referral came through (-1 if none).
        """
        p, c, f = self.p, self.consumers, self.factory
        n = p["n_consumers"]
        ref_vendor, ref_good, ref_bad, via = referral
        c.fav[~self._vendor_active(c.fav)] = -1
        c.tied &= c.fav >= 0
        # the candidate vendor: favourite, referred, or one found on the listing
        fav_trust = trust.beta_mean(c.fav_good, c.fav_bad)
        use_ref = (ref_vendor >= 0) & ((c.fav < 0) | (trust.beta_mean(ref_good, ref_bad)
                                                      > fav_trust) | (ref_vendor == c.fav))
        candidate = np.where(use_ref, ref_vendor, c.fav)
        active = np.flatnonzero(self.vendors.active)
        listing = candidate < 0
        if active.size:
            candidate[listing] = self.rng.choice(active, size=int(listing.sum()))
        good = np.where(candidate == c.fav, c.fav_good, 0.0) + np.where(use_ref, ref_good, 0.0)
        bad = np.where(candidate == c.fav, c.fav_bad, 0.0) + np.where(use_ref, ref_bad, 0.0)
        rating = trust.shown_rating(self.vendors.good, self.vendors.bad, p["rating_inflation"])
        mediated = ~(c.tied & (candidate == c.fav)) & (candidate >= 0) & p["trust_channels"]
        m_good, m_bad = trust.mediated_evidence(rating[np.maximum(candidate, 0)],
                                                self.platform_trust, p["rating_weight"])
        tau = trust.beta_mean(good + mediated * m_good, bad + mediated * m_bad)
        price = self.vendors.price[np.maximum(candidate, 0)] if active.size else np.ones(n)
        u_platform = economics.purchase_utility(
            tau, price, (1.0 - tau) * (1.0 - p["payment_guarantee"]),
            p["beta_quality"], p["beta_price"], p["beta_risk"])
        u_factory = np.full(n, economics.purchase_utility(
            f.quality, f.price, 0.0, p["beta_quality"], p["beta_price"], p["beta_risk"])
            + p["factory_advertising"] * f.advertising_reach)
        endorsers = (c.ever_used & (c.platform_good > c.platform_bad)).astype(float)
        endorsed = self.ties.strong.adjacency @ endorsers >= p["endorsements_needed"]
        newcomers_allowed = endorsed if p["platform_open_to_new"] else False
        platform_open = p["consumer_switching"] & (c.ever_used | newcomers_allowed) & (
            candidate >= 0)
        u_factory += p["habit"] * (c.last == FACTORY)
        u_platform += p["habit"] * (c.last == PLATFORM)
        probabilities = economics.choice_probabilities(
            u_factory, u_platform, np.full(n, f.alive), platform_open)
        choice = economics.draw_choices(probabilities, self.rng.random(n))
        choice[c.committed] = PLATFORM
        choice[~need] = NOTHING
        c.choice = choice.astype(np.int8)
        vendor = np.where((choice == PLATFORM) & (candidate >= 0), candidate, -1)
        return vendor, np.where(use_ref & (vendor == ref_vendor), via, -1)

    def trade(self, vendor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Platform buyers are served up to each vendor's capacity; the rest try one more
        vendor with room, then go without. Returns who was served and whose sale went well."""
        v, c, n = self.vendors, self.consumers, self.p["n_consumers"]
        wants = (c.choice == PLATFORM)
        served = economics.allocate_capacity(vendor, v.capacity, self.rng.random(n))
        left = wants & ~served
        room = np.maximum(v.capacity - np.bincount(vendor[served], minlength=len(v)), 0) * v.active
        if left.any() and room.sum() > 0:
            vendor[left] = self.rng.choice(len(v), size=int(left.sum()), p=room / room.sum())
            retry = np.where(left, vendor, -1)
            second = economics.allocate_capacity(retry, room, self.rng.random(n))
            served |= second
        vendor[~served] = -1
        c.choice[wants & ~served] = NOTHING
        c.last = np.where(c.choice != NOTHING, c.choice, c.last).astype(np.int8)
        c.bought_from = vendor
        good = served & (self.rng.random(n) < v.quality[np.maximum(vendor, 0)])
        sales = np.bincount(vendor[served], minlength=len(v))
        v.sales = sales
        v.idle = np.where(sales > 0, 0, v.idle + 1)
        v.good += np.bincount(vendor[good], minlength=len(v))
        v.bad += np.bincount(vendor[served & ~good], minlength=len(v))
        spent = np.where(served, v.price[np.maximum(vendor, 0)], 0.0)
        spent[c.choice == FACTORY] = self.factory.price
        paid = spent[served].sum()
        factory_volume = int((c.choice == FACTORY).sum())
        gross = paid + factory_volume * self.factory.price
        _, fees = economics.split_payment(paid, self.p["platform_fee"])
        self.platform.record(int(good.sum()), int((served & ~good).sum()), n, fees)
        self.week = {"platform_share": paid / gross if gross > 0 else 0.0, "gross": gross,
                     "unserved": int(left.sum() - (served & left).sum()),
                     "platform_sales": paid, "vendor_revenue": paid - fees, "fees": fees,
                     "factory_volume": factory_volume, "consumer_spending": spent.sum()}
        return served, good

    def update_trust(self, vendor: np.ndarray, served: np.ndarray, good: np.ndarray,
                     via: np.ndarray) -> None:
        """Evidence from this week's sales; ties form (M4), unused trust decays (M5)."""
        p, c = self.p, self.consumers
        trust.add_outcomes(c.platform_good, c.platform_bad, good, served)
        c.ever_used |= served
        switch = served & (vendor != c.fav) & ~c.tied
        c.fav[switch] = vendor[switch]
        c.fav_good[switch], c.fav_bad[switch] = 0.0, 0.0
        same = served & (vendor == c.fav)
        trust.add_outcomes(c.fav_good, c.fav_bad, good, same)
        c.tied |= same & (c.fav_good >= p["tie_threshold"]) & p["trust_channels"]
        lost = c.tied & (trust.beta_mean(c.fav_good, c.fav_bad) < 0.5)
        c.tied[lost], c.fav[lost] = False, -1
        rate = p["evidence_decay"]
        trust.decay(c.platform_good, rate, unused=~served)
        trust.decay(c.platform_bad, rate, unused=~served)
        trust.decay(c.fav_good, rate, floor=np.where(c.tied, p["tie_threshold"], 0.0),
                    unused=~same)
        trust.decay(c.fav_bad, rate, unused=~same)
        self._refresh_platform_trust()
        self.ties.decay(p["tie_decay"])
        used = np.flatnonzero((via >= 0) & good)
        self.ties.reactivate(used, via[used])

    def account(self) -> None:
        """The factory books the week (profit, cash, the fall) and reprices (M9)."""
        self.factory.account(self.week["factory_volume"], self.steps)
        self.factory.reprice(self.steps)

    def enter_and_exit(self) -> None:
        """Vendors enter where platform demand went unserved, financed by pre-sales to the
        founder's inner circle, and exit when idle or badly rated (M7)."""
        p, v, c = self.p, self.vendors, self.consumers
        rating = trust.shown_rating(v.good, v.bad, p["rating_inflation"])
        leave = v.active & ((v.idle >= p["vendor_idle_weeks"])
                            | ((v.good + v.bad >= 10) & (rating < p["vendor_min_rating"])))
        for index in np.flatnonzero(leave):
            self.vendor_agents.pop(int(index)).remove()
        v.active &= ~leave
        c.owns[np.isin(c.owns, np.flatnonzero(leave))] = -1
        attempts = self.rng.poisson(p["entry_rate"] * self.week["unserved"]
                                    / p["vendor_capacity"])
        if attempts == 0:
            return
        founders = self.rng.integers(0, p["n_consumers"], size=attempts)
        backers = self.ties.strong.adjacency[founders] @ c.ever_used.astype(float)
        founders = np.unique(founders[(backers >= p["presale_ties"]) & (c.owns[founders] < 0)])
        self._enter(founders)

    # ----------------------------------------------------------------- helpers
    def _enter(self, founders: np.ndarray) -> None:
        p, k = self.p, len(founders)
        if k == 0:
            return
        mean, sd = p["vendor_quality_mean"], p["vendor_quality_spread"]
        concentration = max(mean * (1 - mean) / sd**2 - 1, 1e-6) if sd > 0 else None
        quality = (self.rng.beta(mean * concentration, (1 - mean) * concentration, size=k)
                   if concentration else np.full(k, mean))
        cost = p["vendor_unit_cost"] * np.ones(k)
        rows = self.vendors.append(
            owner=founders, quality=quality,
            price=economics.vendor_price(cost, p["vendor_markup"], p["platform_fee"]),
            capacity=np.maximum(1, self.rng.poisson(p["vendor_capacity"], size=k)),
            active=np.ones(k, bool))
        self.consumers.owns[founders] = rows
        for index in rows:
            self.vendor_agents[int(index)] = Vendor(self, int(index))

    def _vendor_active(self, index: np.ndarray) -> np.ndarray:
        if len(self.vendors) == 0:
            return np.zeros(index.shape, bool)
        return (index >= 0) & self.vendors.active[np.maximum(index, 0)]

    def _refresh_platform_trust(self) -> None:
        """Each consumer's trust in the platform: own evidence on the institutional prior."""
        c = self.consumers
        self.platform_trust = trust.platform_trust(c.platform_good, c.platform_bad,
                                                   self.platform.institutional_trust,
                                                   self.p["institutional_weight"])

    def fork(self, seed: int | np.random.SeedSequence) -> TrustMarket:
        """A full copy of the running market with its own random streams from ``seed``.

        The copy shares nothing with the original: running either leaves the other as it
        was. Forks with the same seed run identically (the irreversibility test of the
        verdict forks a market at a checkpoint, e.g. with ``platform_open_to_new`` off).
        """
        twin = copy.deepcopy(self)
        twin.rng = np.random.default_rng(seed)
        twin.random = random.Random(int(twin.rng.integers(2**31 - 1)))
        return twin

    def set_param(self, name: str, value: Any) -> None:
        """Change a control mid-run (a hysteresis ramp), checked through its declaration.

        Only the names in :data:`MID_RUN` can change: ``committed_share`` (consumers join
        and leave the committed set in one fixed order), ``platform_fee`` (every vendor
        reprices at once) and ``platform_open_to_new``.
        """
        if name not in MID_RUN:
            raise ParameterError(f"parameter '{name}' cannot change mid-run; allowed: "
                                 + ", ".join(MID_RUN))
        p = self.p
        p[name] = check_name(name).check(value)
        if name == "platform_open_to_new":
            return
        if name == "committed_share":
            self.consumers.committed[:] = False
            chosen = self._commit_order[:int(round(p[name] * p["n_consumers"]))]
            self.consumers.committed[chosen] = True
        else:
            self.platform.fee = p[name]
            self.vendors.price[:] = economics.vendor_price(
                p["vendor_unit_cost"], p["vendor_markup"], p[name])

    def outcomes(self) -> dict[str, Any]:
        """Per-run outcomes: did the incumbent fall, when, and the platform's shares."""
        shares = self._share_history or [0.0]
        fall = self.factory.fall_step
        return {
            "incumbent_fell": fall is not None,
            "fall_step": fall,
            "platform_share_final": float(shares[-1]),
            "platform_share_max": float(max(shares)),
            "platform_share_at_fall": float(shares[fall - 1]) if fall is not None else None,
        }
