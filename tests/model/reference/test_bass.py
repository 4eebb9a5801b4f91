"""The Bass model: the adoption chance of one step by hand, the closed form's known values,
and a large population following it."""

import math

import numpy as np
import pytest

from sim.model.reference.bass import adoption_probability, closed_form, simulate


def test_adoption_probability_of_one_step():
    # hazard p + qF = 0.03 + 0.38 * 0.5 = 0.22 over dt = 0.5: 1 - e^-0.11
    assert adoption_probability(0.5, 0.03, 0.38, 0.5) == pytest.approx(1 - math.exp(-0.11))
    assert adoption_probability(0.0, 0.0, 0.38, 1.0) == 0.0


def test_closed_form_starts_at_zero_and_peaks_at_half_minus_p_over_2q():
    p, q = 0.03, 0.38
    peak = math.log(q / p) / (p + q)
    assert closed_form(0.0, p, q) == 0.0
    assert closed_form(peak, p, q) == pytest.approx(0.5 - p / (2 * q))


def test_a_large_population_follows_the_closed_form():
    series, outcomes = simulate({"n_agents": 50_000}, 750, 0)
    error = np.abs(series["adopted_share"] - closed_form(series["time"], 0.03, 0.38)).max()
    assert error < 0.015
    assert outcomes["peak_time"] == pytest.approx(math.log(0.38 / 0.03) / 0.41, abs=0.5)
