"""Network snapshots for the network figure: one small run, stored, never re-run by figures.

The sweep runner does not keep networks. A study (or a user) that wants the network
figure calls :func:`record_snapshots` once when it makes its result; ``sim.outputs.figures`` only
reads what it wrote::

    DIR/network/nodes.parquet   node, step, x, y, choice, committed  (one row per node and step)
    DIR/network/edges.parquet   u, v, strong                          (every tie once, u < v)
    DIR/network/snapshot.json   params, seed, steps, at_steps, platform share at each of
                                them, the run's outcomes, code_version

``choice`` is what the consumer did that week: "nothing", "factory" or "platform". The
layout is networkx's spring layout of the strong ties, seeded from the run seed.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from sim.experiments.provenance import code_version
from sim.experiments.results import write_json, write_parquet
from sim.experiments.scenarios import MAX_NODES
from sim.model.market import TrustMarket
from sim.model.rules.economics import FACTORY, NOTHING, PLATFORM
from sim.model.rules.network import to_networkx

LOG = logging.getLogger(__name__)

CHOICES = {NOTHING: "nothing", FACTORY: "factory", PLATFORM: "platform"}


def layout(graph: nx.Graph, seed: int) -> np.ndarray:
    """Node positions (n, 2) from a spring layout of the strong ties, seeded by ``seed``."""
    strong = nx.Graph()
    strong.add_nodes_from(graph)
    strong.add_edges_from((u, v) for u, v, is_strong in graph.edges(data="strong") if is_strong)
    pos = nx.spring_layout(strong, seed=seed % 2**32)
    return np.array([pos[node] for node in range(graph.number_of_nodes())])


def record_snapshots(params: dict[str, Any], seed: int, steps: int, at_steps: list[int],
                     out: Path | str) -> Path:
    """Run ``TrustMarket(**params)`` with ``seed`` for ``steps`` weeks (as ``simulate`` does)
    and store its ties and every consumer's choice at ``at_steps`` in ``out/network/``.

    Returns the folder written. At most ``MAX_NODES`` consumers: larger networks do not draw.
    """
    at = sorted(set(at_steps))
    if not at or at[0] < 1 or at[-1] > steps:
        raise ValueError(f"at_steps must be weeks in 1..{steps}, got {at_steps!r}")
    model = TrustMarket(rng=np.random.default_rng(seed), **params)
    n = model.p["n_consumers"]
    if n > MAX_NODES:
        raise ValueError(f"network snapshots need at most {MAX_NODES} consumers, got {n}")
    graph = to_networkx(model.ties)
    xy = layout(graph, seed)
    frames, shares = [], {}
    for step in range(1, steps + 1):
        model.step()
        if step in at:
            shares[step] = float(model.week["platform_share"])
            frames.append(pd.DataFrame({
                "node": np.arange(n), "step": step, "x": xy[:, 0], "y": xy[:, 1],
                "choice": [CHOICES[int(c)] for c in model.consumers.choice],
                "committed": model.consumers.committed.copy()}))
    edges = pd.DataFrame([(min(u, v), max(u, v), bool(strong))
                          for u, v, strong in graph.edges(data="strong")],
                         columns=["u", "v", "strong"])
    folder = Path(out) / "network"
    write_parquet(folder / "nodes.parquet", pd.concat(frames, ignore_index=True))
    write_parquet(folder / "edges.parquet", edges)
    write_json(folder / "snapshot.json", {
        "params": model.p, "seed": seed, "steps": steps, "at_steps": at,
        "platform_share": {str(k): v for k, v in shares.items()}, "outcomes": model.outcomes(),
        "code_version": code_version()})
    return folder


def record_for(scenario: Any, out: Path | str) -> Path | None:
    """Store the network snapshots a scenario's ``[snapshots]`` table asks for in
    ``out/network/``, unless the same are stored already; return the folder if written."""
    if scenario.snapshots is None:
        return None
    params = json.loads(json.dumps({**scenario.resolved(), **scenario.snapshots.params}))
    stored = Path(out) / "network" / "snapshot.json"
    if stored.is_file():
        old = json.loads(stored.read_text(encoding="utf-8"))
        if (old.get("params") == params and old.get("seed") == scenario.seed
                and old.get("steps") == scenario.steps
                and old.get("at_steps") == list(scenario.snapshots.at)):
            return None
    LOG.info(f"Network snapshots: one run of {params['n_consumers']} consumers, weeks "
        f"{', '.join(map(str, scenario.snapshots.at))} ...")
    return record_snapshots(params, scenario.seed, scenario.steps, list(scenario.snapshots.at),
                            out)
