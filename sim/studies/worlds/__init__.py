"""Where does 20% hold? The verdict on the essay's claim across plausible worlds.

A world is one draw of every uncertain parameter over its plausible range (declared beside
the parameter in :mod:`sim.model.parameters`). In each world the tipping share of the gross
is measured by the fork experiment (:mod:`sim.studies.worlds.measure`) and given the
three-valued verdict; across worlds the study reports the distribution of the tipping
share, the share of worlds per verdict, the global sensitivity of the tipping share and
the PRIM boxes that say where the claim holds (:mod:`sim.studies.worlds.study`).
"""
