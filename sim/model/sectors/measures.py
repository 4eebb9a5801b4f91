"""What the several-sector market reports: the single-sector measures per week and sector
(a tidy series with a ``sector`` column), and flat per-sector outcomes ``SECTOR__NAME``.

Importable without Mesa (the command line and the scenario loader name these).
"""

from __future__ import annotations

from sim.model.measures import MODEL_REPORTERS, OUTCOME_TYPES
from sim.model.sectors.presets import SECTORS

NETWORK_OUTCOMES = {k: v for k, v in OUTCOME_TYPES.items() if k.startswith("strong_")}
# Per sector, besides the single-sector outcomes: the week its lasting losses began (the
# week after its last week of non-negative operating profit before the fall), the platform's
# share of the sector's gross that week, how many other incumbents had fallen before it, and
# its place in the order of falls.
SECTOR_OUTCOMES = {**{k: v for k, v in OUTCOME_TYPES.items() if k not in NETWORK_OUTCOMES},
                   "loss_week": "int64", "share_at_loss": "float64",
                   "fallen_before": "int64", "fall_rank": "int64"}
OUTCOME_TYPES_SECTORS = {**NETWORK_OUTCOMES, "sectors_fallen": "int64",
                         **{f"{s}__{k}": v for s in SECTORS for k, v in SECTOR_OUTCOMES.items()}}
REPORTERS = tuple(MODEL_REPORTERS)
