"""The one helper of each kind that studies and outputs share: the series trimmer, the
Wilson interval, the JSON cleaner, the report writer, the percent format and the figure
writer."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.experiments import results
from sim.model.proportions import wilson
from sim.model.series import every_kth_week
from sim.outputs.figures.common import FORMATS
from sim.outputs.figures.writer import provenance, write_figure
from sim.outputs.words import OPEN, percent


def test_every_kth_week_keeps_multiples_and_the_last_week_of_every_row():
    series = pd.DataFrame({"step": np.arange(1, 12), "x": np.arange(11) * 1.5})
    assert every_kth_week(series, 4)["step"].tolist() == [4, 8, 11]
    assert every_kth_week(series, 1)["step"].tolist() == list(range(1, 12))
    assert every_kth_week(series.iloc[:8], 4)["step"].tolist() == [4, 8]
    sectors = pd.DataFrame({"step": np.repeat(np.arange(1, 6), 2), "sector": ["a", "b"] * 5})
    kept = every_kth_week(sectors, 2)
    assert kept["step"].tolist() == [2, 2, 4, 4, 5, 5]
    assert kept["sector"].tolist() == ["a", "b"] * 3


def test_wilson_matches_the_score_formula_and_is_open_without_trials():
    k, n, z = 7, 20, 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low, high = wilson(k, n)
    assert (round(low, 12), round(high, 12)) == (round(centre - half, 12),
                                                 round(centre + half, 12))
    assert wilson(0, 0) == (None, None)
    assert wilson(np.int64(3), np.int64(3))[1] == 1.0


def test_json_ready_turns_numpy_and_non_finite_numbers_into_json():
    value = {"a": np.float64(0.25), "b": [np.int64(3), math.nan, (math.inf, 1)],
             "c": {"d": np.bool_(True)}}
    assert results.json_ready(value) == {"a": 0.25, "b": [3, None, [None, 1]],
                                         "c": {"d": True}}
    assert type(results.json_ready(np.int64(3))) is int
    assert json.loads(json.dumps(results.json_ready(value), allow_nan=False))["b"][1] is None


def test_write_report_writes_the_text_whole(tmp_path):
    path = results.write_report(tmp_path / "study", "# Report\n")
    assert path == tmp_path / "study" / "report.md"
    assert path.read_text(encoding="utf-8") == "# Report\n"
    assert results.write_report(tmp_path, "x", "validation.md").name == "validation.md"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study", "validation.md"]


def test_percent_has_one_word_for_missing_and_open_values():
    assert percent(0.1234) == "12.3%"
    assert percent(0.2, 0) == "20%"
    assert percent(-0.05, 1, signed=True) == "-5.0%"
    assert percent(0.05, 2, signed=True) == "+5.00%"
    assert percent(None) == percent(math.nan) == percent(np.float64("nan")) == OPEN == "open"


def test_write_figure_writes_every_format_with_the_caption_and_provenance(tmp_path):
    figure = Figure()
    figure.subplots().plot([0, 1], [0, 1])
    source = provenance("demo", tmp_path, 3, "abc123")
    assert source.startswith(f"Data: scenario 'demo' ({tmp_path}), 3 runs, results made by "
                             "code version abc123; figure drawn by trust-tipping ")
    paths = write_figure(figure, tmp_path / "figures", "demo", "A title", "A caption.", source)
    assert [p.name for p in paths] == [f"demo.{f}" for f in FORMATS] + ["demo.txt"]
    assert (tmp_path / "figures" / "demo.txt").read_text(encoding="utf-8") == \
        f"A title. A caption.\n\n{source}\n"
    assert b"abc123" in (tmp_path / "figures" / "demo.svg").read_bytes()
    assert "1 run," in provenance("demo", tmp_path, 1, "")
    assert "code version unknown" in provenance("demo", tmp_path, None, "")
