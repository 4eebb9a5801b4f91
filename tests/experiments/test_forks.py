"""The fork experiment (sim.experiments.forks): its control, its interventions, its seeds,
its stopping rule, and the known answer it must find."""

import copy
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from sim.experiments import forks
from sim.model.registry import MODELS, build_market, forkable, resolve_params

ROOT = Path(__file__).resolve().parents[2]
SMALL = {"n_consumers": 300, "factory_cash_reserve_weeks": 4.0, "committed_share": 0.05}


def test_the_trust_market_reversible_thresholds_and_sector_market_can_be_forked():
    assert set(forkable()) == {"trust_market", "granovetter_reversible", "sector_market"}
    assert {"trust_market_forks", "granovetter_reversible_forks", "sector_market_forks"} <= set(
        MODELS)
    params = resolve_params("trust_market_forks", {"fork_intervention": "hold"})
    assert params["fork_intervention"] == "hold" and params["fork_copies"] == 8
    with pytest.raises(Exception, match="did you mean 'fork_copies'"):
        resolve_params("trust_market_forks", {"fork_copy": 3})
    with pytest.raises(Exception, match='one of "release", "hold", "stall", "none"'):
        resolve_params("trust_market_forks", {"fork_intervention": "freeze"})


def test_a_none_copy_with_the_runs_own_random_stream_goes_on_exactly_as_the_run():
    # the control, exactly: a copy that keeps the run's random stream and takes the same
    # ramp steps is the run; so the none copies differ from the run by their seeds alone
    params = resolve_params("trust_market", SMALL)
    course = forks.Course(horizon=200, every=8, ramp=0.02)
    original = build_market("trust_market", params, 3)
    run = forks.run_pushed(original, course)
    assert run.fall_step is not None
    twin = build_market("trust_market", params, 3)
    while twin.steps < 16:
        twin.step()
        if course.checkpoint(twin.steps) and twin.steps < 16:
            twin.push(twin.pushed + course.ramp)
    assert twin.tracked_share == run.shares[15]
    forks.go_on(copy.deepcopy(twin), course, "none")
    clone = copy.deepcopy(twin)
    forks.go_on(clone, course, "none")
    assert clone.factory.fall_step == run.fall_step


def test_none_copies_reproduce_the_distribution_of_the_runs_outcomes():
    # each run and one none copy of it made at week 16 (fresh random streams) are two draws
    # of the same continuation: fall rates and fall weeks agree
    params = resolve_params("trust_market", {**SMALL, "factory_cash_reserve_weeks": 26.0,
                                             "committed_share": 0.0})
    course = forks.Course(horizon=160, every=16, ramp=0.005)
    original_weeks, copy_weeks = [], []
    for seed in range(24):
        run = forks.run_pushed(build_market("trust_market", params, seed), course)
        twin = run.snapshot(0).fork(forks.fork_seed(seed, 16, 0))
        forks.go_on(twin, course, "none")
        original_weeks.append(run.fall_step or np.inf)
        copy_weeks.append(twin.factory.fall_step or np.inf)
    original, copied = np.array(original_weeks, float), np.array(copy_weeks, float)
    fell_o, fell_c = np.isfinite(original).sum(), np.isfinite(copied).sum()
    assert 5 <= fell_o <= 19  # the outcome is uncertain at week 16, so the test can tell
    assert stats.fisher_exact([[fell_o, 24 - fell_o], [fell_c, 24 - fell_c]])[1] > 0.2
    assert stats.ks_2samp(np.minimum(original, 999), np.minimum(copied, 999)).pvalue > 0.2


def test_release_and_stall_and_hold_change_only_what_they_name():
    params = resolve_params("trust_market", {**SMALL, "committed_share": 0.2})
    market = build_market("trust_market", params, 5)
    for _ in range(10):
        market.step()
    released = market.fork(1)
    released.release()
    assert released.pushed == 0.0 and not released.consumers.committed.any()
    assert (released.consumers.ever_used == market.consumers.ever_used).all()
    assert (released.consumers.fav == market.consumers.fav).all()
    stalled = market.fork(1)
    stalled.stall()
    assert stalled.pushed == market.pushed and not stalled.p["platform_open_to_new"]
    state = market.state()
    assert state["committed"] == pytest.approx(0.2, abs=0.005)
    assert set(state) == {"share_gross", "ever_used", "committed", "factory_profit",
                          "factory_cash", "factory_reserve"}


def test_copies_stop_once_the_answer_is_decided():
    params = resolve_params("trust_market", {**SMALL, "factory_cash_reserve_weeks": 0.5,
                                             "committed_share": 0.6})
    market = build_market("trust_market", params, 2)
    market.step()
    course = forks.Course(horizon=120, every=1)
    falls, made, past = forks.checkpoint(market, course, "hold", 2, 9)
    assert past and falls == made == 5  # 5 of 9 is a majority: the 4 others are not made
    calm = build_market("trust_market", {**params, "committed_share": 0.0,
                                         "factory_cash_reserve_weeks": 26.0}, 2)
    calm.step()
    falls, made, past = forks.checkpoint(calm, forks.Course(horizon=30, every=1), "release",
                                         2, 9)
    assert not past and (falls, made) == (0, 5)


