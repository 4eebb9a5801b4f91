"""The verdict on the essay's claim, in its own terms (docs/sources.md, "Definitions").

- :mod:`.decision`: the three-valued decision rule and the intervals it reads;
- :mod:`.shape`: the isotonic check of the logistic shape;
- :mod:`.horizons`: the fall as a time to event (Kaplan-Meier), s* at several horizons;
- :mod:`.gross`: every answer as a share of the gross;
- :mod:`.arms`: the arms (no switching, price only, full) and their differences;
- :mod:`.study`: the study run through the batch runner (:func:`run_study`).

The fork experiment itself lives above the model: :mod:`sim.experiments.forks`.
"""
