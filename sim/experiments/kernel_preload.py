"""Imported once by the batch runner's forkserver (``set_forkserver_preload``): a tiny market
runs a few weeks so that every compiled kernel is loaded from numba's cache (or compiled,
on a first run) before any worker forks. Workers then start with the model ready, instead
of each loading the kernels again (about a quarter of a second per worker).

Should the tiny run fail, nothing is lost but the head start: the workers load the kernels
themselves, and the run that fails is reported as a failed run, with its message, where
the user sees it (an exception here would stop the forkserver with a less helpful one).
"""

from __future__ import annotations

from sim.model.market import TrustMarket

try:
    TrustMarket(n_consumers=60, rng=0).run_for(3)
except Exception:  # noqa: BLE001 (see above)
    pass
