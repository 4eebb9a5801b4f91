"""The market's weekly data collection: Mesa's DataCollector, collecting without its per-value
copies.

Mesa's ``DataCollector.collect`` deep-copies each reporter's value and checks each reporter's
kind, every week. The trust market's reporters (:data:`sim.model.measures.MODEL_REPORTERS`)
all return immutable scalars (Python or numpy ints and floats), so a copy is the value itself:
:class:`WeeklyCollector` appends each value to its column as it is. Everything else (the
columns in ``model_vars``, ``get_model_vars_dataframe``, the steps ``mesa.batch_run`` reads)
is Mesa's own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mesa


class WeeklyCollector(mesa.DataCollector):
    """A DataCollector of model reporters only, each a function of the model returning an
    immutable scalar, appended to its column without a copy."""

    def __init__(self, model_reporters: dict[str, Callable[[Any], Any]]) -> None:
        """``model_reporters``: column name -> function of the model."""
        super().__init__(model_reporters=model_reporters)
        self._columns = [(self.model_vars[name], reporter)
                         for name, reporter in model_reporters.items()]

    def collect(self, model: Any) -> None:
        """Append this week's value of each reporter to its column."""
        self._collection_steps.append(model.time)
        for column, reporter in self._columns:
            column.append(reporter(model))
