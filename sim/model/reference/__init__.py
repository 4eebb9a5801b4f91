"""Reference models with published tipping points, run through the same machinery as the
trust market to check the instrument (``python run.py validate``, ``docs/validation.md``).

One module each: :mod:`.naming_game` (Centola et al. 2018), :mod:`.binary_agreement`
(Xie et al. 2011), :mod:`.watts_threshold` (Watts 2002), :mod:`.bass` (Bass 1969) and
:mod:`.granovetter` (Granovetter 1978). Each is a Mesa model with keyword parameters and
``rng``, whose state lives in numpy arrays, and a ``simulate(params, steps, seed, every)``
as :mod:`sim.model.simulate`. Their parameters are declared in :mod:`.declarations`.
"""
