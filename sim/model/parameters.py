"""Every model parameter, declared once: default, allowed range, unit, description, source.

The model, the command line, the scenario validator, the browser sliders and the parameter
table of ``docs/ODD.md`` all read :data:`PARAMETERS`; ``tests/test_parameters.py`` fails if
any of them drifts from it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from sim.errors import UserError


class ParameterError(UserError):
    """A parameter name or value that the model does not accept (one line, user-facing)."""


@dataclass(frozen=True)
class Param:
    """One declared parameter."""

    name: str
    default: Any
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    unit: str = ""
    description: str = ""
    source: str = ""
    group: str = ""
    plausible: tuple[float, float] | None = None  # the range a world may take (docs/worlds.md)
    plausible_source: str = ""  # where that range comes from, or "assumption: why"
    fixed: str = ""  # else: why every world holds it at its default

    @property
    def kind(self) -> type:
        return type(self.default)

    def allowed(self) -> str:
        """What values are allowed, in words."""
        if self.choices:
            return "one of " + ", ".join(f'"{c}"' for c in self.choices)
        if self.kind is bool:
            return "true or false"
        word = "an integer" if self.kind is int else "a number"
        return f"{word} in [{self.low:g}, {self.high:g}]"

    def check(self, value: Any) -> Any:
        """Return ``value`` coerced to this parameter's type, or raise ParameterError."""
        kind = self.kind
        bad = ParameterError(f"parameter '{self.name}': got {value!r}, allowed: {self.allowed()}")
        if kind is bool:
            if not isinstance(value, bool):
                raise bad
            return value
        if kind is str:
            if not isinstance(value, str) or value not in (self.choices or ()):
                raise bad
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise bad
        if kind is int:
            if float(value) != int(value):
                raise bad
            value = int(value)
        else:
            value = float(value)
        if not (self.low <= value <= self.high):
            raise bad
        return value


def _p(name, default, low=None, high=None, unit="", description="", source="", choices=None,
       group="", plausible=None, plausible_source="", fixed=""):
    return Param(name, default, low, high, tuple(choices) if choices else None, unit,
                 description, source, group, plausible, plausible_source, fixed)


