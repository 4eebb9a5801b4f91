"""Compiled loops of the weekly step over the consumers' arrays (numba).

Where a rule would otherwise make many numpy passes over arrays of all consumers (each one
allocating a temporary), one loop does the work in a single pass. The rules' readable
array formulations stay in ``economics``, ``trust`` and ``referrals``. Each loop computes
what the array formulation it replaced computed, in the same floating-point order and from the same
random draws, so results are bit for bit the same: ``tests/model/test_weekly.py`` keeps
each array formulation and checks the loop against it. Transcendental functions (``exp``)
stay in numpy, whose results a compiled ``exp`` need not reproduce to the last bit.
Compiled code is cached on disk (``cache=True``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

SMALL_GROUP = 32  # a vendor's buyers up to this many are sorted in place


@njit(cache=True)
def serve_in_priority(vendor: np.ndarray, capacity: np.ndarray, priority: np.ndarray,
                      served: np.ndarray) -> None:
    """Each vendor serves the buyers who ask it (``vendor[i] >= 0``) in increasing
    ``priority`` up to its ``capacity``; sets ``served[i]`` for those served.

    A counting sort groups the buyers by vendor, with their priorities beside them; only a
    vendor asked by more buyers than it can serve sorts its own (few) buyers by priority.
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
        if hi - lo <= SMALL_GROUP:  # sort the few buyers by priority in place
            for k in range(lo + 1, hi):
                buyer, first = group[k], key[k]
                j = k - 1
                while j >= lo and key[j] > first:
                    group[j + 1], key[j + 1] = group[j], key[j]
                    j -= 1
                group[j + 1], key[j + 1] = buyer, first
            members = group[lo:hi]
        else:
            members = group[lo:hi][np.argsort(key[lo:hi])]
        for rank in range(min(hi - lo, max(capacity[v], 0))):
            served[members[rank]] = True


@njit(cache=True)
def _beta_mean(good: float, bad: float) -> float:
    return (good + 1.0) / (good + bad + 2.0)  # trust.beta_mean with the Beta(1, 1) prior


@njit(cache=True)
def pick_candidates(fav: np.ndarray, fav_good: np.ndarray, fav_bad: np.ndarray,
                    ref_vendor: np.ndarray, ref_good: np.ndarray, ref_bad: np.ndarray,
                    use_ref: np.ndarray, candidate: np.ndarray) -> None:
    """Which vendor each consumer considers (M6): the referred one where there is a referral
    and no favourite, or the referral is trusted more, or names the favourite; else the
    favourite (-1: none, to be drawn from the listing). Writes ``use_ref`` and ``candidate``."""
    for i in range(fav.size):
        referred = ref_vendor[i] >= 0 and (
            fav[i] < 0 or _beta_mean(ref_good[i], ref_bad[i]) > _beta_mean(fav_good[i], fav_bad[i])
            or ref_vendor[i] == fav[i])
        use_ref[i] = referred
        candidate[i] = ref_vendor[i] if referred else fav[i]


@njit(cache=True)
def platform_utility(candidate: np.ndarray, fav: np.ndarray, fav_good: np.ndarray,
                     fav_bad: np.ndarray, use_ref: np.ndarray, ref_good: np.ndarray,
                     ref_bad: np.ndarray, tied: np.ndarray, rating: np.ndarray,
                     price: np.ndarray, platform_trust: np.ndarray, rating_weight: float,
                     trust_channels: bool, payment_guarantee: float, beta_quality: float,
                     beta_price: float, beta_risk: float, habit: float, last: np.ndarray,
                     platform: int, prior_mean: float, utility: np.ndarray) -> None:
    """Each consumer's utility of buying from its candidate vendor (M6): trust from the
    evidence it holds (its own with the favourite, the referral's) and, unless the
    candidate is a vendor it is tied to, the shown rating weighted by its trust in the
    platform (M8); minus price and the risk of loss the payment guarantee leaves; plus habit.
    The evidence updates a Beta prior of weight 2 and mean ``prior_mean`` (0.5: knowing
    nothing of vendors; the vendors' mean quality when consumers know it). A consumer with
    no candidate sees rating 0 and price 1."""
    keep = 1.0 - payment_guarantee
    listed = rating.size > 0
    for i in range(candidate.size):
        c = candidate[i]
        is_fav = c == fav[i]
        good = (fav_good[i] if is_fav else 0.0) + (ref_good[i] if use_ref[i] else 0.0)
        bad = (fav_bad[i] if is_fav else 0.0) + (ref_bad[i] if use_ref[i] else 0.0)
        shown = rating[c] if c >= 0 and listed else 0.0
        strength = rating_weight * platform_trust[i]
        if not (tied[i] and is_fav) and c >= 0 and trust_channels:
            good = good + strength * shown
            bad = bad + strength * (1.0 - shown)
        tau = (good + 2.0 * prior_mean) / (good + bad + 2.0)
        cost = price[c] if c >= 0 and listed else 1.0
        u = beta_quality * tau - beta_price * cost - beta_risk * ((1.0 - tau) * keep)
        utility[i] = u + (habit if last[i] == platform else 0.0)


