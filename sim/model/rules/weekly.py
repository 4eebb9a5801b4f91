"""The week's rules over consumers, compiled (numba), in the order of docs/ODD.md.

Each rule is written once, for one consumer, and applied in a short loop over all of them;
a rule takes the state as a few named records (:mod:`sim.model.rules.records`) and writes
its results into the arrays of a record it is given. The arithmetic it shares with other
rules (trust, discounting, decay, utility, willingness) is in ``trust``, ``economics`` and
``referrals``. Every rule is also the reference for itself: numba keeps its Python source
(``py_func``), which ``sim.model.rules.python_source`` runs one consumer at a time and the
tests compare with the compiled loop, to the bit. Transcendental functions (``exp``) stay in
numpy, whose results a compiled ``exp`` need not reproduce to the last bit. Compiled code is
cached on disk (``cache=True``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.model.rules.economics import FACTORY, NOTHING, PLATFORM, purchase_utility
from sim.model.rules.records import (
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
    VendorBooks,
    rule,
)
from sim.model.rules.referrals import willingness
from sim.model.rules.trust import (
    beta_mean,
    beta_mean_around,
    decayed,
    discount,
    mediated_evidence,
    observe,
)


# ------------------------------------------------------------------ M2 asking the network
@rule
def is_open(vendor: int, active: np.ndarray) -> bool:
    """Whether ``vendor`` (-1: none) is a vendor still trading."""
    return vendor >= 0 and active.size > 0 and active[vendor]


@rule
def recommendation(i: int, c: ConsumerArrays, active: np.ndarray, talk: Talk
                   ) -> tuple[int, float, float]:
    """What consumer i would recommend, with its evidence (M2): the favourite it is
    satisfied with (more good than bad outcomes), else the shop it runs, vouched for with
    ``founder_vouch`` good outcomes, else nothing (-1)."""
    if is_open(c.fav[i], active) and c.fav_good[i] > c.fav_bad[i]:
        return c.fav[i], c.fav_good[i], c.fav_bad[i]
    if is_open(c.owns[i], active):
        return c.owns[i], talk.founder_vouch, 0.0
    return -1, 0.0, 0.0


@rule
def recommend(c: ConsumerArrays, active: np.ndarray, talk: Talk, uniforms: np.ndarray,
              out: Recommendation) -> int:
    """What each consumer would recommend and how strongly it speaks this week (M2, M12):
    with its willingness (``referrals.willingness``) drawn against ``uniforms``, it speaks
    with the recommendation's trust; else ``strength`` is 0. Returns how many speak."""
    speaking = 0
    for i in range(c.fav.size):
        vendor, good, bad = recommendation(i, c, active, talk)
        out.vendor[i], out.good[i], out.bad[i] = vendor, good, bad
        if vendor >= 0 and uniforms[i] < willingness(i, c, talk):
            out.strength[i] = beta_mean(good, bad)
            speaking += 1
        else:
            out.strength[i] = 0.0
    return speaking


@rule
def looking_around(c: ConsumerArrays, uniforms: np.ndarray, search_rate: float,
                   out: np.ndarray) -> None:
    """Who looks for a seller this week and asks its ties (M2): by chance (``uniforms``
    below ``search_rate``), or after its last platform purchase went wrong."""
    for i in range(uniforms.size):
        out[i] = uniforms[i] < search_rate or (c.last_bad[i] and c.last[i] == PLATFORM)


@rule
def take_referrals(weight: np.ndarray, said: Recommendation, looking: np.ndarray,
                   out: Referral) -> None:
    """The referral each consumer takes: the best it reached (``weight``, from
    ``out.source`` through tie ``out.via``, as ``trust.propagate_referrals`` found them),
    if it is ``looking`` for a seller this week. The source's evidence is discounted by the
    path's trust, the path's weight over the source's strength (Josang). Writes the
    referred vendor and its evidence; sets ``via`` and ``source`` to -1 where none is
    taken."""
    for i in range(weight.size):
        j = out.source[i]
        if j >= 0 and looking[i]:
            spoke = said.strength[j] if said.strength[j] > 1e-12 else 1e-12
            good, bad = discount(said.good[j], said.bad[j], weight[i] / spoke)
            out.vendor[i], out.good[i], out.bad[i] = said.vendor[j], good, bad
        else:
            out.vendor[i], out.good[i], out.bad[i] = -1, 0.0, 0.0
            out.via[i], out.source[i] = -1, -1


# ------------------------------------------------------------------ M6 choice
@rule
def forget_closed(c: ConsumerArrays, active: np.ndarray) -> None:
    """A consumer whose favourite vendor has closed has no favourite, and no tie (M4)."""
    for i in range(c.fav.size):
        if not is_open(c.fav[i], active):
            c.fav[i], c.tied[i] = -1, False


