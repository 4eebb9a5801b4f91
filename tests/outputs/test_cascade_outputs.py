"""The sectors page's preset table, and the cascade study's report and figure."""

import numpy as np
import pandas as pd

from sim.outputs import cascade as output
from sim.outputs import sectors_doc
from sim.studies.cascade import summarize


def test_sectors_page_preset_table_matches_the_presets():
    text = sectors_doc.PAGE.read_text(encoding="utf-8")
    assert sectors_doc.render(text) == text, "run `python -m sim.outputs.sectors_doc`"


def _runs() -> pd.DataFrame:
    rows = []
    for spill, food_share in ((0.0, None), (1.0, 0.1)):
        for r in range(3):
            rows.append({"spillover": spill, "sector": "news", "fell": True,
                         "tipping_share": 0.3 + 0.01 * r, "fallen_before": 0,
                         "share_at_loss": 0.27, "share_max": 1.0, "forks_run": 3})
            rows.append({"spillover": spill, "sector": "food", "fell": food_share is not None,
                         "tipping_share": food_share, "fallen_before": 1 if food_share else None,
                         "share_at_loss": 0.3 if food_share else None, "share_max": 0.05,
                         "forks_run": 3})
    runs = pd.DataFrame(rows)
    runs["fallen_before"] = runs["fallen_before"].astype("Int64")
    runs["tipping_share"] = runs["tipping_share"].astype(float)
    return runs


def test_figure_draws_one_colour_per_sector_and_a_point_per_group():
    summary = summarize(_runs(), 0, 200)
    fig = output.figure(summary, "test")
    left, right = fig.axes[:2]

    def title(ax) -> str:
        return "".join(ax.get_title(loc) for loc in ("left", "center", "right"))

    assert [title(a) for a in (left, right)] == ["spillover 0", "spillover 1"]
    points = {title(ax): sorted((tuple(np.round(line.get_xydata()[0], 2)),
                                      line.get_color())
                                     for line in ax.lines if line.get_marker() == "o")
              for ax in (left, right)}
    assert points["spillover 0"] == [((-0.06, 0.31), output.COLOURS["news"])]
    assert points["spillover 1"] == [((-0.06, 0.31), output.COLOURS["news"]),
                                     ((1.06, 0.1), output.COLOURS["food"])]


def test_report_says_where_a_sector_never_fell_and_tables_every_group():
    runs = _runs()
    meta = {"name": "t", "description": "d", "n_runs": 6, "replicates": 3, "steps": 52,
            "n_consumers": 100, "sectors": "news,food", "interval": 13, "forks": 1,
            "seconds": 12.0, "workers": 1, "seed": 0, "bootstrap": 200}
    text = output.report(runs, summarize(runs, 0, 200), meta)
    assert ("- food, spillover 1: tipping share 10.0% (3 falls); at spillover 0 no fall in 3 "
            "runs (its tipping share there lies above the largest platform share reached, "
            "5.0%).") in text
    assert "- news, spillover 1: tipping share 31.0% against 31.0% at spillover 0: a change " \
           "of +0.0%" in text
    assert "| 1 | food | 1 | 3 | 3 | 10.0% | 10.0% to 10.0% |" in text
    assert ("- spillover 1: 3 of 6 points of no return came before any other incumbent had "
            "fallen.") in text
    assert "| 0 | food | any | 3 | 0 | open | open to open |" in text
