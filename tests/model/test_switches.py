"""The switches the verdict rests on: forking a market, closing the platform to newcomers,
and turning every trust channel off."""

import numpy as np

from sim.model.market import TrustMarket


def test_a_fork_runs_like_its_twin_and_leaves_the_original_untouched():
    market = TrustMarket(n_consumers=400, committed_share=0.15, rng=3)
    market.run_for(20)
    before = market.datacollector.get_model_vars_dataframe().copy()
    one, two = market.fork(7), market.fork(7)
    one.run_for(15)
    two.run_for(15)
    a = one.datacollector.get_model_vars_dataframe()
    b = two.datacollector.get_model_vars_dataframe()
    assert a.shape == (35, before.shape[1])
    assert a.equals(b)
    assert market.steps == 20
    assert market.datacollector.get_model_vars_dataframe().equals(before)
    other = market.fork(8)
    other.run_for(15)
    assert not other.datacollector.get_model_vars_dataframe().equals(a)


def test_a_platform_closed_to_newcomers_wins_no_one_new():
    market = TrustMarket(n_consumers=600, committed_share=0.2, habit=1.0, rng=5)
    market.run_for(10)
    market.set_param("platform_open_to_new", False)
    users = market.consumers.ever_used.copy()
    market.run_for(40)
    assert np.array_equal(market.consumers.ever_used, users)
    bought = market.consumers.choice == 2
    assert bought.any() and not (bought & ~users).any()


def test_with_trust_channels_off_no_referral_no_tie_and_no_rating_counts():
    on = TrustMarket(n_consumers=600, committed_share=0.2, rng=5)
    off = TrustMarket(n_consumers=600, committed_share=0.2, trust_channels=False, rng=5)
    on.run_for(30)
    off.run_for(30)
    assert on.consumers.tied.sum() > 0
    assert off.consumers.tied.sum() == 0
    referral = off.ask_network()
    assert (referral.vendor == -1).all() and referral.good.sum() == 0


def test_knowing_the_vendors_mean_quality_lets_consumers_switch_without_trust_channels():
    # with every trust channel off, an unknown vendor is judged at the uninformed prior 0.5
    # against the factory's known 0.8, so almost no one tries one; told the vendors' mean
    # quality (0.85 by default) as they know the factory's, consumers switch
    from sim.model.registry import MODELS, resolve_params

    used = {}
    for known in (False, True):
        params = resolve_params("trust_market", {"trust_channels": False, "n_consumers": 1000,
                                                 "vendor_quality_known": known})
        series, _ = MODELS["trust_market"](params, 156, 3, 1)
        used[known] = float(series["share_ever_used_platform"].iloc[-1])
    assert used[False] <= 0.02  # the early adopters and no one else
    assert used[True] >= 0.9
