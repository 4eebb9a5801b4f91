"""The worlds study's report and figures, drawn from a stored result alone."""

import pandas as pd
import pytest
from matplotlib.patches import Rectangle

from sim.experiments.results import json_ready, write_json, write_parquet
from sim.outputs import worlds as report
from sim.outputs.figures import Result
from sim.outputs.figures.worlds import (
    regimes_across_worlds,
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
                          "horizon": 520, "plan": study.plan_json(plan),
                          "n_runs": 6 * len(table), "seconds": 12.0,
                          **study.answer(table, plan, 0)})
    write_parquet(folder / study.TABLE, table)
    write_json(folder / "worlds.json", result)
    return folder, result, table


def test_report_and_figures_show_the_stored_answers(stored):
    tmp_path, result, table = stored
    path = report.write(tmp_path, result, "A synthetic study.")
    text = path.read_text()
    supported = result["verdicts"]["supported"]
    assert f"| supported | {supported['worlds']} | {supported['share']:.0%} |" in text
    dominant = result["regimes"]["platform-dominant"]
    assert f"| platform-dominant | {dominant['worlds']} | {dominant['share']:.0%} |" in text
    assert result["boxes"]["supported"]["boxes"][0]["sentence"] in text
    assert result["boxes"]["threshold"]["boxes"][0]["sentence"] in text
    assert "SALib `rbd_fast` on" in text and "not drawn" not in text
    first = table[table["regime"] == "threshold"].iloc[0]
    assert (f"| {first['world']} | threshold | {first['tipping_share_gross']:.0%} | "
            f"{first['ci_low']:.0%}-{first['ci_high']:.0%} | {first['verdict']} |") in text
    names = {p.name for p in (tmp_path / "figures").iterdir()}
    assert {f"{n}.{ext}" for n in report.FIGURE_NAMES for ext in ("pdf", "svg", "png", "txt")
            } <= names


def test_the_box_figure_draws_the_first_box_and_the_verdict_bars_the_shares(stored):
    tmp_path, result, table = stored
    plot = where_the_claim_holds(Result(tmp_path))
    box = result["boxes"]["supported"]["boxes"][0]
    limits = {r["parameter"]: (r["low"], r["high"]) for r in box["restrictions"]}
    ax = plot.figure.axes[0]
    rectangle = next(p for p in ax.patches if isinstance(p, Rectangle))
    x_name = "factory_fixed_cost_share"
    assert set(limits) == set(TRUTH)
    assert rectangle.get_x() == limits[x_name][0]
    assert rectangle.get_x() + rectangle.get_width() == limits[x_name][1]
    assert plot.caption == box["sentence"]
    present = set(table["verdict"].where(table["regime"] == "threshold", table["regime"]))
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert set(labels) == present and "incumbent-stable" not in labels  # none in the table
    bars = verdicts_across_worlds(Result(tmp_path)).figure.axes[0].patches
    assert [round(b.get_width(), 9) for b in bars] == [
        round(result["verdicts"][v]["share"], 9) for v in ("supported", "excluded",
                                                            "inconclusive")]
    bars = regimes_across_worlds(Result(tmp_path)).figure.axes[0].patches
    assert [round(b.get_width(), 9) for b in bars] == [
        round(result["regimes"][v]["share"], 9) for v in ("platform-dominant", "threshold",
                                                           "incumbent-stable")]


def test_the_distribution_reaches_the_share_of_threshold_worlds_at_or_below_the_claim(stored):
    tmp_path, result, table = stored
    ax = tipping_across_worlds(Result(tmp_path)).figure.axes[0]
    x, y = ax.lines[0].get_data()
    at_claim = y[x <= 0.2].max()
    threshold = table[table["regime"] == "threshold"]
    expected = (pd.to_numeric(threshold["tipping_share_gross"]) <= 0.2).mean()
    assert at_claim == expected == result["tipping_share_gross"]["at_most_claim"]


def test_the_answer_names_only_the_parameters_whose_interval_clears_zero():
    indices = {"a": {"S1": 0.6, "S1_conf": 0.1}, "b": {"S1": 0.3, "S1_conf": 0.4},
               "c": {"S1": 0.05, "S1_conf": 0.02}}
    s = {"estimator": "rbd_fast", "worlds": 40, "ranking": ["a", "b", "c"], "indices": indices}
    assert report._moves(s, 3) == ("The tipping share moves most with `a` (S1 0.60 ± 0.10) "
                                   "and `c` (S1 0.05 ± 0.02) (rbd_fast, on 40 worlds over 3 "
                                   "parameters).")
    noisy = {**s, "ranking": ["b"], "indices": {"b": indices["b"]}}
    assert report._moves(noisy, 53) == (
        "No parameter's first-order index on the tipping share is separated from zero "
        "(rbd_fast, on 40 worlds over 53 parameters; the largest, `b` (S1 0.30 ± 0.40)): "
        "these worlds are too few to say which parameters move it.")


def test_the_rank_screen_sentence_names_what_clears_or_the_strongest():
    rows = [{"parameter": "a", "rho": 0.41, "p": 1e-6, "q": 5e-5},
            {"parameter": "b", "rho": -0.2, "p": 0.02, "q": 0.4}]
    screen = {"worlds": 128, "alpha": 0.05, "parameters": rows, "clear": ["a"]}
    assert report._screened(screen, "X") == (
        "Ranked against X, `a` (rho +0.41, q 5e-05) stands out (Spearman over 128 worlds, "
        "Benjamini-Hochberg q below 0.05).")
    assert report._screened({**screen, "clear": [], "parameters": rows[1:]}, "X") == (
        "No parameter's rank correlation with X clears the false-discovery bound (Spearman "
        "over 128 worlds, Benjamini-Hochberg q below 0.05); the strongest is `b` (rho -0.20, "
        "q 0.4).")
