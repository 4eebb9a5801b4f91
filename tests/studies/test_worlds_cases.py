"""The worlds study end to end on tiny worlds: the known answer of the pure-accounting limit
(each world's tipping share at its break-even, its verdict from its distance to 20%), and the
cases where part of the answer cannot exist (one varying parameter, no supported world,
every world platform-dominant): each finishes with its report and figures, and says why a
figure is missing."""

import json

import pandas as pd
import pytest

from sim.experiments import scenarios
from sim.model.registry import resolve_params
from sim.outputs import worlds as report
from sim.studies.worlds import study
from tests.studies.test_verdict import ACCOUNTING, derived_gross_share

RAMP = 0.01  # committed share added every 2 weeks in the fork runs


def _scenario(tmp_path, params: dict, worlds: str, forks: str, steps: int, seed: int = 5):
    lines = ['name = "tiny"', f"steps = {steps}", f"seed = {seed}", "[params]",
             *[f"{k} = {json.dumps(v)}" for k, v in params.items()], "[worlds]", worlds,
             "[forks]", forks, "[output]", "every = 2"]
    path = tmp_path / "tiny.toml"
    path.write_text("\n".join(lines))
    return scenarios.load(path)


def _finish(scenario, out):
    result = study.run_study(scenario, out, workers=1, progress=False)
    text = report.write(out, result, "").read_text()
    drawn = {p.stem for p in (out / "figures").glob("*.png")}
    return result, pd.read_parquet(out / study.TABLE), text, drawn


@pytest.mark.slow
def test_accounting_worlds_tip_at_their_break_even_and_the_verdict_follows_its_distance(
        tmp_path):
    # fixed price, no reserve, no switching: the factory falls the week it has lost
    # 1 - F/C0 of its volume, so each world's tipping share of the gross is that break-even
    # in gross terms (a little lower: vendors list below the factory's price)
    params = {**ACCOUNTING, "n_consumers": 100}
    scenario = _scenario(tmp_path, params, "n = 4\nvary = ['factory_fixed_cost_share']\n"
                         "regime_runs = 2\nwindow = 20",
                         f"every = 2\ncopies = 1\nruns = 6\nramp = {RAMP}\n"
                         "committed_share = 0.12", steps=70)
    result, table, text, drawn = _finish(scenario, tmp_path / "out")
    assert list(table["regime"]) == ["threshold"] * 4
    verdicts = []
    for _, world in table.iterrows():
        resolved = resolve_params("trust_market", {**params, "factory_fixed_cost_share":
                                                   world["factory_fixed_cost_share"]})
        break_even = 1 - world["factory_fixed_cost_share"]
        expected = derived_gross_share(break_even, resolved)
        assert expected < break_even
        step = derived_gross_share(break_even + RAMP, resolved) - expected
        assert world["ci_low"] <= expected + 1e-3 and expected - 1e-3 <= world["ci_high"]
        assert world["ci_high"] - world["ci_low"] <= step + 0.01
        assert abs(world["tipping_share_gross"] - expected) <= step + 1e-3
        if abs(expected - 0.20) < 0.05 - step - 0.005:
            verdicts.append(("supported", world["verdict"]))
        elif abs(expected - 0.20) > 0.05 + step + 0.005:
            verdicts.append(("excluded", world["verdict"]))
    assert {want for want, _ in verdicts} == {"supported", "excluded"}
    assert all(want == got for want, got in verdicts)
    assert result["regimes"]["threshold"]["worlds"] == 4
    assert sum(v["worlds"] for v in result["verdicts"].values()) == 4
    # one varying parameter: the study finishes; the two-parameter figure says why it is not
    assert "worlds_boxes" not in drawn and {"worlds_regimes", "worlds_tipping",
                                            "worlds_verdicts"} <= drawn
    assert ("Figure `worlds_boxes` not drawn: one varying parameter: there is no plane to "
            "draw the worlds on.") in text


def test_no_supported_world_finishes_with_the_boxes_skipped_and_the_reason(tmp_path):
    params = {**ACCOUNTING, "n_consumers": 100, "factory_fixed_cost_share": 0.6}
    scenario = _scenario(tmp_path, params, "n = 3\nvary = ['platform_fee', 'habit']\n"
                         "regime_runs = 1\nwindow = 10",
                         "every = 2\ncopies = 1\nruns = 2\nramp = 0.02\ncommitted_share = 0.3",
                         steps=30)
    result, table, text, drawn = _finish(scenario, tmp_path / "out")
    assert list(table["regime"]) == ["threshold"] * 3
    assert set(table["verdict"]) == {"inconclusive"}  # 2 runs: too few for a 95% interval
    assert result["verdicts"]["supported"]["worlds"] == 0
    assert result["boxes"]["supported"] == {
        "boxes": [], "worlds": 0, "note": "no world where 20% is supported: nothing to bound"}
    assert result["boxes"]["threshold"]["note"] == ("every world is a threshold world: nothing "
                                                   "to bound")
    assert "- none: no world where 20% is supported: nothing to bound." in text
    assert {"worlds_regimes", "worlds_tipping", "worlds_verdicts", "worlds_boxes"} <= drawn
    assert "worlds_sensitivity" not in drawn
    assert "Figure `worlds_sensitivity` not drawn: no sensitivity indices" in text


def test_every_world_platform_dominant_finishes_with_the_regimes_and_no_verdict(tmp_path):
    params = {"n_consumers": 60, "factory_fixed_cost_share": 0.99,
              "factory_cash_reserve_weeks": 0.0}
    scenario = _scenario(tmp_path, params, "n = 3\nvary = ['habit', 'platform_fee']\n"
                         "regime_runs = 1\nwindow = 10", "runs = 2", steps=20)
    result, table, text, drawn = _finish(scenario, tmp_path / "out")
    assert list(table["regime"]) == ["platform-dominant"] * 3
    assert (table["natural_fall_week"] <= 20).all()
    assert table["tipping_share_gross"].isna().all() and table["fork_runs"].eq(0).all()
    assert list(table["verdict"]) == ["platform-dominant"] * 3
    assert result["n_runs"] == 6  # no fork runs where there is no threshold
    assert result["regimes"]["platform-dominant"]["worlds"] == 3
    assert result["regimes"]["platform-dominant"]["ci_low"] == pytest.approx(0.4385, abs=1e-4)
    assert sum(v["worlds"] for v in result["verdicts"].values()) == 0
    assert report.paragraph(result).startswith(
        "Across 3 worlds drawn over the plausible ranges of 2 parameters, the incumbent falls "
        "on the natural course, with no push (platform-dominant) in 100% (3 worlds; 95% "
        "interval 44%-100%)")
    assert "No world is a threshold world" in text
    assert drawn == {"worlds_regimes", "worlds_boxes"}
    assert ("Figure `worlds_tipping` not drawn: no threshold world, so no tipping share to "
            "show.") in text
    assert ("Figure `worlds_verdicts` not drawn: no threshold world, so no verdict on the "
            "claim to show.") in text