# fmt: off
_DECLARED = [
    # --- population and network (M1) -------------------------------------------------------
    _p("n_consumers",        2000,   50, 1_000_000, "consumers", "Number of consumers.", "model size; 10,000 for studies", group="network", fixed="numerical choice: the model's size (2,000 in the studies; larger populations in docs/performance.md)"),
    _p("strong_ties",        12.0,   2, 60, "ties", "Mean inner-circle (strong-tie) degree.", "essay 004: 'maybe 8 and no more than 30+'; Dunbar layer 15", group="network", plausible=(5.0, 15.0), plausible_source="Dunbar layers of 5 and 15 (Zhou, Sornette, Hill & Dunbar 2005)"),
    _p("weak_ties",          40.0,   0, 300, "ties", "Mean weak-tie degree (acquaintances).", "Dunbar layers 50/150 minus the inner circle", group="network", plausible=(25.0, 60.0), plausible_source="Dunbar layers of 50 and 150 less the inner circle (about 38-138 acquaintances); assumption: only the nearer part of the outer layer is asked about sellers"),
    _p("network_model",      "dunbar_layers", choices=("dunbar_layers", "watts_strogatz", "holme_kim"), description="Generator of the strong-tie layer (clustered, capped at strong_tie_cap); weak ties are random.", source="Dunbar 1998; Zhou, Sornette, Hill & Dunbar 2005; Watts & Strogatz 1998; Holme & Kim 2002 (legacy: its hubs are cut to the cap)", group="network", fixed="structural choice: the generator built on Dunbar's layers; Watts-Strogatz and Holme-Kim are robustness checks"),
    _p("clustering",         0.5,    0, 1, "clustering", "Target clustering of the strong layer (dunbar_layers: sets the density of the sympathy band, raised for the long-range ties and at most 1, so that at the default long_range_share any target above about 0.3 gives clustering about 0.27; Holme-Kim: triad-closure probability; Watts-Strogatz: 1 - rewiring probability).", "friendship networks: 0.2-0.5; measured clustering is in each run's summary", group="network", plausible=(0.15, 0.5), plausible_source="measured clustering 0.14-0.5 (Facebook, Orkut, Flickr, LiveJournal: Ugander et al. 2011 via Zafarani et al. 2014); the strong layer's target clustering taken over the same range"),
    _p("long_range_share",   0.2,    0, 1, "share of strong ties", "Share of each consumer's strong ties that are long-range (dunbar_layers: to anyone in the population rather than a ring neighbour; family and old friends who moved), the shortcuts that make the strong layer a small world.", "assumption: about one close tie in five lives far away; East Yorkers' intimate networks were mostly non-local and sparsely knit (Wellman 1979), and very close ties are kept up across regional and transoceanic distances (Mok, Wellman & Carrasco 2010)", group="network", plausible=(0.05, 0.3), plausible_source="assumption: from one close tie in twenty far away to three in ten; at 0.05 the strong layer's mean path is still within 1.5 times a random graph's at 10,000 consumers (a few shortcuts suffice: Watts & Strogatz 1998), above 0.3 its clustering falls below 0.2"),
    _p("strong_tie_cap",     30,     2, 150, "ties", "Most strong ties any consumer holds; ties beyond it are dropped at random.", "essay 004: 'maybe 8 and no more than 30+'; Dunbar's sympathy group about 15 (Zhou et al. 2005)", group="network", plausible=(20, 50), plausible_source="essay 004: 'no more than 30+'; Dunbar's layer of 50 as the upper end (Zhou et al. 2005)"),
    # --- referrals and trust (M2-M5) -------------------------------------------------------
    _p("search_rate",        0.02,   0, 1, "per week", "Chance a consumer looks around for a seller in a week and asks its ties (always after a bad purchase).", "essay 000: sourcing through the network happens when one looks for a seller; assumption: about once a year", group="trust", plausible=(0.005, 0.08), plausible_source="assumption: looking around for a seller from once in four years to about monthly; no measurement found"),
    _p("referral_hops",      3,      0, 6, "hops", "Longest referral path: 'someone who knows someone who knows someone'.", "essay 000", group="trust", plausible=(1, 3), plausible_source="influence reaches up to three degrees of separation (Christakis & Fowler 2009); the essay's 'someone who knows someone who knows someone'"),
    _p("hop_discount",       0.6,    0, 1, "factor", "Trust kept at each hop beyond the first.", "assumption; Josang discounting", group="trust", plausible=(0.3, 0.8), plausible_source="assumption: trust kept per hop of transitive (Josang) discounting, from steep to mild; no measurement found"),
    _p("referral_withhold",  0.2,    0, 1, "probability", "Base chance a consumer withholds its referrals in a week ('office politics'); M12 moves each consumer's own chance from here.", "essay 002; assumption", group="trust", plausible=(0.05, 0.4), plausible_source="assumption: withholding referrals ('office politics', essay 002) from rare to frequent; no measurement found"),
    _p("referral_reciprocity", 0.1,  0, 1, "per referral", "Rise in a consumer's chance to refer per referral it received that went well (help received, decaying like evidence).", "essay 003: 'what's in it for me'; reciprocity in word of mouth (Berger 2014); assumption for the size", group="trust", plausible=(0.0, 0.2), plausible_source="assumption: from no reciprocity to twice the default; word of mouth is reciprocal (Berger 2014) but its size is unmeasured"),
    _p("referral_status",    0.05,   0, 1, "per referral", "Rise in a consumer's chance to refer per referral of its own acted on with a good outcome (status, the satisfaction of helping).", "essays 001, 003; Dichter 1966 (self-involvement); assumption for the size", group="trust", plausible=(0.0, 0.1), plausible_source="assumption: from no status motive to twice the default (Dichter 1966 names it, no size)"),
    _p("referral_reputation_cost", 0.3, 0, 1, "per referral", "Fall in a consumer's chance to refer per referral of its own that went wrong; the tie it came through loses this share of its trust ('your name is mud').", "essay 002; assumption for the size", group="trust", plausible=(0.1, 0.5), plausible_source="assumption: a bad referral costs the referrer a little to half of a tie's trust; no measurement found"),
    _p("founder_vouch",      2.0,    0, 50, "pseudo-outcomes", "Good outcomes a founder's recommendation of its own shop is worth to its ties.", "assumption: a founder vouches like a satisfied customer of two purchases", group="trust", plausible=(1.0, 4.0), plausible_source="assumption: a founder's word worth one to four satisfied purchases"),
    _p("weak_tie_weight",    0.15,   0, 1, "trust", "Trust in a weak tie relative to a strong tie (1).", "essay 004: 'I only act on strong ties'", group="trust", plausible=(0.05, 0.3), plausible_source="assumption: weak ties count for little ('I only act on strong ties'), no measurement found"),
    _p("tie_decay",          0.005,  0, 0.5, "per week", "Share of a tie's trust lost each week it is not used.", "assumption (half-life about 2.7 years)", group="trust", plausible=(0.002, 0.01), plausible_source="assumption: half-life of unused trust from about 1.3 to 7 years"),
    _p("strong_tie_floor",   0.8,    0, 1, "fraction", "Share of its trust a strong tie never loses; used again it is fully restored.", "essay 004: 'an ex-shipmate calls'", group="trust", plausible=(0.6, 0.95), plausible_source="assumption: an old friend keeps most of one's trust ('an ex-shipmate calls', essay 004)"),
    _p("evidence_decay",     0.01,   0, 0.5, "per week", "Share of unused evidence about a vendor or the platform forgotten each week.", "assumption", group="trust", plausible=(0.005, 0.02), plausible_source="assumption: half-life of unused evidence about a seller from about 8 months to 2.7 years"),
    _p("rating_weight",      4.0,    0, 50, "pseudo-counts", "Evidence a vendor's public rating is worth when fully trusting the platform.", "assumption", group="trust", plausible=(1.0, 10.0), plausible_source="assumption: a fully trusted rating worth one to ten purchases of one's own"),
    _p("tie_threshold",      3,      1, 50, "sales", "Good purchases from one vendor after which the consumer holds a direct tie to it (M4).", "essay 004: mediated trust 'becomes real'", group="trust", plausible=(2, 6), plausible_source="assumption: a direct tie to a vendor after a few good purchases (essay 004: mediated trust 'becomes real'); no measurement found"),
    # --- choice (M6) -----------------------------------------------------------------------
    _p("need_rate",          1.0,    0.01, 1, "per week", "Chance a consumer needs the sector's good in a week.", "a weekly staple (food, news)", group="choice", fixed="the sector's definition: a weekly staple (the sector presets set other rates)"),
    _p("beta_quality",       30.0,   0, 50, "utility", "Weight on the expected chance of a good outcome.", "calibrated: weekly logit noise small next to a 0.1 gap in trust", group="choice", plausible=(20.0, 40.0), plausible_source="calibration band around 30 (weekly logit noise small next to a 0.1 gap in trust); assumption: a third either side"),
    _p("beta_price",         15.0,    0, 50, "utility per price unit", "Weight on price.", "calibrated: a 10% price gap worth a 0.05 gap in trust", group="choice", plausible=(10.0, 20.0), plausible_source="calibration band around 15 (a 10% price gap worth a 0.03-0.07 gap in trust); assumption: a third either side"),
    _p("beta_risk",          15.0,    0, 50, "utility", "Weight on the perceived chance of losing the payment.", "assumption: as price", group="choice", plausible=(5.0, 25.0), plausible_source="assumption: the weight on the risk of losing the payment from a third of price's to more than it"),
    _p("habit",              3.5,    0, 20, "utility", "Utility bonus for buying where one bought last time (state dependence, on the logit scale).", "Guadagni & Little 1983: brand loyalty the strongest variable in a logit of coffee brand choice, coefficient of order 3-4 (size an assumption within that order)", group="choice", plausible=(2.0, 4.0), plausible_source="Guadagni & Little 1983 brand-loyalty coefficient of order 3-4 (recalled, not checked); Dube, Hitsch & Rossi 2010 find structural inertia of that order"),
    _p("endorsements_needed", 1,     1, 10, "strong ties", "Strong ties who must endorse the platform before a first purchase (1 = simple contagion).", "Centola & Macy 2007", group="choice", plausible=(1, 2), plausible_source="simple (1) or complex (2) contagion (Centola & Macy 2007; Centola 2010 finds reinforcement matters for adoption)"),
    _p("early_adopter_share", 0.01,  0, 1, "share", "Consumers already buying on the platform at week 0 (not committed): regulars tied to one vendor, last bought there.", "assumption: a platform present but small", group="choice", plausible=(0.005, 0.03), plausible_source="assumption: a platform present but small: half a percent to three percent of consumers"),
    # --- interventions (M10) ---------------------------------------------------------------
    _p("committed_share",    0.0,    0, 1, "share", "Consumers who buy on the platform whatever happens.", "Centola et al. 2018 committed-minority design", group="interventions", fixed="experiment design: a switch or lever the study sets, not a property of the world"),
    _p("consumer_switching", True,   description="If false only committed consumers use the platform (the pure-accounting limit).", source="test design", group="interventions", fixed="experiment design: a switch or lever the study sets, not a property of the world"),
    _p("trust_channels",     True,   description="If false every trust channel is off: no referrals, no direct ties to vendors, no ratings, no endorsement gate; consumers judge vendors by price and their own experience alone (the price-and-quality arm of the verdict).", source="test design (what trust does: docs/verdict.md)", group="interventions", fixed="experiment design: a switch or lever the study sets, not a property of the world"),
    _p("vendor_quality_known", False, description="If true consumers know the vendors' mean quality as they know the factory's: it is their prior for a vendor they have no evidence on (else 0.5). The verdict's price-and-quality arm with symmetric information.", source="test design (what trust does: docs/verdict.md)", group="interventions", fixed="experiment design: a switch or lever the study sets, not a property of the world"),
    _p("platform_open_to_new", True, description="If false a consumer who has never used the platform cannot start; those who have may stay (the forks of the irreversibility test).", source="test design (docs/sources.md: the tipping share)", group="interventions", fixed="experiment design: a switch or lever the study sets, not a property of the world"),
    # --- platform vendors (M7) -------------------------------------------------------------
    _p("initial_vendors",    20,     0, 100_000, "vendors", "Vendors on the platform at week 0.", "assumption", group="vendors", plausible=(10, 40), plausible_source="assumption: half to twice the default number of vendors at the start"),
    _p("vendor_capacity",    12.0,   1, 1000, "units per week", "Mean weekly capacity of a vendor (Poisson, at least 1).", "small sellers", group="vendors", plausible=(6.0, 24.0), plausible_source="assumption: a small seller serves half to twice the default dozen units a week"),
    _p("vendor_unit_cost",   0.75,   0, 10, "price units", "Mean unit cost of a vendor (the factory's starting price is 1): above the factory's marginal cost 0.5 (no scale economies), below its full cost (no storefront, middleman or broadcast advertising); with the markup and fee it lists at about 0.92, 8% below the factory.", "essay 004's premise ('no storefront with Etsy'); Airbnb was 2% (Share Better 2016) to 21% (Priceonomics 2013) cheaper than hotels", group="vendors", plausible=(0.65, 0.85), plausible_source="vendors list 20% below to 4% above the factory: Airbnb 21% (Priceonomics 2013) to 2% (Share Better 2016) cheaper than hotels"),
    _p("vendor_cost_spread", 0.15,   0, 1, "coefficient of variation", "Spread of vendors' unit costs (lognormal around the mean).", "assumption: heterogeneous small sellers", group="vendors", plausible=(0.05, 0.3), plausible_source="assumption: small sellers' unit costs from alike to widely spread"),
    _p("vendor_fixed_cost",  0.3,    0, 100, "price units per week", "A vendor's fixed cost per week (listing, tools, time).", "assumption", group="vendors", plausible=(0.1, 0.6), plausible_source="assumption: a vendor's weekly listing, tools and time from a third to twice the default"),
    _p("vendor_markup",      0.10,   0, 2, "fraction", "Vendor's markup over unit cost plus the platform fee.", "assumption", group="vendors", plausible=(0.05, 0.2), plausible_source="assumption: a small seller's markup from thin to double the default"),
    _p("vendor_quality_mean", 0.85,  0.01, 0.99, "probability", "Mean chance a vendor's sale turns out well (Beta distributed).", "essay 004's premise: better quality for many goods than the factory's 0.8; assumption for the size", group="vendors", plausible=(0.78, 0.92), plausible_source="assumption: from about the factory's 0.8 to clearly better (the essay's premise), no measurement found"),
    _p("vendor_quality_spread", 0.08, 0, 0.3, "probability", "Standard deviation of vendor quality.", "heterogeneous craft quality", group="vendors", plausible=(0.04, 0.12), plausible_source="assumption: craft quality from uniform to widely spread (about 95% of ratings at 4.5 stars or more hide the spread: Zervas et al. 2021)"),
    _p("entry_rate",         0.5,    0, 10, "per unserved unit of capacity", "Entry attempts per week per vendor-capacity of unserved platform demand.", "essay 004: consumers become providers", group="vendors", plausible=(0.2, 1.0), plausible_source="assumption: consumers answer unserved demand by opening shops slowly or quickly"),
    _p("campaign_target",    5,      1, 1000, "pledges", "Pledges a founder's pre-sale campaign needs to open the shop.", "assumption; Mollick 2014: campaigns succeed by reaching their goal from the founder's network", group="vendors", plausible=(3, 10), plausible_source="assumption: a founder's campaign needs a few to ten pledges (Mollick 2014: goals are met from the founder's network)"),
    _p("pledge_propensity",  0.5,    0, 1, "probability", "Chance an asked consumer pledges, times its trust in the founder (the tie's trust).", "assumption", group="vendors", plausible=(0.3, 0.7), plausible_source="assumption: an asked friend pledges with a chance near one half, times trust"),
    _p("pledge_amount",      2.0,    0, 100, "price units", "What a backer pays in a pre-sale campaign, for one unit and to help fund the shop.", "assumption; Kickstarter pledges average about $75 (Kuppuswamy & Bayus 2013)", group="vendors", plausible=(1.0, 4.0), plausible_source="assumption: a pledge worth one to four units (Kickstarter pledges average about $75: Kuppuswamy & Bayus 2013)"),
    _p("campaign_audience",  "inner_circle", choices=("inner_circle", "weak_ties"), description="Whom a founder's campaign asks: its strong ties, or (the general ask) its weak ties.", source="essay 004: the Indiegogo observation", group="vendors", fixed="structural choice: the essay's campaign asks the inner circle; the general ask is a comparison"),
    _p("vendor_idle_weeks",  8,      1, 520, "weeks", "Weeks without a sale after which a vendor exits.", "assumption", group="vendors", plausible=(4, 26), plausible_source="assumption: a vendor quits after one to six months without a sale"),
    _p("vendor_min_stars",   4.0,    1, 5, "stars", "Shown rating below which a vendor with 10 or more rated sales is removed.", "assumption: platforms remove sellers well below the inflated norm", group="vendors", plausible=(3.5, 4.5), plausible_source="assumption: platforms remove sellers well below the inflated norm of 4.5 stars or more"),
    # --- the platform (M8) -----------------------------------------------------------------
    _p("platform_fee",       0.10,   0, 0.5, "share of price", "Platform's fee per sale, payment processing included.", "Etsy 6.5% + 3% processing (2022); Airbnb 3% host + about 14% guest", group="platform", plausible=(0.05, 0.17), plausible_source="Etsy 3.5% before 2018, 6.5% + 3% processing since 2022; Airbnb about 3% host + 14% guest"),
    _p("rating_inflation",   0.6,    0, 1, "fraction", "Share of the gap to a perfect rating that the shown rating closes (stars = 1 + 4 x shown).", "calibrated: about 95% of rated vendors at 4.5 stars or more (Zervas, Proserpio & Byers 2021)", group="platform", plausible=(0.5, 0.7), plausible_source="calibration band around 0.6 (about 95% of rated vendors at 4.5 stars or more: Zervas, Proserpio & Byers 2021); assumption: the band's width"),
    _p("payment_guarantee",  0.5,    0, 1, "fraction", "Share of the payment risk the platform guarantees (the Visa role).", "assumption", group="platform", plausible=(0.3, 0.8), plausible_source="assumption: the platform guarantees from a third to most of the payment risk (buyer protection varies by platform)"),
    _p("institutional_trust_initial", 0.3, 0, 1, "trust", "Institutional trust in the platform before any sale.", "assumption", group="platform", plausible=(0.2, 0.5), plausible_source="assumption: a new platform starts from low to middling institutional trust"),
    _p("institutional_weight", 5.0,  0, 100, "pseudo-counts", "Weight of institutional trust in each consumer's trust in the platform.", "assumption", group="platform", plausible=(2.0, 10.0), plausible_source="assumption: institutional trust worth two to ten purchases of one's own"),
    _p("institutional_memory", 0.02, 0, 1, "per week", "Share of the platform's network-wide record forgotten each week, so institutional trust follows the recent record and can fall.", "assumption: a record about a year long", group="platform", plausible=(0.01, 0.04), plausible_source="assumption: the platform's record remembered for about half a year to two years"),
    _p("platform_unit_cost", 0.03,   0, 0.5, "share of price", "Platform's cost per sale (payment processing).", "card processing about 2.9% + a fixed fee", group="platform", plausible=(0.02, 0.04), plausible_source="card processing about 2.9% plus a fixed fee (card processors' list prices)"),
    _p("platform_fixed_cost", 0.001, 0, 1, "price units per consumer-week", "Platform's fixed cost per week, per consumer in the market.", "essay 004: '20 employees at Craigslist'; assumption for the size", group="platform", plausible=(0.0005, 0.002), plausible_source="assumption: half to twice the default ('20 employees at Craigslist', essay 004)"),
    # --- the factory (M9) ------------------------------------------------------------------
    _p("factory_price",      1.0,    0.01, 100, "price units", "Factory's starting price (the unit of money).", "normalisation", group="factory", fixed="normalisation: the factory's starting price is the unit of money"),
    _p("factory_marginal_cost", 0.5, 0, 100, "price units", "Factory's marginal cost per unit: production plus the middleman's and the store's share.", "US retail gross margin 32-37% of sales (Census Statistical Abstract, Table 1277, 1990-98); keystone pricing (retail = 2 x wholesale)", group="factory", plausible=(0.4, 0.6), plausible_source="US retail gross margins of 32-37% of sales (Census Statistical Abstract, Table 1277) and keystone pricing (retail = 2 x wholesale)"),
    _p("factory_quality",    0.8,    0, 1, "probability", "Factory's steady chance of a good outcome.", "steady medium quality", group="factory", fixed="normalisation: the factory's quality is the yardstick; vendors' quality varies against it (vendor_quality_mean)"),
    _p("factory_advertising", 1.5,   0, 10, "utility", "Utility bonus from broadcast advertising at the starting fixed cost.", "essay 001: the soapbox", group="factory", plausible=(0.5, 2.5), plausible_source="assumption: broadcast advertising worth a third to nearly twice the default on the logit scale"),
    _p("factory_fixed_cost_share", 0.7, 0, 1, "fraction", "Fixed cost per week / contribution with the whole market at the starting price (F/C0 = 1 - operating margin / contribution margin; break-even share = 1 - this).", "US newspapers c. 2000: operating margin about 0.20 (Picard, Media Economics), print-bound variable costs 35-50% of costs (Filloux; Inland Press), so F/C0 about 0.67-0.72; manufacturers with degree of operating leverage 2-4 give 0.5-0.75", group="factory", plausible=(0.55, 0.85), plausible_source="newspapers c. 2000 about 0.67-0.72 (Picard; Filloux; Inland Press); manufacturers with degree of operating leverage 2-4 give 0.5-0.75"),
    _p("factory_pricing",    "full_cost", choices=("fixed", "full_cost", "responsive"), description="Fixed price; full-cost pricing repriced every few weeks (the death spiral); or responsive: consumers the platform can reach are offered the platform's price, the rest pay full cost (Seamans & Zhu 2014).", source="essay 004; Seamans & Zhu 2014", group="factory", fixed="the study's regime: full-cost pricing, the death spiral the essay describes (the fixed price is the accounting check)"),
    _p("factory_reprice_every", 13,  1, 520, "weeks", "Weeks between repricings under full-cost pricing.", "quarterly", group="factory", plausible=(4, 26), plausible_source="assumption: repricing from monthly to twice a year (list prices change a few times a year)"),
    _p("factory_cash_reserve_weeks", 26.0, 0, 1040, "weeks of fixed cost", "Starting cash in weeks of fixed cost.", "assumption", group="factory", plausible=(8.0, 52.0), plausible_source="assumption: two months to a year of fixed costs in cash; no source found"),
    _p("factory_cost_cut_rate", 0.002, 0, 0.1, "per week", "Largest share of fixed cost the factory can cut in a week of losses.", "essay 004: 'trapped by fixed process costs'", group="factory", plausible=(0.0, 0.005), plausible_source="assumption: from trapped by fixed process costs (essay 004) to cutting about a quarter of fixed cost in a year of losses"),
]
# fmt: on