@rule
def candidate(i: int, c: ConsumerArrays, referral: Referral) -> tuple[bool, int]:
    """The vendor consumer i considers and whether it follows its referral to it: the
    referred one where there is a referral and no favourite, or the referral is trusted
    more, or names the favourite; else the favourite (-1: none, to be drawn from the
    listing)."""
    referred = referral.vendor[i] >= 0 and (
        c.fav[i] < 0
        or beta_mean(referral.good[i], referral.bad[i]) > beta_mean(c.fav_good[i], c.fav_bad[i])
        or referral.vendor[i] == c.fav[i])
    return referred, (referral.vendor[i] if referred else c.fav[i])


@rule
def pick_candidates(c: ConsumerArrays, referral: Referral, use_ref: np.ndarray,
                    vendor: np.ndarray) -> None:
    """:func:`candidate` for every consumer, into ``use_ref`` and ``vendor``."""
    for i in range(c.fav.size):
        use_ref[i], vendor[i] = candidate(i, c, referral)


@rule
def platform_utility(i: int, c: ConsumerArrays, referral: Referral, use_ref: bool,
                     vendor: int, listing: Listing, platform_trust: float, tastes: Tastes
                     ) -> float:
    """Consumer i's utility of buying from ``vendor`` (M6): trust from the evidence it
    holds (its own with its favourite, the referral's it follows) and, unless it is tied
    to the vendor, the shown rating weighted by its trust in the platform (M8); minus price
    and the risk of loss the payment guarantee leaves; plus habit. The evidence updates a
    prior whose mean is ``listing.prior_mean`` (0.5: nothing known of vendors). With no
    vendor it sees rating 0 and price 1."""
    is_fav = vendor == c.fav[i]
    good = (c.fav_good[i] if is_fav else 0.0) + (referral.good[i] if use_ref else 0.0)
    bad = (c.fav_bad[i] if is_fav else 0.0) + (referral.bad[i] if use_ref else 0.0)
    listed = vendor >= 0 and listing.rating.size > 0
    if not (c.tied[i] and is_fav) and vendor >= 0 and tastes.trust_channels:
        rated_good, rated_bad = mediated_evidence(listing.rating[vendor] if listed else 0.0,
                                                  platform_trust, tastes.rating_weight)
        good, bad = good + rated_good, bad + rated_bad
    tau = beta_mean_around(good, bad, listing.prior_mean)
    u = purchase_utility(tau, listing.price[vendor] if listed else 1.0,
                         (1.0 - tau) * (1.0 - tastes.payment_guarantee), tastes.beta_quality,
                         tastes.beta_price, tastes.beta_risk)
    return u + (tastes.habit if c.last[i] == PLATFORM else 0.0)


@rule
def platform_utilities(c: ConsumerArrays, referral: Referral, use_ref: np.ndarray,
                       vendor: np.ndarray, listing: Listing, platform_trust: np.ndarray,
                       tastes: Tastes, utility: np.ndarray) -> None:
    """:func:`platform_utility` for every consumer, into ``utility``."""
    for i in range(vendor.size):
        utility[i] = platform_utility(i, c, referral, use_ref[i], vendor[i], listing,
                                      platform_trust[i], tastes)


@rule
def logit_row(u_factory: float, factory_open: bool, u_platform: float, platform_open: bool,
              out: np.ndarray, i: int) -> None:
    """Row i of ``out``: the utilities of (nothing, factory, platform) less the row's
    largest (-inf where closed; nothing, at utility 0, is always open), ready for ``exp``."""
    a = u_factory if factory_open else -np.inf
    b = u_platform if platform_open else -np.inf
    top = a if a > b else b
    top = top if top > 0.0 else 0.0
    out[i, 0] = -top
    out[i, 1] = a - top
    out[i, 2] = b - top


@rule
def logit_exponents(u_factory: np.ndarray, factory_open: bool, u_platform: np.ndarray,
                    platform_open: np.ndarray, out: np.ndarray) -> None:
    """:func:`logit_row` for every consumer, into ``out``."""
    for i in range(u_platform.size):
        logit_row(u_factory[i], factory_open, u_platform[i], platform_open[i], out, i)


@rule
def endorsements(i: int, graph: Adjacency, adoption: Adoption) -> float:
    """How many of consumer i's ties endorse the platform (M6): have used it and hold more
    good than bad evidence about it, each counted as the tie's weight, summed over the
    graph's row i in storage order, as a sparse mat-vec sums it."""
    total = 0.0
    for k in range(graph.indptr[i], graph.indptr[i + 1]):
        j = graph.indices[k]
        total += graph.data[k] * (1.0 if adoption.used[j] and adoption.good[j] > adoption.bad[j]
                                  else 0.0)
    return total


