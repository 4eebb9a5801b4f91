"""The model layer: the trust market (a Mesa model), its Mesa-free rules, its parameters.

``from sim.model import TrustMarket`` works as in Mesa's examples; Mesa itself is imported
only when the model class is first asked for, so that the command line starts fast.
"""

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "TrustMarket":
        from sim.model.market import TrustMarket

        return TrustMarket
    raise AttributeError(f"module 'sim.model' has no attribute {name!r}")