@njit(cache=True)
def logit_exponents(u_factory: np.ndarray, factory_open: bool, u_platform: np.ndarray,
                    platform_open: np.ndarray, out: np.ndarray) -> None:
    """Row i of ``out``: the utilities of (nothing, factory, platform) less the row's
    largest (-inf where closed; nothing, at utility 0, is always open), ready for ``exp``."""
    for i in range(u_platform.size):
        a = u_factory[i] if factory_open else -np.inf
        b = u_platform[i] if platform_open[i] else -np.inf
        top = a if a > b else b
        top = top if top > 0.0 else 0.0
        out[i, 0] = -top
        out[i, 1] = a - top
        out[i, 2] = b - top


@njit(cache=True)
def draw_from_weights(weights: np.ndarray, uniforms: np.ndarray, choice: np.ndarray) -> None:
    """Choice i in (0, 1, 2) drawn with chances proportional to row i of ``weights``: the
    first k with ``uniforms[i]`` below the cumulative chance of k."""
    for i in range(uniforms.size):
        total = weights[i, 0] + weights[i, 1] + weights[i, 2]
        p0, p1 = weights[i, 0] / total, weights[i, 1] / total
        choice[i] = (1 if uniforms[i] >= p0 else 0) + (1 if uniforms[i] >= p0 + p1 else 0)


@njit(cache=True)
def _active(index: int, active: np.ndarray) -> bool:
    return index >= 0 and active.size > 0 and active[index]


@njit(cache=True)
def recommendations(fav: np.ndarray, fav_good: np.ndarray, fav_bad: np.ndarray,
                    owns: np.ndarray, active: np.ndarray, founder_vouch: float,
                    withhold: float, helped: np.ndarray, thanked: np.ndarray,
                    blamed: np.ndarray, reciprocity: float, status: float,
                    reputation_cost: float, uniforms: np.ndarray, rec_vendor: np.ndarray,
                    rec_good: np.ndarray, rec_bad: np.ndarray, strength: np.ndarray) -> int:
    """What each consumer would recommend and how strongly it speaks this week (M2, M12).

    A satisfied buyer (more good than bad outcomes with its active favourite) recommends it
    with that evidence; else a founder vouches for its own active shop (``founder_vouch``
    good outcomes). Each speaks with its willingness (``sim.model.rules.referrals``) drawn
    against ``uniforms``; ``strength`` is the recommendation's trust where it speaks, else 0.
    Returns how many speak."""
    speaking = 0
    for i in range(fav.size):
        satisfied = _active(fav[i], active) and fav_good[i] > fav_bad[i]
        if satisfied:
            vendor, good, bad = fav[i], fav_good[i], fav_bad[i]
        elif _active(owns[i], active):
            vendor, good, bad = owns[i], founder_vouch, 0.0
        else:
            vendor, good, bad = -1, 0.0, 0.0
        rec_vendor[i], rec_good[i], rec_bad[i] = vendor, good, bad
        chance = (1.0 - withhold + reciprocity * helped[i] + status * thanked[i]
                  - reputation_cost * blamed[i])
        chance = 0.0 if chance < 0.0 else (1.0 if chance > 1.0 else chance)
        if vendor >= 0 and uniforms[i] < chance:
            strength[i] = _beta_mean(good, bad)
            speaking += 1
        else:
            strength[i] = 0.0
    return speaking


