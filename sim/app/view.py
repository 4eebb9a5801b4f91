"""The model the app shows: TrustMarket with the tie graph, its layout and the dashboard."""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.app.dashboard import Dashboard
from sim.app.layout import inner_circles
from sim.app.params import APP_CONSUMERS, APP_SEED, parse_seed
from sim.model.market import TrustMarket
from sim.model.parameters import ParameterError, resolve
from sim.model.rules.network import to_networkx


class MarketView(TrustMarket):
    """TrustMarket built from an integer seed, with the tie graph and a fixed layout to draw.

    The layout shows the inner circles (:func:`sim.app.layout.inner_circles`: communities of
    the strong layer, laid out by a spring layout of the strong ties, seeded with the model's
    seed), computed once, when the model is built; it draws nothing from the model's
    generator. The model's generator is ``numpy.random.default_rng(seed)``, as in
    :func:`sim.model.simulate.simulate` and the fork experiment, so the app shows the run that
    the studies and the point of no return measure with that seed. A seed that is not an
    integer >= 0 is replaced by APP_SEED, and ``seed_note`` says so; sliders set to values that
    break a rule between parameters (say a marginal cost above the price) give way to the
    defaults, and ``seed_note`` says which rule.
    """

    def __init__(self, seed: int | str = APP_SEED, scenario: Any = None, **params: Any) -> None:
        # Mesa's Reset also passes ``scenario``, an empty mesa Scenario: the app's
        # parameters all come as keywords, so it is not used.
        self.seed, self.seed_note = parse_seed(seed)
        try:
            resolve(params)
        except ParameterError as error:
            note = (f"These settings cannot run together ({error}), so this run starts from "
                    f"the app's defaults ({APP_CONSUMERS} consumers, every other parameter "
                    "at its declared default); change the sliders and press Reset.")
            self.seed_note = f"{self.seed_note} {note}" if self.seed_note else note
            params = {"n_consumers": APP_CONSUMERS}
        super().__init__(rng=np.random.default_rng(self.seed), **params)
        graph = to_networkx(self.ties)
        self.layout, self.circle = inner_circles(graph, self.seed)
        ends = {kind: np.array([(u, v) for u, v, s in graph.edges(data="strong") if s == kind],
                               dtype=int).reshape(-1, 2) for kind in (True, False)}
        # strong ties within a cluster first, then those between clusters (drawn fainter)
        far = self.circle[ends[True][:, 0]] != self.circle[ends[True][:, 1]]
        ends[True] = ends[True][np.argsort(far, kind="stable")]
        self.strong_far = np.sort(far)
        self.tie_segments = {kind: self.layout[pairs] for kind, pairs in ends.items()}
        self.no_return: dict[str, dict[str, Any] | None] = {}  # by intervention, measured
        self.dashboard = Dashboard(self)
