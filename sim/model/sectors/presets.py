"""The four sectors of essay 004 (docs/sources.md, "The sectors"), each a set of overrides of the single-sector defaults.

Every value names its source, or says ``assumption`` where there is none. A sector's
parameters are the defaults of :mod:`sim.model.parameters` updated by its preset; a scenario
overrides them per sector (``[sectors.NAME]``). ``docs/sectors.md`` shows this table
(``python -m sim.outputs.sectors_doc``) and a test fails if the two differ.

Money in each sector is counted in units of that sector's starting factory price, so a
sector's shares and its incumbent's accounts never mix with another's.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Value(NamedTuple):
    """A preset value and where it comes from."""

    value: Any
    source: str


# fmt: off
PRESETS: dict[str, dict[str, Value]] = {
    "news": {
        "need_rate":                Value(1.0, "a weekly paper, or a week of a daily one"),
        "factory_marginal_cost":    Value(0.33, "US newspapers c. 2000: operating margin about 0.20 of revenue (Picard, Media Economics) with F/C0 0.7 gives a contribution of 0.67 per unit of revenue"),
        "factory_fixed_cost_share": Value(0.7, "print-bound variable costs 35-50% of costs (Filloux; Inland Press) and margin 0.20: F/C0 about 0.67-0.72"),
        "factory_pricing":          Value("responsive", "Seamans & Zhu 2014: after Craigslist, classified rates cut 20.7%, subscriptions up 3.3%"),
        "platform_fee":             Value(0.02, "Craigslist: most listings free, paid job ads in some cities; assumption for the size"),
        "factory_cash_reserve_weeks": Value(26.0, "assumption"),
    },
    "education": {
        "need_rate":                Value(0.02, "assumption: an enrolment decision about once a year (a rare, large decision)"),
        "search_rate":              Value(0.1, "assumption: a long decision, families look around and ask"),
        "beta_risk":                Value(30.0, "assumption: a hard-to-reverse decision weighs the risk of a bad outcome double"),
        "factory_marginal_cost":    Value(0.25, "assumption: faculty, staff and buildings are fixed in the short run; the marginal student costs little"),
        "factory_fixed_cost_share": Value(0.93, "private US universities: operating margins of a few percent (Moody's medians, assumption for the size) with marginal cost 0.25: F/C0 = 1 - 0.05/0.75"),
        "factory_reprice_every":    Value(52, "tuition is set once a year"),
        "factory_cash_reserve_weeks": Value(52.0, "assumption: reserves and endowment income cover about a year of fixed cost"),
    },
    "health": {
        "need_rate":                Value(0.25, "assumption: a monthly visit for a chronic condition"),
        "factory_marginal_cost":    Value(0.15, "assumption: supplies and tests; staff and rent are fixed in the short run"),
        "factory_fixed_cost_share": Value(0.9, "assumption: primary-care overhead about 60% of revenue (MGMA cost surveys) and physician pay most of the rest, both fixed in the short run"),
        "factory_pricing":          Value("fixed", "fees follow a schedule (Medicare's physician fee schedule), not the practice's volume"),
        "factory_cash_reserve_weeks": Value(13.0, "assumption: about a quarter of fixed cost"),
    },
    "food": {
        "need_rate":                Value(1.0, "weekly shopping: about 1.6 grocery trips a week (FMI, U.S. Grocery Shopper Trends)"),
        "factory_marginal_cost":    Value(0.72, "US supermarkets: gross margins about 25-30% (FMI); assumption 28%"),
        "factory_fixed_cost_share": Value(0.9, "net margins about 1-3% (FMI) with gross margin 0.28: F/C0 about 0.9 if store costs are fixed (assumption)"),
        "vendor_unit_cost":         Value(0.8, "assumption: local food lists near the supermarket's price (about 0.98 with markup and fee)"),
        "factory_cash_reserve_weeks": Value(13.0, "assumption"),
    },
}
# fmt: on

SECTORS: tuple[str, ...] = tuple(PRESETS)


def overrides(sector: str) -> dict[str, Any]:
    """The preset's values for ``sector`` (no sources)."""
    return {name: v.value for name, v in PRESETS[sector].items()}
