"""A probed run: its tipping share of the gross and the chance of a fall at 20%, against the
pure-accounting limit where both are known."""

import pytest

from sim.model.probes import resolve, simulate_probed

ACCOUNTING = {"n_consumers": 200, "consumer_switching": False, "factory_pricing": "fixed",
              "factory_cash_reserve_weeks": 0.0, "vendor_unit_cost": 1.0, "vendor_markup": 0.0,
              "platform_fee": 0.0, "vendor_cost_spread": 0.0, "vendor_fixed_cost": 0.0,
              "vendor_idle_weeks": 520, "vendor_min_stars": 1.0, "initial_vendors": 40,
              "probe_every": 2, "probe_copies": 2, "probe_ramp": 0.02}


@pytest.mark.parametrize("fixed_cost_share", [0.75, 0.85])
def test_the_tipping_share_is_the_break_even_share_within_one_ramp_step(fixed_cost_share):
    params = resolve({**ACCOUNTING, "factory_fixed_cost_share": fixed_cost_share})
    _, outcomes = simulate_probed(params, 60, seed=4)
    break_even = 1.0 - fixed_cost_share
    assert outcomes["tipping_reached"] and outcomes["incumbent_fell"]
    assert break_even < outcomes["tipping_share_gross"] <= break_even + 0.02 + 1e-9
    assert outcomes["probe_copies_made"] == 2
    if break_even > 0.2:  # at 20% the factory still covers its fixed cost: no copy falls
        assert outcomes["probe_falls"] == 0 and outcomes["probe_step"] < outcomes["fall_step"]
    else:  # it fell before the platform held 20%: counted as certain
        assert outcomes["probe_falls"] == 2 and outcomes["probe_step"] == outcomes["fall_step"]


def test_a_probed_run_is_the_same_for_the_same_seed_and_probe_settings_are_checked():
    params = resolve({**ACCOUNTING, "factory_fixed_cost_share": 0.8})
    assert simulate_probed(params, 40, seed=9)[1] == simulate_probed(params, 40, seed=9)[1]
    with pytest.raises(ValueError, match="parameter 'probe_copies': got 0"):
        resolve({"probe_copies": 0})
