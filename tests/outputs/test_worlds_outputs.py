"""The worlds study's report and figures, drawn from a stored result alone."""

import pandas as pd
import pytest
from matplotlib.patches import Rectangle

from sim.experiments.results import json_ready, write_json, write_parquet
from sim.outputs import worlds as report
from sim.outputs.figures import Result
from sim.outputs.figures.worlds import (
    tipping_across_worlds,
    verdicts_across_worlds,
    where_the_claim_holds,
)
from sim.studies.worlds import study
from tests.studies.test_worlds import TRUTH, _synthetic


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A stored synthetic worlds result (the PRIM and sensitivity answers computed once)."""
    folder = tmp_path_factory.mktemp("worlds")
    table, plan = _synthetic()
    result = json_ready({"scenario": "synthetic", "table": study.TABLE, "worlds": len(table),
                          "plan": study.plan_json(plan), "n_runs": 6 * len(table),
                          "n_failed": 0, "seconds": 12.0, **study.answer(table, plan, 0)})
    write_parquet(folder / study.TABLE, table)
    write_json(folder / "worlds.json", result)
    return folder, result, table


def test_report_and_figures_show_the_stored_answers(stored):
    tmp_path, result, table = stored
    path = report.write(tmp_path, result, "A synthetic study.")
    text = path.read_text()
    supported = result["verdicts"]["supported"]
    assert f"| supported | {supported['worlds']} | {supported['share']:.0%} |" in text
    assert result["boxes"]["supported"][0]["sentence"] in text
    assert "Estimator: SALib `rbd_fast`" in text
    first = table.iloc[0]
    assert (f"| 0 | {first['tipping_share_gross']:.0%} | {first['ci_low']:.0%}-"
            f"{first['ci_high']:.0%} | {first['verdict']} |") in text
    names = {p.name for p in (tmp_path / "figures").iterdir()}
    assert {f"{n}.{ext}" for n in report.FIGURE_NAMES for ext in ("pdf", "svg", "png", "txt")
            } <= names


def test_the_box_figure_draws_the_first_box_and_the_verdict_bars_the_shares(stored):
    tmp_path, result, table = stored
    plot = where_the_claim_holds(Result(tmp_path))
    box = result["boxes"]["supported"][0]
    limits = {r["parameter"]: (r["low"], r["high"]) for r in box["restrictions"]}
    ax = plot.figure.axes[0]
    rectangle = next(p for p in ax.patches if isinstance(p, Rectangle))
    x_name = "factory_fixed_cost_share"
    assert set(limits) == set(TRUTH)
    assert rectangle.get_x() == limits[x_name][0]
    assert rectangle.get_x() + rectangle.get_width() == limits[x_name][1]
    assert plot.caption == box["sentence"]
    bars = verdicts_across_worlds(Result(tmp_path)).figure.axes[0].patches
    assert [round(b.get_width(), 9) for b in bars] == [
        round(result["verdicts"][v]["share"], 9) for v in ("supported", "excluded",
                                                            "inconclusive")]


def test_the_distribution_reaches_the_share_of_worlds_at_or_below_the_claim(stored):
    tmp_path, result, table = stored
    ax = tipping_across_worlds(Result(tmp_path)).figure.axes[0]
    x, y = ax.lines[0].get_data()
    at_claim = y[x <= 0.2].max()
    expected = (pd.to_numeric(table["tipping_share_gross"]) <= 0.2).mean()
    assert at_claim == expected == result["tipping_share_gross"]["at_most_claim"]