def test_fork_runs_are_reproducible_and_their_copies_seeded_by_run_week_and_copy():
    params = resolve_params("trust_market_forks", {**SMALL, "fork_every": 13,
                                                   "fork_copies": 2})
    series_a, a = MODELS["trust_market_forks"](params, 104, 11)
    series_b, b = MODELS["trust_market_forks"](params, 104, 11)
    assert a == b and series_a.equals(series_b)
    assert json.loads(a["checkpoints"])[0][0] == 13
    seed = forks.fork_seed(11, 13, 1)
    assert (seed.entropy, seed.spawn_key) == (11, (13, 1))


def test_the_fork_experiment_finds_the_basin_boundary_of_reversible_thresholds(tmp_path):
    # the known answer: 0.366 at mean 0.40, sd 0.10 (the middle fixed point of the map),
    # found through the command line from the validation scenario
    out = tmp_path / "val"
    done = subprocess.run([sys.executable, str(ROOT / "run.py"), "validate", "--check",
                           "granovetter_reversible", "--quick", "--workers", "2",
                           "--no-progress", "--out", str(out)], capture_output=True,
                          text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    table = json.loads((out / "validation.json").read_text())
    (check,) = table["checks"]
    (row,) = check["rows"]
    assert row["result"] == "pass"
    data = check["figure"]
    assert data["boundary"] == pytest.approx(0.3664, abs=1e-3)
    assert data["ci_low"] <= data["boundary"] <= data["ci_high"]
    assert abs((data["ci_low"] + data["ci_high"]) / 2 - data["boundary"]) <= 0.02


def test_stopping_copies_early_never_changes_the_answer_at_a_checkpoint():
    # the stopping rule decides past / not past exactly as making every copy would: on the
    # checkpoints of a run whose outcome is uncertain, the answers agree and fewer copies
    # are made
    params = resolve_params("trust_market", {**SMALL, "factory_cash_reserve_weeks": 26.0,
                                             "committed_share": 0.0})
    course = forks.Course(horizon=120, every=20, ramp=0.01)
    run = forks.run_pushed(build_market("trust_market", params, 1), course)
    copies, need, saved = 5, 3, 0
    for snapshot in map(run.snapshot, range(4)):
        every_copy = [forks.copy_falls(snapshot, course, "release",
                                       forks.fork_seed(1, snapshot.steps, j))
                      for j in range(copies)]
        falls, made, past = forks.checkpoint(snapshot, course, "release", 1, copies)
        assert past == (sum(every_copy) >= need)
        assert falls == sum(every_copy[:made])
        saved += copies - made
    assert saved > 0


@pytest.mark.parametrize("model, params, ramp", [
    ("trust_market", {**SMALL, "committed_share": 0.0}, 0.02),
    ("granovetter_reversible", {}, 0.02)])
def test_a_checkpoint_rebuilt_from_a_keyframe_is_the_market_the_run_had(model, params, ramp):
    # a run keeps an exact copy about once a year and replays the weeks between: the market
    # rebuilt at each checkpoint is, to the bit, a copy taken at that checkpoint, and so
    # the fork experiment's answer does not depend on how often copies are kept
    params = resolve_params(model, params)
    course = forks.Course(horizon=90, every=4, ramp=ramp)
    sparse = forks.run_pushed(build_market(model, params, 3), course, keyframe_weeks=52)
    dense = forks.run_pushed(build_market(model, params, 3), course, keyframe_weeks=4)
    assert sorted(sparse.keyframes) == [0, 13] and len(dense.keyframes) == len(dense.weeks)
    assert sparse.weeks == dense.weeks and sparse.shares == dense.shares
    for i in range(len(sparse.weeks)):
        rebuilt, kept = sparse.snapshot(i), dense.keyframes[i]
        assert rebuilt.steps == kept.steps == sparse.weeks[i]
        assert rebuilt.state() == kept.state()
        for twin_seed in (5, 6):  # the copies made there run identically
            a, b = rebuilt.fork(twin_seed), kept.fork(twin_seed)
            for _ in range(15):
                a.step()
                b.step()
            assert a.state() == b.state() and a.tracked_share == b.tracked_share
    assert (forks.measure(sparse, course, "release", 3, 4)
            == forks.measure(dense, course, "release", 3, 4))


def test_a_forks_agents_are_views_onto_the_copy_not_the_original():
    market = build_market("trust_market", resolve_params("trust_market", SMALL), 4)
    for _ in range(10):
        market.step()
    twin = market.fork(9)
    agents = list(twin.agents)
    assert len(agents) == len(list(market.agents)) == 300 + len(twin.vendor_agents) + 1
    assert all(a.model is twin for a in agents)
    assert not {id(a) for a in agents} & {id(a) for a in market.agents}
    from sim.model.agents import Consumer
    consumers = [a for a in agents if isinstance(a, Consumer)]
    twin.consumers.committed[:] = True
    assert len(consumers) == 300 and all(a.committed for a in consumers)
    assert sum(a.committed for a in market.agents if isinstance(a, Consumer)) == 15  # 5%
