"""TrustMarket: consumers with strong and weak ties choose between a factory and a platform.

A step is one week and reads as the list of rules in ``docs/ODD.md``::

    draw_needs -> ask_network -> choose -> trade -> update_trust -> account -> enter_and_exit

Each rule runs over all consumers at once on the model's arrays (numpy, scipy.sparse).
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from sim.model import vendors
from sim.model.agents import Consumer, Factory, Platform, VendorArrays
from sim.model.collector import WeeklyCollector
from sim.model.controls import MID_RUN, Controls  # noqa: F401 (MID_RUN: part of the API)
from sim.model.measures import (  # noqa: F401 (per-week measures, M11)
    MODEL_REPORTERS,
    OUTCOMES,
    Week,
)
from sim.model.parameters import resolve
from sim.model.rules import books, economics, referrals, trust, weekly
from sim.model.rules.economics import FACTORY, PLATFORM
from sim.model.rules.network import Ties, build_ties, network_statistics
from sim.model.rules.platform import share_at_top, shown_ratings
from sim.model.rules.records import (
    Accounts,
    Adjacency,
    Adoption,
    ConsumerArrays,
    Learning,
    Listing,
    Offer,
    Recommendation,
    Referral,
    Sales,
    Talk,
    Tastes,
    TieLayer,
    VendorBooks,
    from_params,
)


class TrustMarket(Controls, mesa.Model):
    """The trust-platform market. Keyword arguments are the parameters of
    ``sim.model.parameters``.

    >>> model = TrustMarket(n_consumers=500, rng=1)
    >>> model.run_for(52)
    """

    def __init__(self, rng: Any = None, ties: Ties | None = None, **params: Any) -> None:
        """``ties``: a prebuilt tie network of ``n_consumers`` (a sector of a
        :class:`~sim.model.sectors.market.SectorMarket`); by default built from ``rng``."""
        super().__init__(rng=rng)
        self.p = p = resolve(params)
        n = p["n_consumers"]
        if ties is not None and ties.strong.adjacency.shape[0] != n:
            raise ValueError(f"ties of {ties.strong.adjacency.shape[0]} consumers, "
                             f"n_consumers is {n}")
        self.ties = ties if ties is not None else build_ties(
            n, p["strong_ties"], p["weak_ties"], p["network_model"], p["clustering"],
            p["strong_tie_cap"], p["weak_tie_weight"], p["strong_tie_floor"], self.rng,
            long_range=p["long_range_share"])
        self.network = network_statistics(self.ties)
        self.consumers = c = ConsumerArrays.empty(n)
        people = self.rng.permutation(n)
        n_committed = int(round(p["committed_share"] * n))
        n_early = min(n - n_committed, int(round(p["early_adopter_share"] * n)))
        self._commit_order = people  # who joins the committed set first (set_param)
        c.committed[people[:n_committed]] = True
        early = people[n_committed:n_committed + n_early]
        c.ever_used[early] = True
        c.platform_good[early] = p["tie_threshold"]
        c.last[early] = PLATFORM
        self.vendors = VendorArrays()
        self.platform = Platform(p["platform_fee"], p["rating_inflation"],
                                 p["payment_guarantee"], p["institutional_trust_initial"],
                                 p["institutional_memory"], p["platform_unit_cost"],
                                 p["platform_fixed_cost"] * n)
        baseline = n * p["need_rate"] * economics.factory_choice_probability(
            p["factory_price"], p["factory_quality"], p["factory_advertising"],
            p["beta_quality"], p["beta_price"])
        self.factory = Factory(self, baseline)
        for i in range(n):
            Consumer(self, i)
        self.vendor_agents: dict = {}
        founders = self.rng.choice(n, size=min(n, p["initial_vendors"]), replace=False)
        drawn = vendors.traits(self, founders.size)
        pledges = np.full(founders.size, float(p["campaign_target"]))
        vendors.open_shops(self, founders, drawn, vendors.seed_money(self, pledges, drawn))
        if early.size and self.vendors.active.any():  # regulars, tied to their vendor (M4)
            c.fav[early] = self.rng.choice(np.flatnonzero(self.vendors.active), size=early.size)
            c.fav_good[early] = p["tie_threshold"]
            c.tied[early] = p["trust_channels"]
        self.week = Week(platform_share=0.0, gross=0.0, unserved=0)
        self._contested = np.zeros(n, bool)
        self._refresh_platform_trust()
        self._share_history: list[float] = []
        self.datacollector = WeeklyCollector(MODEL_REPORTERS)

    # ----------------------------------------------------------------- the week
    def step(self) -> None:
        """One week: the rules in the order of docs/ODD.md."""
        need = self.draw_needs()
        referral = self.ask_network()
        seen = self._listing(), self._offer()  # the vendors and the factory as buyers see them
        vendor, acted = self.choose(need, referral, *seen)
        sales = self.trade(vendor, *seen)
        self.update_trust(sales, acted)
        self.account()
        self.enter_and_exit()
        self._share_history.append(self.week["platform_share"])
        self.datacollector.collect(self)

    def draw_needs(self) -> np.ndarray:
        """Which consumers need the sector's good this week."""
        return self.rng.random(self.p["n_consumers"]) < self.p["need_rate"]

    def ask_network(self) -> Referral:
        """Best referral each consumer reaches through its ties (M2, M12).

        A satisfied buyer (more good than bad outcomes with its favourite vendor, and every
        consumer tied to a vendor, M4) recommends that vendor; a founder vouches for its own
        shop. Each passes its referral on this week with its own chance (M12). Only
        consumers looking for a seller this week (by chance, or after a bad purchase) ask.
        """
        p, c = self.p, self.consumers
        n = p["n_consumers"]
        if not p["trust_channels"]:
            none = np.full(n, -1, np.int64)
            self.week["referrals_made"] = 0
            return Referral(none, np.zeros(n), np.zeros(n), none, none)
        said = Recommendation(vendor=np.empty(n, np.int64), good=np.empty(n), bad=np.empty(n),
                              strength=np.empty(n))
        self.week["referrals_made"] = weekly.recommend.entry(c, self.vendors.active,
                                                             from_params(Talk, p),
                                                             self.rng.random(n), said)
        looking = np.empty(n, bool)
        weekly.looking_around.entry(c, self.rng.random(n), float(p["search_rate"]), looking)
        weight, source, via = trust.propagate_referrals(
            TieLayer.of(self.ties.strong), TieLayer.of(self.ties.weak), said.strength,
            p["referral_hops"], p["hop_discount"], asking=looking)
        referral = Referral(vendor=np.empty(n, np.int64), good=np.empty(n), bad=np.empty(n),
                            via=via, source=source)
        weekly.take_referrals.entry(weight, said, looking, referral)
        return referral

    def choose(self, need: np.ndarray, referral: Referral, listing: Listing | None = None,
               offer: Offer | None = None) -> tuple[np.ndarray, Referral]:
        """Each consumer with a need picks nothing, the factory or a platform vendor (M6).

        Returns the vendor each platform buyer asks (-1 for everyone else) and the referral
        each one acted on (-1 where its choice did not follow one). ``listing`` and
        ``offer``: the vendors and the factory's offer this week (read now if not given).
        """
        p, c = self.p, self.consumers
        listing = self._listing() if listing is None else listing
        offer = self._offer() if offer is None else offer
        n = p["n_consumers"]
        weekly.forget_closed.entry(c, self.vendors.active)
        # the candidate vendor: favourite, referred, or one found on the listing
        use_ref, candidate = np.empty(n, bool), np.empty(n, np.int64)
        weekly.pick_candidates.entry(c, referral, use_ref, candidate)
        active = self.vendors.active.nonzero()[0]
        unreferred = candidate < 0
        if active.size:
            candidate[unreferred] = weekly.uniform_choice(self.rng, active,
                                                          int(unreferred.sum()))
        u_platform, tastes = np.empty(n), from_params(Tastes, p)
        weekly.platform_utilities.entry(c, referral, use_ref, candidate, listing,
                                        self.platform_trust, tastes, u_platform)
        adoption = Adoption(self.platform_use(), *self.platform_evidence())
        strong = self.ties.strong.adjacency  # whose endorsements count (M6)
        self._contested, weights = np.empty(n, bool), np.empty((n, 3))
        graph = Adjacency(strong.indptr, strong.indices, strong.data)
        weekly.gate_and_weigh.entry(c, adoption, graph, candidate, u_platform, offer, tastes,
                                    self._contested, weights)
        np.exp(weights, out=weights)
        choice = np.empty(n, np.int64)
        weekly.draw_from_weights(weights, self.rng.random(n), choice)
        vendor = np.empty(n, np.int64)
        acted = Referral(np.empty(n, np.int64), referral.good, referral.bad,
                         np.empty(n, np.int64), np.empty(n, np.int64))
        weekly.take_choices.entry(choice, need, c, candidate, use_ref, referral, vendor, acted)
        return vendor, acted

    def trade(self, vendor: np.ndarray, listing: Listing | None = None,
              offer: Offer | None = None) -> Sales:
        """Platform buyers are served up to each vendor's capacity; the rest try one more
        vendor with room, then go without. Vendors and the platform book the week. Returns
        each consumer's sale: from whom, served or not, gone well or not, what it spent.
        ``listing`` and ``offer`` as in :meth:`choose` (nothing changes them in between)."""
        p, v, c, n = self.p, self.vendors, self.consumers, self.p["n_consumers"]
        listing = self._listing() if listing is None else listing
        offer = self._offer() if offer is None else offer
        wants = (c.choice == PLATFORM)
        served, room = np.zeros(n, bool), np.empty(len(v), np.int64)
        economics.serve_in_priority(vendor, v.capacity, self.rng.random(n), served, room)
        unserved, free = books.room_left(served, wants, v.active, room)
        if unserved and free > 0:  # the second try: only those buyers are sorted and served
            who = np.empty(unserved, np.int64)
            books.second_try(wants, served, weekly.weighted_choice(self.rng, room / free,
                                                                   unserved), vendor, who)
            economics.serve_listed(who, vendor, self.rng.random(n), room, served)
        week = Sales(vendor=vendor, served=served, good=np.empty(n, bool), spent=np.empty(n))
        sold = VendorBooks(sales=np.zeros(len(v), np.int64),
                           good_sales=np.zeros(len(v), np.int64), revenue=np.zeros(len(v)))
        weekly.settle_sales.entry(week, listing, self.rng.random(n), sold)
        unserved, buyers, contested, went_well, went_wrong = books.book_buyers.entry(
            c, week, offer, self._contested)
        v.sales = sold.sales
        vendor_revenue, fees = np.empty(len(v)), np.empty(len(v))
        accounts = Accounts(v.active, v.unit_cost, v.cash, v.idle, v.good, v.bad)
        books.book_vendors.entry(sold, accounts, float(p["platform_fee"]),
                                 float(p["vendor_fixed_cost"]), vendor_revenue, fees)
        spent = week.spent
        paid = spent[served].sum()
        self.week = Week(platform_sales=paid, vendor_revenue=vendor_revenue.sum(),
                         fees=fees.sum(), unserved=unserved, factory_contested=contested,
                         factory_captive=buyers - contested,
                         factory_revenue=float(spent[c.choice == FACTORY].sum()),
                         consumer_spending=spent.sum(),
                         referrals_made=self.week.get("referrals_made", 0))
        self.platform.record(went_well, went_wrong, n, paid, self.week["fees"])
        self._book_gross()
        return week

    def update_trust(self, sales: Sales, acted: Referral) -> None:
        """Evidence from this week's sales; ties form (M4), unused trust decays (M5), and
        referrers gain or lose their will to refer (M12)."""
        p, c = self.p, self.consumers
        rate = p["evidence_decay"]
        weekly.learn_from_sales.entry(c, sales, from_params(Learning, p))
        self._refresh_platform_trust()
        self.ties.decay(p["tie_decay"])
        well, wrong = np.empty(p["n_consumers"], np.int64), np.empty(p["n_consumers"], np.int64)
        k, m = referrals.credit_referrals.entry(c, sales, acted, 1.0 - rate, well, wrong)
        if k:  # the ties that carried a referral that went well are restored
            self.ties.reactivate(well[:k], acted.via[well[:k]])
        if m:  # and those that carried one that went wrong lose trust
            self.ties.weaken(wrong[:m], acted.via[wrong[:m]], p["referral_reputation_cost"])

    def account(self) -> None:
        """The factory books the week (profit, cash, the fall) and reprices (M9)."""
        w, v = self.week, self.vendors
        self.factory.account(w["factory_contested"], w["factory_captive"], w["factory_revenue"],
                             self.steps)
        if self.factory.reprices_at(self.steps):  # the listed prices' mean only when used
            listed = v.price[v.active]
            self.factory.reprice(self.steps, float(listed.mean()) if listed.size else np.inf)

    def enter_and_exit(self) -> None:
        """Vendors exit when badly rated, out of cash or idle; new ones enter where platform
        demand went unserved, financed by pre-sale campaigns (M7)."""
        left = vendors.exits(self)
        entry = vendors.campaign(self)
        w = self.week
        w.update({f"vendor_exits_{k}": n for k, n in left.items()})
        w.update({"vendor_entries": entry["successes"], "campaigns": entry["campaigns"],
                  "campaign_success_share": (entry["successes"] / entry["campaigns"]
                                             if entry["campaigns"] else np.nan)})
        if entry["pledged"]:  # pledges are this week's platform spending too
            revenue, fees = economics.split_payment(entry["pledged"], self.p["platform_fee"])
            w["platform_sales"] += entry["pledged"]
            w["consumer_spending"] += entry["pledged"]
            w["vendor_revenue"] += revenue
            w["fees"] += fees
            self.platform.book_fees(fees, entry["pledged"])
            self._book_gross()

    # ----------------------------------------------------------------- helpers
    def _book_gross(self) -> None:
        w = self.week
        w["gross"] = w["platform_sales"] + w["factory_revenue"]
        w["platform_share"] = w["platform_sales"] / w["gross"] if w["gross"] > 0 else 0.0

    def _listing(self) -> Listing:
        """The vendors as this week's buyers see them."""
        v = self.vendors
        return Listing(active=v.active, price=v.price, quality=v.quality,
                       rating=shown_ratings(v.good, v.bad, float(self.p["rating_inflation"])),
                       prior_mean=self._vendor_prior_mean())

    def _offer(self) -> Offer:
        """The factory's offer and the platform's gates as this week's choice sees them."""
        p, f = self.p, self.factory
        return Offer(factory_open=bool(f.alive), quality=float(f.quality), price=float(f.price),
                     price_contested=float(f.price_contested),
                     advertising=float(p["factory_advertising"] * f.advertising_reach),
                     endorsements_needed=float(p["endorsements_needed"]),
                     switching=bool(p["consumer_switching"]),
                     open_to_new=bool(p["platform_open_to_new"]))

    def _vendor_prior_mean(self) -> float:
        """What a consumer expects of a vendor before any evidence: the active vendors'
        mean quality if consumers know it (``vendor_quality_known``), else 0.5."""
        v = self.vendors
        if self.p["vendor_quality_known"] and len(v) and v.active.any():
            return float(v.quality[v.active].mean())
        return 0.5

    def _refresh_platform_trust(self) -> None:
        """Each consumer's trust in the platform: own evidence on the institutional prior."""
        good, bad = self.platform_evidence()
        self.platform_trust = trust.platform_trust(good, bad, self.institutional_trust(),
                                                   self.p["institutional_weight"])

    def platform_evidence(self) -> tuple[np.ndarray, np.ndarray]:
        """Each consumer's evidence about the platform (good, bad outcomes) as its choice
        sees it: its own here; a sector of a SectorMarket adds what spills over."""
        return self.consumers.platform_good, self.consumers.platform_bad

    def platform_use(self) -> np.ndarray:
        """Who counts as having used the platform (past the first-purchase gate of M6): who
        has, here; a sector of a SectorMarket adds those whose habit carries over."""
        return self.consumers.ever_used

    def institutional_trust(self) -> float:
        """Institutional trust in the platform (M8) from its recent record."""
        return self.platform.institutional_trust

    @property
    def rated_share_top(self) -> float:
        """Share of rated active vendors showing 4.5 stars or more (M8)."""
        v = self.vendors
        return share_at_top(v.good, v.bad, self.p["rating_inflation"], v.active)

    def outcomes(self) -> dict[str, Any]:
        """Per-run outcomes: did the incumbent fall, when, the platform's shares, and the
        network's statistics."""
        shares = self._share_history or [0.0]
        fall = self.factory.fall_step
        return {
            "incumbent_fell": fall is not None,
            "fall_step": fall,
            "platform_share_final": float(shares[-1]),
            "platform_share_max": float(max(shares)),
            "platform_share_at_fall": float(shares[fall - 1]) if fall is not None else None,
            **self.network,
        }
