"""The sectors page's preset table, and the cascade study's answer, report and figure drawn
from a stored result alone."""

import numpy as np

from sim.outputs import cascade as output
from sim.outputs import sectors_doc


def test_sectors_page_preset_table_matches_the_presets():
    text = sectors_doc.PAGE.read_text(encoding="utf-8")
    assert sectors_doc.render(text) == text, "run `python -m sim.outputs.sectors_doc`"


def _arm(estimate, low, high, fell, week):
    return {"estimate": estimate, "ci_low": low, "ci_high": high, "runs": 6, "reached": 6,
            "values": [estimate] * 6, "other_fell": fell, "other_last_fall_week": week}


RESULT = {"scenario": "test", "fork_sector": "food", "other": "news", "other_push": 0.5,
          "steps": 520, "n_consumers": 2000, "bootstrap": 200, "n_runs": 24, "seconds": 10.0,
          "forks": {"every": 4, "copies": 4, "runs": 6, "ramp": 0.006, "committed_share": 0.0},
          "by_spillover": [
              {"spillover": 0.0, "standing": _arm(0.3, 0.25, 0.35, 0, None),
               "fallen": _arm(0.3, 0.25, 0.35, 6, 1),
               "difference": {"estimate": 0.0, "ci_low": 0.0, "ci_high": 0.0}},
              {"spillover": 1.0, "standing": _arm(0.3, 0.25, 0.35, 0, None),
               "fallen": _arm(0.2, None, 0.24, 6, 2),
               "difference": {"estimate": -0.1, "ci_low": -0.12, "ci_high": -0.05}}]}


def test_the_answer_reads_each_spillover_with_both_arms_and_the_difference():
    lines = output.answer(RESULT)
    assert lines == [
        "- spillover 0: food's tipping share 30.0% with news's incumbent fallen (6 of 6 runs, "
        "by week 1) against 30.0% with it standing (0 fell): a difference of +0.0% (95% "
        "interval +0.0% to +0.0%).",
        "- spillover 1: food's tipping share 20.0% with news's incumbent fallen (6 of 6 runs, "
        "by week 2) against 30.0% with it standing (0 fell): a difference of -10.0% (95% "
        "interval -12.0% to -5.0%)."]
    text = output.report(RESULT, "A test.")
    assert text.startswith("# Cascade study: test\n\nA test.\n")
    assert "50% of news's buyers committed to the platform in both arms" in text
    assert lines[1] in text


def test_the_figure_draws_both_arms_and_the_difference_with_open_ends_at_the_edges():
    left, right = output.figure(RESULT).axes
    intervals = [line.get_ydata() for line in left.lines if len(line.get_ydata()) == 2]
    assert [list(np.round(y, 3)) for y in intervals] == [[0.25, 0.35], [0.25, 0.35],
                                                        [0.25, 0.35], [0.0, 0.24]]
    points = [line.get_ydata()[0] for line in right.lines if line.get_marker() == "o"]
    assert points == [0.0, -0.1]


def test_a_spillover_where_the_fall_is_inevitable_from_the_start_is_said_not_to_test_it():
    arm = {"estimate": 0.004, "ci_low": None, "ci_high": 0.005, "runs": 6, "reached": 6,
           "values": [0.004] * 6, "other_fell": 0, "other_last_fall_week": None}
    row = {"spillover": 0.5, "standing": {**arm, "past_at_first": 6},
           "fallen": {**arm, "past_at_first": 5, "other_fell": 6, "other_last_fall_week": 1},
           "difference": {"estimate": 0.0, "ci_low": 0.0, "ci_high": 0.0}}
    (line,) = output.answer({**RESULT, "by_spillover": [row]})
    assert line.endswith(
        "In both arms the first checkpoint was already past (6 and 5 of 6 runs): food's fall "
        "was inevitable from the start, so there is no threshold here for the other fall to "
        "lower, and this spillover does not test the cascade.")
    row["fallen"]["past_at_first"] = 2  # a threshold in one arm: the comparison stands
    (line,) = output.answer({**RESULT, "by_spillover": [row]})
    assert line.endswith("(95% interval +0.0% to +0.0%).")