PARAMETERS: dict[str, Param] = {p.name: p for p in _DECLARED}
DEFAULTS: dict[str, Any] = {p.name: p.default for p in _DECLARED}


def suggest(name: str, known: list[str] | None = None) -> str:
    """A ' (did you mean X?)' hint for a misspelled name, or ''."""
    pool = known if known is not None else list(PARAMETERS)
    close = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def check_name(name: str) -> Param:
    """The declaration for ``name``, or a ParameterError with a did-you-mean hint."""
    try:
        return PARAMETERS[name]
    except KeyError:
        raise ParameterError(f"unknown parameter '{name}'{suggest(name)}") from None


def resolve(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Defaults updated by ``overrides``, every value checked against its declaration."""
    params = dict(DEFAULTS)
    for name, value in (overrides or {}).items():
        params[name] = check_name(name).check(value)
    # rules between parameters (that module imports this one)
    from sim.model.parameter_constraints import check
    return check(params)


def parse_value(name: str, text: str) -> Any:
    """Parse a command-line ``NAME=VALUE`` value into the declared type and check it."""
    param = check_name(name)
    kind = param.kind
    if kind is bool:
        lowered = text.strip().lower()
        if lowered not in ("true", "false", "1", "0", "yes", "no"):
            raise ParameterError(f"parameter '{name}': got {text!r}, allowed: {param.allowed()}")
        return param.check(lowered in ("true", "1", "yes"))
    if kind is str:
        return param.check(text)
    try:
        value = float(text)
    except ValueError:
        raise ParameterError(
            f"parameter '{name}': got {text!r}, allowed: {param.allowed()}"
        ) from None
    if kind is int and value.is_integer():
        value = int(value)  # so that an error shows the number as it was typed: 10, not 10.0
    return param.check(value)
