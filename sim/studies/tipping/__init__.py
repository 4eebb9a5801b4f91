"""The tipping estimator: where does the chance of an outcome cross one half (or another target)?

- :mod:`.fit`: the Firth-penalized logistic dose-response fit (:class:`Fit`,
  :func:`fit_dose_response`, :func:`wald_band`); numpy/scipy only;
- :mod:`.design`: the adaptive design (:class:`Design`, :class:`Trial`,
  :func:`adaptive_design`), model-free;
- :mod:`.study`: a scenario's ``[tipping]`` table (declared in :data:`SETTINGS`; :func:`plan_from`)
  run through the batch runner (:func:`run_study`), written to ``tipping.json``.
"""

from typing import Any

from sim.studies.tipping.design import Design, Trial, adaptive_design
from sim.studies.tipping.fit import Fit, fit_dose_response, wald_band

STUDY = ("SETTINGS", "TippingPlan", "run_study", "plan_from", "study_manifest", "summarize")


def __getattr__(name: str) -> Any:
    """The study's names, imported on first use: the fit and the design alone (as the
    figures use them) do not pull in the batch runner."""
    if name in STUDY:
        from sim.studies.tipping import study

        return getattr(study, name)
    raise AttributeError(f"module 'sim.studies.tipping' has no attribute {name!r}")

__all__ = ["SETTINGS", "Design", "Fit", "TippingPlan", "Trial", "adaptive_design",
           "fit_dose_response", "run_study", "plan_from", "study_manifest", "summarize",
           "wald_band"]
