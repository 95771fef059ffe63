"""A rep's week: `fill_hours` splits hours by weight within each activity's demand, first-call
activities first; with behaviour off every MQL and opportunity is worked."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.sales_rep import (
    ACCOUNTS,
    FIXED_ACCOUNT_SHARE,
    MQL_FOLLOW_UP,
    OPPORTUNITIES,
    PROSPECTING,
    Workload,
    fill_hours,
)
from sim.evidence import rep_economics
from sim.model import AlignmentModel
from sim.params import Params

EPS = 1e-7

hours_total = st.floats(0, 100, allow_nan=False)
demand_value = st.one_of(st.floats(0, 60, allow_nan=False), st.just(math.inf))
# Model weights are perceived values floored at 1e-9 and squared, so never below 1e-18; with
# subnormal weights `left * w / sum` loses the precision the split needs.
weight_value = st.one_of(st.just(0.0), st.floats(1e-18, 1e12), st.just(math.inf))


@st.composite
def splits(draw: st.DrawFn) -> tuple[float, list[float], list[float]]:
    n = draw(st.integers(1, 6))
    demand = draw(st.lists(demand_value, min_size=n, max_size=n))
    weights = draw(st.lists(weight_value, min_size=n, max_size=n))
    return draw(hours_total), demand, weights


@settings(max_examples=400, deadline=None)
@given(splits())
def test_fill_hours_respects_total_demand_and_first_call(
        case: tuple[float, list[float], list[float]]) -> None:
    total, demand, weights = case
    hours = np.asarray(fill_hours(total, demand, weights))
    assert hours.shape == (len(demand),)
    assert np.isfinite(hours).all() and (hours >= 0).all()
    assert hours.sum() <= total + EPS
    for h, d in zip(hours, demand, strict=True):
        assert h <= d + EPS

    # First-call activities are served in order, each up to its demand, before anything else.
    left = total
    for i, w in enumerate(weights):
        if math.isinf(w):
            assert hours[i] == min(demand[i], left)
            left -= hours[i]
    first = [math.isinf(w) for w in weights]
    if any(f and h < d for f, h, d in zip(first, hours, demand, strict=True)):
        assert all(hours[i] == 0 for i in range(len(weights)) if not first[i])

    # No hour is left idle while an activity with weight can still use it.
    usable = sum(d for d, w in zip(demand, weights, strict=True) if w > 0)
    assert math.isclose(hours.sum(), min(total, usable), rel_tol=1e-9, abs_tol=1e-6)


@settings(max_examples=400, deadline=None)
@given(splits())
def test_fill_hours_splits_the_rest_in_proportion_to_weight(
        case: tuple[float, list[float], list[float]]) -> None:
    """Water-filling: activities below their demand get hours in proportion to their weight,
    and an activity filled to its demand would have wanted at least that much by weight."""
    total, demand, weights = case
    hours = fill_hours(total, demand, weights)
    shared = [i for i, w in enumerate(weights) if 0 < w < math.inf and demand[i] > 0]
    # Activities still below demand; one whose hours round to nothing carries no level.
    open_ = [i for i in shared if hours[i] < demand[i] - EPS and hours[i] > 1e-9 * total]
    if not open_:
        return
    level = max(hours[i] / weights[i] for i in open_)
    for i in open_:
        assert math.isclose(hours[i] / weights[i], level, rel_tol=1e-6)
    for i in shared:
        if hours[i] >= demand[i] - EPS:
            assert demand[i] <= level * weights[i] * (1 + 1e-6) + EPS


def test_fill_hours_gives_nothing_to_zero_weight_or_zero_demand() -> None:
    hours = fill_hours(40.0, [5.0, 10.0, 0.0, math.inf], [math.inf, 0.0, 3.0, 1.0])
    np.testing.assert_allclose(hours, [5.0, 0.0, 0.0, 35.0])
    np.testing.assert_allclose(fill_hours(10.0, [8.0, 8.0], [math.inf, math.inf]), [8.0, 2.0])
    np.testing.assert_allclose(fill_hours(0.0, [8.0, math.inf], [1.0, 1.0]), [0.0, 0.0])


def docking_model() -> AlignmentModel:
    params = Params().with_overrides({"behaviour.behaviour_on": False, "org.n_reps": 3,
                                      "weeks": 30, "burn_in_weeks": 0})
    return AlignmentModel(params, seed=1)


@settings(max_examples=100, deadline=None)
@given(hours=st.floats(10, 70), pending=st.integers(0, 30), opportunities=st.integers(0, 30),
       accounts=st.integers(0, 200))
def test_with_behaviour_off_every_mql_and_opportunity_is_worked_first(
        hours: float, pending: int, opportunities: int, accounts: int) -> None:
    model = docking_model()
    econ = rep_economics(model)
    rep = model.reps[0]
    rep.allocate_time(Workload(hours, pending, opportunities, accounts), econ, None)
    need_opp = opportunities * econ.opportunity_hours
    need_mql = pending * econ.mql_hours
    assert rep.hours[OPPORTUNITIES] == min(need_opp, hours)
    assert rep.hours[MQL_FOLLOW_UP] == min(need_mql, hours - rep.hours[OPPORTUNITIES])
    assert math.isclose(sum(rep.hours), hours, rel_tol=1e-12)
    if need_opp + need_mql <= hours:
        assert rep.contacts == pending
        rest = hours - need_opp - need_mql
        wanted = accounts * econ.account_hours
        expected_accounts = min(wanted, FIXED_ACCOUNT_SHARE * rest)
        assert math.isclose(rep.hours[ACCOUNTS], expected_accounts, abs_tol=1e-9)
        assert math.isclose(rep.hours[PROSPECTING], rest - expected_accounts, abs_tol=1e-9)
