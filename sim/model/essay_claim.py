"""The claim under test, declared once: essay 004 says an incumbent mass producer falls once
a trust platform takes 20% of its sector's gross (quoted in docs/sources.md, "The claim").
No Mesa here: every layer may import it."""

CLAIM_SHARE = 0.20  # the claimed critical platform share of the gross