@rule
def factory_utility(i: int, c: ConsumerArrays, offer: Offer, tastes: Tastes,
                    contested: bool) -> float:
    """Consumer i's utility of buying from the factory (M6, M9): its quality, the price it
    is offered (contested or captive) and its advertising; plus habit."""
    price = offer.price_contested if contested else offer.price
    u = purchase_utility(offer.quality, price, 0.0, tastes.beta_quality, tastes.beta_price,
                         tastes.beta_risk) + offer.advertising
    return u + tastes.habit * (1.0 if c.last[i] == FACTORY else 0.0)


@rule
def gate_and_weigh(c: ConsumerArrays, adoption: Adoption, graph: Adjacency,
                   vendor: np.ndarray, u_platform: np.ndarray, offer: Offer, tastes: Tastes,
                   contested: np.ndarray, out: np.ndarray) -> None:
    """The gates and the logit of each consumer's choice (M6). With trust channels on, a
    consumer is endorsed when at least ``endorsements_needed`` of its ties in ``graph``
    endorse the platform (:func:`endorsements`; with them off, everyone is). Where
    consumers may switch, one who has used the platform or is endorsed is ``contested`` by
    it; the platform is open to one who has used it, or is endorsed while newcomers are
    allowed, and has a candidate ``vendor``. Writes row i of ``out`` by :func:`logit_row`.

    The endorsements are counted only where they can change the answer: for a consumer who
    may switch and has not used the platform (for one who has, both gates are open
    whatever its ties say)."""
    for i in range(vendor.size):
        endorsed = True
        if tastes.trust_channels:
            endorsed = offer.switching and not adoption.used[i] and (
                endorsements(i, graph, adoption) >= offer.endorsements_needed)
        contested[i] = offer.switching and (adoption.used[i] or endorsed)
        platform_open = offer.switching and (
            adoption.used[i] or (endorsed and offer.open_to_new)) and vendor[i] >= 0
        logit_row(factory_utility(i, c, offer, tastes, contested[i]), offer.factory_open,
                  u_platform[i], platform_open, out, i)


@rule
def draw_from_weights(weights: np.ndarray, uniforms: np.ndarray, choice: np.ndarray) -> None:
    """Choice i in (0, 1, 2) drawn with chances proportional to row i of ``weights``: the
    first k with ``uniforms[i]`` below the cumulative chance of k."""
    for i in range(uniforms.size):
        total = weights[i, 0] + weights[i, 1] + weights[i, 2]
        p0, p1 = weights[i, 0] / total, weights[i, 1] / total
        choice[i] = (1 if uniforms[i] >= p0 else 0) + (1 if uniforms[i] >= p0 + p1 else 0)


@rule
def take_choices(drawn: np.ndarray, need: np.ndarray, c: ConsumerArrays, vendor: np.ndarray,
                 use_ref: np.ndarray, referral: Referral, asks: np.ndarray,
                 acted: Referral) -> None:
    """What each consumer does this week: a committed consumer buys on the platform, one
    without a need buys nothing, the rest as ``drawn``; into ``c.choice``. A platform buyer
    with a candidate ``vendor`` asks it (``asks``, -1 for everyone else); one who asks the
    vendor its referral named, and followed that referral, acted on it: ``acted`` keeps its
    vendor, ``via`` and ``source`` (-1 where no referral was acted on)."""
    for i in range(drawn.size):
        choice = PLATFORM if c.committed[i] else drawn[i]
        choice = choice if need[i] else NOTHING
        c.choice[i] = choice
        asks[i] = vendor[i] if choice == PLATFORM and vendor[i] >= 0 else -1
        followed = use_ref[i] and asks[i] == referral.vendor[i] and asks[i] >= 0
        acted.vendor[i] = asks[i] if followed else -1
        acted.via[i] = referral.via[i] if followed else -1
        acted.source[i] = referral.source[i] if followed else -1


# ------------------------------------------------------------------ M7 trade
@njit(cache=True)
def _first_above(cdf: np.ndarray, uniforms: np.ndarray, out: np.ndarray) -> None:
    """``out[k]``: the first i with ``cdf[i] > uniforms[k]`` (``cdf`` non-decreasing, last
    entry 1, uniforms in [0, 1)): ``cdf.searchsorted(uniforms, side='right')``, found from a
    guide table of one entry per index instead of a binary search."""
    size = cdf.size
    guide = np.empty(size, dtype=np.int64)  # guide[b]: first i with cdf[i] > b / size
    i = 0
    for b in range(size):
        while i < size - 1 and cdf[i] <= b / size:
            i += 1
        guide[b] = i
    for k in range(uniforms.size):
        u = uniforms[k]
        b = min(int(u * size), size - 1)
        i = guide[b - 1] if b > 0 else 0  # (b - 1) / size <= u whatever the rounding
        while cdf[i] <= u:
            i += 1
        out[k] = i


