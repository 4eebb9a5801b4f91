"""Validation: published tipping points reproduced through the same machinery.

:mod:`.checks` lists the checks (the reference models of :mod:`sim.model.reference` and the
trust market's pure-accounting limit), each with its scenario files under
``scenarios/validation/``, what the paper says and how a measurement is judged;
:mod:`.runner` runs their scenarios through the ordinary batch runner, storage and tipping
estimator and writes the table (``validation.json``, ``validation.md``). ``python run.py
validate`` drives it; ``docs/validation.md`` says what each check implements.
"""
