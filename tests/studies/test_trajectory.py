"""Trajectory checks: a replicate mean against a closed form, and the peak of a rate."""

import numpy as np
import pandas as pd
import pytest

from sim.studies.trajectory import compare, mean_curve, peak_time


def test_mean_curve_averages_runs_at_each_step():
    series = pd.DataFrame({"run_id": ["a", "a", "b", "b"], "step": [1, 2, 1, 2],
                           "time": [0.5, 1.0, 0.5, 1.0], "share": [0.1, 0.4, 0.3, 0.6]})
    curve = mean_curve(series, "time", "share")
    assert curve["mean"].tolist() == pytest.approx([0.2, 0.5])
    assert curve["runs"].tolist() == [2, 2]
    assert curve["sem"].tolist() == pytest.approx([0.1, 0.1])


def test_compare_reports_the_largest_gap_and_where():
    curve = pd.DataFrame({"time": [1.0, 2.0, 3.0], "mean": [1.0, 2.5, 2.9]})
    assert compare(curve, lambda t: t) == {"max_abs_error": pytest.approx(0.5),
                                           "at_time": 2.0, "steps": 3}


def test_peak_time_of_a_logistic_curve_is_its_midpoint():
    t = np.arange(1, 2001) * 0.01
    share = 1 / (1 + np.exp(-(t - 7.3)))
    noisy = share + np.random.default_rng(0).normal(0, 2e-4, t.size)
    assert peak_time(t, share) == pytest.approx(7.3, abs=0.01)
    assert peak_time(t, noisy) == pytest.approx(7.3, abs=0.1)