@njit(cache=True)
def take_referrals(weight: np.ndarray, source: np.ndarray, via: np.ndarray,
                   strength: np.ndarray, rec_vendor: np.ndarray, rec_good: np.ndarray,
                   rec_bad: np.ndarray, looking: np.ndarray, vendor: np.ndarray,
                   good: np.ndarray, bad: np.ndarray) -> None:
    """The referral each consumer takes: the best it reached (``weight`` from ``source``
    through tie ``via``), if it is ``looking`` for a seller this week. The source's evidence is
    discounted by the path's trust, the path's weight over the source's strength (Josang).
    Writes the referred ``vendor`` and the evidence ``good`` and ``bad``; sets ``via`` and
    ``source`` to -1 where none is taken."""
    for i in range(weight.size):
        j = source[i]
        if j >= 0 and looking[i]:
            spoke = strength[j] if strength[j] > 1e-12 else 1e-12
            path = weight[i] / spoke
            vendor[i], good[i], bad[i] = rec_vendor[j], rec_good[j] * path, rec_bad[j] * path
        else:
            vendor[i], good[i], bad[i] = -1, 0.0, 0.0
            via[i], source[i] = -1, -1


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


@njit(cache=True)
def settle_sales(vendor: np.ndarray, served: np.ndarray, uniforms: np.ndarray,
                 quality: np.ndarray, price: np.ndarray, good: np.ndarray, spent: np.ndarray,
                 sales: np.ndarray, good_sales: np.ndarray, revenue: np.ndarray) -> None:
    """Book the platform's sales of the week: a served buyer's purchase goes well with its
    vendor's ``quality`` (drawn against ``uniforms``) and costs the vendor's ``price``.
    Writes per buyer ``good`` and ``spent`` (0 where not served, and ``vendor`` -1 there),
    per vendor ``sales``, ``good_sales`` and ``revenue`` (added in buyer order, as
    ``np.bincount`` does)."""
    for i in range(vendor.size):
        if served[i]:
            v = vendor[i]
            good[i] = uniforms[i] < quality[v]
            spent[i] = price[v]
            sales[v] += 1
            good_sales[v] += 1 if good[i] else 0
            revenue[v] += price[v]
        else:
            vendor[i], good[i], spent[i] = -1, False, 0.0


@njit(cache=True)
def _decayed(old: float, keep: float, floor: float) -> float:
    low = old if old < floor else floor
    new = old * keep
    return new if new > low else low


@njit(cache=True)
def learn_from_sales(vendor: np.ndarray, served: np.ndarray, good: np.ndarray,
                     platform_good: np.ndarray, platform_bad: np.ndarray,
                     last_bad: np.ndarray, ever_used: np.ndarray, fav: np.ndarray,
                     fav_good: np.ndarray, fav_bad: np.ndarray, tied: np.ndarray,
                     tie_threshold: float, trust_channels: bool, rate: float) -> None:
    """Each consumer's evidence after the week's sales (M3-M5), in place.

    A served buyer adds its outcome to its evidence about the platform; one not tied to a
    vendor makes the vendor it bought from its favourite (starting afresh) and adds the
    outcome to its evidence about it, and becomes tied once that reaches ``tie_threshold``
    good outcomes (when trust channels are on); a tie whose trust falls below one half is
    lost. Evidence not renewed this week decays by ``rate``; a tie keeps at least
    ``tie_threshold`` good outcomes (``trust.decay`` and ``trust.add_outcomes``, fused).
    """
    keep = 1.0 - rate
    for i in range(vendor.size):
        s, g = served[i], good[i]
        platform_good[i] += 1.0 if s and g else 0.0
        platform_bad[i] += 1.0 if s and not g else 0.0
        last_bad[i] = s and not g
        ever_used[i] = ever_used[i] or s
        if s and vendor[i] != fav[i] and not tied[i]:
            fav[i], fav_good[i], fav_bad[i] = vendor[i], 0.0, 0.0
        same = s and vendor[i] == fav[i]
        if same:
            fav_good[i] += 1.0 if g else 0.0
            fav_bad[i] += 0.0 if g else 1.0
            tied[i] = tied[i] or (fav_good[i] >= tie_threshold and trust_channels)
        if tied[i] and _beta_mean(fav_good[i], fav_bad[i]) < 0.5:
            tied[i], fav[i] = False, -1
        if not s:
            platform_good[i] = _decayed(platform_good[i], keep, 0.0)
            platform_bad[i] = _decayed(platform_bad[i], keep, 0.0)
        if not same:
            fav_good[i] = _decayed(fav_good[i], keep, tie_threshold if tied[i] else 0.0)
            fav_bad[i] = _decayed(fav_bad[i], keep, 0.0)
