"""Scenario files: sweep and sample expansion, and one clear line for each malformed file."""

from pathlib import Path

import numpy as np
import pytest

from sim.cli.main import main
from sim.experiments import scenarios
from sim.model.parameters import PARAMETERS

ROOT = Path(__file__).resolve().parents[2]
BAD = Path(__file__).resolve().parents[1] / "scenarios_bad"

HEAD = 'name = "t"\nsteps = 20\nseed = 5\n'


def parse(body: str) -> scenarios.Scenario:
    return scenarios.parse(HEAD + body, "t.toml")


def test_baseline_has_one_point_one_replicate_and_the_default_model():
    s = scenarios.load(ROOT / "scenarios" / "baseline.toml")
    assert (s.model, s.replicates, s.every, s.reporters) == ("trust_market", 1, 1, None)
    assert s.points() == [{}]
    assert s.n_points == 1
    assert s.tipping is None and s.sensitivity is None


def test_sweep_list_values_are_coerced_to_the_declared_type():
    s = parse("[sweep]\nstrong_ties = [8, 12]\nreferral_hops = [2.0, 3]\n")
    assert s.sweep == {"strong_ties": [8.0, 12.0], "referral_hops": [2, 3]}
    assert [type(v) for v in s.sweep["strong_ties"] + s.sweep["referral_hops"]] == [
        float, float, int, int]


def test_sweep_range_is_inclusive_linspace():
    s = parse("[sweep]\ncommitted_share = { start = 0.0, stop = 0.3, num = 4 }\n")
    assert s.sweep["committed_share"] == pytest.approx([0.0, 0.1, 0.2, 0.3])
    assert s.n_points == 4


def test_sweep_product_counts_points_and_keeps_str_and_bool_values():
    s = parse('replicates = 3\n[sweep]\ncommitted_share = [0.0, 0.1, 0.2]\n'
              'network_model = ["holme_kim", "watts_strogatz"]\n'
              'consumer_switching = [true, false]\n')
    points = s.points()
    assert s.n_points == len(points) == 12
    assert points[0] == {"committed_share": 0.0, "network_model": "holme_kim",
                         "consumer_switching": True}
    assert points[-1] == {"committed_share": 0.2, "network_model": "watts_strogatz",
                          "consumer_switching": False}
    assert len({tuple(p.values()) for p in points}) == 12


SAMPLE = '[sample]\nmethod = "{method}"\nn = {n}\n[sample.ranges]\n' \
         'platform_fee = [0.05, 0.2]\nreferral_hops = [1, 4]\ncommitted_share = [0.0, 0.3]\n'


@pytest.mark.parametrize("method, n, size", [("lhs", 20, 20), ("sobol", 16, 16),
                                             ("morris", 5, 5 * (3 + 1))])
def test_sampler_point_counts_and_points_inside_their_ranges(method, n, size):
    s = parse(SAMPLE.format(method=method, n=n))
    points = s.points()
    assert s.n_points == len(points) == size
    fee = np.array([p["platform_fee"] for p in points])
    hops = [p["referral_hops"] for p in points]
    share = np.array([p["committed_share"] for p in points])
    assert fee.min() >= 0.05 and fee.max() <= 0.2
    assert share.min() >= 0.0 and share.max() <= 0.3
    assert all(type(h) is int and 1 <= h <= 4 for h in hops)
    for p in points:
        scenarios.resolve_params("trust_market", p)


def test_lhs_puts_one_point_in_each_of_n_strata():
    s = parse(SAMPLE.format(method="lhs", n=20))
    fee = np.array([p["platform_fee"] for p in s.points()])
    strata = np.floor((fee - 0.05) / 0.15 * 20).astype(int)
    assert sorted(strata) == list(range(20))


def test_sample_points_depend_on_the_root_seed_only():
    a = parse(SAMPLE.format(method="sobol", n=8)).points()
    b = parse(SAMPLE.format(method="sobol", n=8)).points()
    c = scenarios.parse(HEAD.replace("seed = 5", "seed = 6") + SAMPLE.format(
        method="sobol", n=8), "t.toml").points()
    assert a == b
    assert a != c


def test_integer_sample_takes_every_whole_number_of_its_range():
    s = parse('[sample]\nmethod = "lhs"\nn = 400\n[sample.ranges]\nreferral_hops = [0, 6]\n')
    counts = np.bincount([p["referral_hops"] for p in s.points()], minlength=7)
    assert counts.min() >= 56 and counts.max() <= 59  # 400 / 7 = 57.1 each, +-1 at edges


def test_sweep_crossed_with_sample_keeps_sweep_outer_and_sample_inner():
    s = parse('[sweep]\nfactory_pricing = ["fixed", "full_cost"]\n'
              + SAMPLE.format(method="lhs", n=4))
    points = s.points()
    assert s.n_points == len(points) == 8
    assert [p["factory_pricing"] for p in points] == ["fixed"] * 4 + ["full_cost"] * 4
    assert [p["platform_fee"] for p in points[:4]] == [p["platform_fee"] for p in points[4:]]


def test_output_every_and_reporters_are_kept():
    s = parse('[output]\nevery = 4\nreporters = ["platform_share", "factory_price"]\n')
    assert (s.every, s.reporters) == (4, ("platform_share", "factory_price"))


def test_tipping_and_sensitivity_tables_are_kept_raw():
    s = parse('[tipping]\nvariable = "committed_share"\nanything = [1, 2]\n'
              '[sensitivity]\nwhat = "morris"\n')
    assert s.tipping == {"variable": "committed_share", "anything": [1, 2]}
    assert s.sensitivity == {"what": "morris"}