def weighted_choice(rng: np.random.Generator, p: np.ndarray, size: int) -> np.ndarray:
    """The draws of ``rng.choice(len(p), size=size, p=p)``, the same ones from the same
    generator state: numpy's own method (the normalised cumulative sum, one uniform per
    draw, the first index above it) with a guide table for the search, which at 10,000
    options and 30,000 draws is several times faster. ``tests/model/test_weekly.py`` checks
    the draws against numpy's."""
    cdf = p.cumsum()
    cdf /= cdf[-1]
    uniforms = rng.random(size)
    out = np.empty(size, dtype=np.int64)
    _first_above(cdf, uniforms, out)
    return out


def uniform_choice(rng: np.random.Generator, options: np.ndarray, size: int) -> np.ndarray:
    """The draws of ``rng.choice(options, size=size)`` (uniform, with replacement), the same
    ones from the same generator state, without ``Generator.choice``'s checks of its
    arguments: numpy draws them as ``rng.integers(0, len(options), size)`` and indexes
    ``options`` with them. ``tests/model/test_weekly.py`` checks the draws against numpy's."""
    return options[rng.integers(0, options.size, size=size, dtype=np.int64)]


@rule
def settle_sales(sales: Sales, listing: Listing, uniforms: np.ndarray,
                 books: VendorBooks) -> None:
    """Book the platform's sales of the week: a served buyer's purchase goes well with its
    vendor's quality (drawn against ``uniforms``) and costs the vendor's price. Writes per
    buyer ``good`` and ``spent`` (0 where not served, and ``vendor`` -1 there), and adds to
    each vendor's books in buyer order (as ``np.bincount`` does)."""
    for i in range(sales.vendor.size):
        if sales.served[i]:
            v = sales.vendor[i]
            sales.good[i] = uniforms[i] < listing.quality[v]
            sales.spent[i] = listing.price[v]
            books.sales[v] += 1
            books.good_sales[v] += 1 if sales.good[i] else 0
            books.revenue[v] += listing.price[v]
        else:
            sales.vendor[i], sales.good[i], sales.spent[i] = -1, False, 0.0


# ------------------------------------------------------------------ M3-M5 learning
@rule
def learn(i: int, c: ConsumerArrays, sales: Sales, learning: Learning) -> None:
    """Consumer i's evidence after the week's sales (M3-M5), in place.

    A served buyer adds its outcome to its evidence about the platform; one not tied to a
    vendor makes the vendor it bought from its favourite (starting afresh) and adds the
    outcome to its evidence about it, and becomes tied once that reaches ``tie_threshold``
    good outcomes (when trust channels are on); a tie whose trust falls below one half is
    lost. Evidence not renewed this week decays by ``evidence_decay``; a tie keeps at least
    ``tie_threshold`` good outcomes.
    """
    keep = 1.0 - learning.evidence_decay
    served, good, vendor = sales.served[i], sales.good[i], sales.vendor[i]
    if served:
        c.platform_good[i], c.platform_bad[i] = observe(c.platform_good[i], c.platform_bad[i],
                                                        good)
    c.last_bad[i] = served and not good
    c.ever_used[i] = c.ever_used[i] or served
    if served and vendor != c.fav[i] and not c.tied[i]:
        c.fav[i], c.fav_good[i], c.fav_bad[i] = vendor, 0.0, 0.0
    same = served and vendor == c.fav[i]
    if same:
        c.fav_good[i], c.fav_bad[i] = observe(c.fav_good[i], c.fav_bad[i], good)
        c.tied[i] = c.tied[i] or (c.fav_good[i] >= learning.tie_threshold
                                  and learning.trust_channels)
    if c.tied[i] and beta_mean(c.fav_good[i], c.fav_bad[i]) < 0.5:
        c.tied[i], c.fav[i] = False, -1
    if not served:
        c.platform_good[i] = decayed(c.platform_good[i], keep, 0.0)
        c.platform_bad[i] = decayed(c.platform_bad[i], keep, 0.0)
    if not same:
        c.fav_good[i] = decayed(c.fav_good[i], keep,
                                learning.tie_threshold if c.tied[i] else 0.0)
        c.fav_bad[i] = decayed(c.fav_bad[i], keep, 0.0)


@rule
def learn_from_sales(c: ConsumerArrays, sales: Sales, learning: Learning) -> None:
    """:func:`learn` for every consumer."""
    for i in range(c.fav.size):
        learn(i, c, sales, learning)
