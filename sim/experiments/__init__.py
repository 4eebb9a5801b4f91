"""Experiments: scenarios, the batch runner, storage, and the fork experiment.

Importing this package registers the fork experiment's runs (``MODEL_forks`` for every
forkable model), so that scenarios, the runner and its workers all know them.
"""

from sim.experiments import forks as _forks  # noqa: F401  (registers MODEL_forks)