def test_snapshots_table_keeps_sorted_weeks_and_its_overrides():
    s = parse("[params]\nn_consumers = 400\n[snapshots]\nat = [16, 4, 16]\n"
              "params = { committed_share = 0.2 }\n")
    assert s.snapshots.at == (4, 16)
    assert s.snapshots.params == {"committed_share": 0.2}
    assert parse("").snapshots is None


@pytest.mark.parametrize("body, key, message", [
    ("model = 'trust_markt'\n", "model", "did you mean 'trust_market'?"),
    ("replicates = 0\n", "replicates", "allowed: a whole number of runs per point"),
    ("tipping = 3\n", "tipping", "allowed: a table"),
    ("[params]\ncommitted_share = 0.1\n[sweep]\ncommitted_share = [0.2]\n",
     "sweep.committed_share", "also set in [params]"),
    ("[sweep]\nplatform_fee = 0.1\n", "sweep.platform_fee", "allowed: a non-empty list"),
    ("[sweep]\nplatform_fee = { start = 0.1, stop = 0.2 }\n", "sweep.platform_fee.num",
     "a whole number of values"),
    ("[sweep]\nplatform_fee = { start = 0.1, stop = 0.2, num = 2, step = 1 }\n",
     "sweep.platform_fee.step", "unknown key"),
    ("[sweep]\nreferral_hops = { start = 0, stop = 1, num = 3 }\n", "sweep",
     "got 0.5, allowed: an integer"),
    ('[sample]\nmethod = "sobol"\nn = 12\n[sample.ranges]\nplatform_fee = [0, 0.1]\n',
     "sample.n", "a power of 2 for sobol (e.g. 16)"),
    ('[sample]\nmethod = "lhs"\nn = 4\nlevels = 4\n[sample.ranges]\nplatform_fee = [0, 0.1]\n',
     "sample.levels", "only for morris"),
    ('[sample]\nmethod = "lhs"\nn = 4\n', "sample.ranges", "empty"),
    ('[sample]\nmethod = "lhs"\nn = 4\n[sample.ranges]\nnetwork_model = [0, 1]\n',
     "sample.ranges.network_model", "cannot be sampled; put its values in [sweep]"),
    ('[sample]\nmethod = "lhs"\nn = 4\n[sample.ranges]\nplatform_fee = [0, 0.9]\n',
     "sample.ranges", "parameter 'platform_fee': got 0.9, allowed: a number in [0, 0.5]"),
    ('[sample]\nmethod = "lhs"\nn = 4\nsize = 3\n[sample.ranges]\nplatform_fee = [0, 0.1]\n',
     "sample.size", "unknown key"),
    ('[output]\nreporters = ["platform_shares"]\n', "output.reporters",
     "did you mean 'platform_share'?"),
    ("[output]\nevery = 0\n", "output.every", "allowed: a whole number k >= 1"),
    ("[snapshots]\nat = [4, 60]\n", "snapshots.at", "got [4, 60], allowed: a "
     "non-empty list of weeks, 1 to 20"),
    ("[snapshots]\nat = []\n", "snapshots.at", "allowed: a non-empty list"),
    ("[snapshots]\nat = [4]\nweeks = [5]\n", "snapshots.weeks", "unknown key"),
    ("[snapshots]\nat = [4]\nparams = { comitted_share = 0.2 }\n", "snapshots.params",
     "did you mean 'committed_share'?"),
    ("[snapshots]\nat = [4]\nparams = { n_consumers = 2000 }\n", "snapshots.params",
     "n_consumers is 2000, allowed: at most 500"),
])
def test_malformed_tables_name_file_and_key(body, key, message):
    with pytest.raises(scenarios.ScenarioError) as error:
        parse(body)
    assert str(error.value).startswith(f"t.toml: {key}: ")
    assert message in str(error.value)


BAD_FILES = [
    ("unknown_key.toml", "replicate", "unknown key (did you mean 'replicates'?)"),
    ("misspelled_param.toml", "sweep",
     "unknown parameter 'comitted_share' (did you mean 'committed_share'?)"),
    ("wrong_type.toml", "params",
     f"parameter 'n_consumers': got 'many', allowed: {PARAMETERS['n_consumers'].allowed()}"),
    ("out_of_range.toml", "sweep",
     "parameter 'committed_share': got 1.5, allowed: a number in [0, 1]"),
    ("empty_sweep.toml", "sweep.platform_fee", "empty list; allowed: a non-empty list"),
    ("bad_sampler.toml", "sample.method",
     "got 'latin', allowed: one of \"lhs\", \"sobol\", \"morris\""),
    ("reversed_range.toml", "sample.ranges.platform_fee",
     "got [0.3, 0.1], allowed: [low, high] with low < high"),
]


def test_every_bad_file_is_covered():
    assert sorted(p.name for p in BAD.glob("*.toml")) == sorted(f for f, _, _ in BAD_FILES)


@pytest.mark.parametrize("name, key, message", BAD_FILES)
def test_malformed_file_through_cli_exits_2_with_one_line_and_writes_nothing(
        tmp_path, capsys, name, key, message):
    out = tmp_path / "out"
    path = BAD / name
    assert main(["sweep", str(path), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"error: {path}: {key}: {message}")
    assert captured.err.count("\n") == 1
    assert not out.exists()


@pytest.mark.parametrize("name, n_runs", [("example_sweep.toml", 60),
                                          ("example_sample.toml", 64)])
def test_example_sweep_scenarios_load_with_their_run_counts(name, n_runs):
    s = scenarios.load(ROOT / "scenarios" / name)
    assert s.n_points * s.replicates == n_runs
