"""Adaptive behaviour: learning rules, trust bounds, the public-goods docking test, staged
(order-independent) updates, and that sanctions and shared scoreboards do what they claim."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agents import learning, trust
from sim import AlignmentModel, presets
from sim.sanctions import sanction_cost
from tests.sim.public_goods import Game, play


@given(st.lists(st.floats(0.05, 100), min_size=2, max_size=4), st.integers(0, 3),
       st.floats(-5, 5), st.floats(0, 1), st.floats(0, 1))
def test_reinforcement_keeps_propensities_positive_and_favours_the_rewarded(
        propensity, chosen, payoff, forgetting, experimentation):
    chosen %= len(propensity)
    new = learning.reinforce(propensity, chosen, payoff, forgetting, experimentation)
    assert len(new) == len(propensity)
    assert all(q >= learning.PROPENSITY_FLOOR for q in new)
    decayed = [(1 - forgetting) * q for q in propensity]
    if payoff > 0 and experimentation < 0.5 and min(decayed) >= learning.PROPENSITY_FLOOR:
        gain_chosen = new[chosen] - (1 - forgetting) * propensity[chosen]
        others = [new[j] - (1 - forgetting) * propensity[j]
                  for j in range(len(new)) if j != chosen]
        assert all(gain_chosen >= g - 1e-12 for g in others)


@given(st.floats(0, 1), st.floats(0, 100), st.floats(0, 100), st.floats(0, 1),
       st.floats(1, 10))
def test_trust_stays_in_unit_interval_and_losses_weigh_more(t, good, bad, rate, aversion):
    after = trust.event_update(t, good, bad, rate, aversion)
    assert 0.0 <= after <= 1.0
    if good + bad > 0:
        # Trust moves toward good / (good + aversion * bad), never past it.
        target = good / (good + aversion * bad) if good + aversion * bad > 0 else t
        assert min(t, target) - 1e-12 <= after <= max(t, target) + 1e-12
    if good == bad and good > 0 and aversion > 1 and t >= 0.5:
        # Equal good and bad news is, on balance, bad news: losses weigh more.
        assert after <= t
        if rate * min(good + bad, 1.0) > 1e-9:  # news too slight to move trust in floats
            assert after < t


def test_graduated_sanctions_cost_more_for_repeat_offenders():
    assert sanction_cost(0, 5, 0.3, 1.0) == 0.0
    assert sanction_cost(1, 0, 0.3, 1.0) == pytest.approx(0.3)
    assert sanction_cost(1, 1, 0.3, 1.0) == pytest.approx(1.0)
    assert sanction_cost(2, 0, 0.3, 1.0) == pytest.approx(1.3)


def _contributions(monitoring: float, seeds: int = 40) -> np.ndarray:
    return np.array([play(Game(monitoring_prob=monitoring), s) for s in range(seeds)])


def test_public_goods_docking_decay_without_punishment_and_hold_with_sanctions():
    """Fehr & Gachter (2000): contributions decay over rounds without punishment and do not
    with it. Same learners as the firm, 40 seeds, 60 rounds, 8 players."""
    free = _contributions(0.0)
    punished = _contributions(0.9)
    first, last = slice(0, 5), slice(-10, None)
    # Without punishment: a clear decline from the first rounds to the last ones.
    assert free[:, last].mean() < free[:, first].mean() - 0.1
    # With monitoring and graduated sanctions: no decline, and far above the unpunished end.
    assert punished[:, last].mean() >= punished[:, first].mean() - 0.02
    assert punished[:, last].mean() > free[:, last].mean() + 0.15
    # Paired by seed, punishment ends higher in most games.
    assert (punished[:, last].mean(axis=1) > free[:, last].mean(axis=1)).mean() > 0.8


def _weekly(params, seed: int, shuffle_with: random.Random | None) -> pd.DataFrame:
    model = AlignmentModel(params, seed=seed)
    if shuffle_with is not None:
        for agent_set in model.agents_by_type.values():
            original = agent_set.do

            def shuffled_do(method, *args, _set=agent_set, _orig=original, **kwargs):
                agents = list(_set)
                shuffle_with.shuffle(agents)
                for agent in agents:
                    getattr(agent, method)(*args, **kwargs)
                return _set

            agent_set.do = shuffled_do  # type: ignore[method-assign]
    for _ in range(params.weeks):
        model.step()
    return model.weekly_table()


@pytest.mark.parametrize("preset", ["undefined", "integrated"])
def test_activation_order_does_not_change_results(preset):
    params = presets.get(preset, {"weeks": 60, "burn_in_weeks": 10, "org.n_reps": 8,
                                  "org.n_marketers": 4})
    baseline = _weekly(params, 11, None)
    for order_seed in (1, 2):
        pd.testing.assert_frame_equal(_weekly(params, 11, random.Random(order_seed)), baseline)


def _mean_summary(name: str, key: str, seeds: range, overrides: dict | None = None) -> float:
    from sim import run
    base = {"weeks": 104, "burn_in_weeks": 13}
    return float(np.mean([run(presets.get(name, {**base, **(overrides or {})}), s).summary[key]
                          for s in seeds]))


@pytest.mark.slow
def test_sla_with_sanctions_sustains_cooperation_over_siloed_without_monitoring():
    """Stylised fact 8, paired by seed: the same org with and without an SLA that is monitored
    and sanctioned."""
    seeds = range(6)
    silo = {"governance.sla": "off"}
    sla = {"governance.sla": "on", "governance.sla_monitoring_prob": 0.9,
           "governance.sanctions": "graduated"}
    without = _mean_summary("undefined", "cooperation_sales", seeds, silo)
    with_sla = _mean_summary("undefined", "cooperation_sales", seeds, sla)
    assert with_sla > without + 0.05
