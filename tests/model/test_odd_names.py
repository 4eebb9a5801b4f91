"""docs/ODD.md names, under each submodel, functions that exist."""

import importlib
import re
from pathlib import Path

from sim.model.agents import Factory, Platform
from sim.model.market import TrustMarket
from sim.model.rules.network import Ties

ODD = Path(__file__).resolve().parents[2] / "docs" / "ODD.md"
OWNERS = {"TrustMarket": TrustMarket, "Ties": Ties, "Factory": Factory, "Platform": Platform,
          "vendors": importlib.import_module("sim.model.vendors")}


def _owner(name: str) -> object:
    return OWNERS.get(name) or importlib.import_module(f"sim.model.rules.{name}")


def test_every_submodel_names_the_functions_that_run_it_and_they_exist():
    text = ODD.read_text()
    sections = re.split(r"\n### ", text.split("## 7. Submodels")[1].split("\n## ")[0])[1:]
    runs = {s.split()[0]: s.split("*Runs in*")[1].split("\n\n")[0] for s in sections
            if "*Runs in*" in s}
    assert set(runs) == {f"M{k}" for k in (1, 2, 3, 4, 5, 6, 7, 8, 9, 12)}
    named = [(m, *ref.split(".")) for m, line in runs.items()
             for ref in re.findall(r"`(\w+\.\w+)`", line) if not ref.endswith(".py")]
    assert len(named) >= 30
    missing = [f"{m}: {owner}.{name}" for m, owner, name in named
               if not callable(getattr(_owner(owner), name, None))]
    assert missing == []
