"""The behaviours the mechanism revision restored, each where the old mechanism broke it:
planners value late payoffs less but never at zero, thresholds are forecast from inflow, the
marketing planner stops lowering the threshold where rejections outweigh acceptances,
cooperation moves with payoffs and beliefs, and lobbying happens only where someone's
judgement splits the budget."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agents import learning
from sim import AlignmentModel, presets, run
from sim.flows import BANDS, SCORE_BANDS
from sim.forecast import (
    OBJECTIVES,
    BandView,
    Evidence,
    Forecast,
    bookings_value,
    revenue_value,
)
from sim.plan import INITIAL_PLAN, THRESHOLD_RANGE, adopt, candidates
from sim.planning import score_plans


@given(horizon=st.integers(1, 104), lag=st.floats(0, 60))
def test_a_horizon_discounts_late_payoffs_but_never_to_zero(horizon: int, lag: float) -> None:
    assert bookings_value(horizon, lag) > 0 and revenue_value(horizon, lag) > 0
    assert bookings_value(horizon, lag + 1) < bookings_value(horizon, lag)
    # A longer horizon values the same late flow more.
    assert bookings_value(horizon + 13, lag) > bookings_value(horizon, lag)


def _evidence(bands: BandView, cycle_weeks: float = 11.0, rejection_cost: float = 0.5
              ) -> Evidence:
    return Evidence(
        budget_usd=250_000.0, elasticity=0.7, bands=bands, mqls_per_week=20.0,
        pipeline_per_mql_usd=3_000.0, sales_usd_per_hour=400.0, contact_hours_per_mql=1.0,
        hours_per_accepted_mql=5.0, contact_share=1.0, contact_capacity=math.inf,
        arr_usd=60e6, weekly_churn=0.002, cycle_weeks=cycle_weeks, nurture_pool=1_000.0,
        rejection_cost=rejection_cost)


@pytest.mark.parametrize("objective", ["sales", "revenue"])
def test_a_13_week_planner_still_values_marketing_when_cycles_are_11_weeks(objective: str
                                                                            ) -> None:
    e = _evidence(_bands(), cycle_weeks=11.0)
    base = Forecast(10.0, 5.0, 20_000.0, 300_000.0, 1_000.0, 1.0)
    more = Forecast(10.0, 5.0, 30_000.0, 300_000.0, 1_000.0, 1.0)
    value = OBJECTIVES[objective].value
    assert value(more, e, 13) > value(base, e, 13)
    # ... and still when cycles are longer than the horizon.
    late = _evidence(_bands(), cycle_weeks=20.0)
    assert value(more, late, 13) > value(base, late, 13)


def _bands(acceptance_slope: float = 1.5) -> BandView:
    """A waterfall whose leads peak around 0.45, accepted more the higher they score."""
    centres = SCORE_BANDS + (SCORE_BANDS[1] - SCORE_BANDS[0]) / 2
    exits = 400 * np.exp(-((centres - 0.45) / 0.15) ** 2)
    handed = np.where(SCORE_BANDS >= 0.6, exits, 0.0)
    contacted = handed.copy()
    accepted = contacted * np.clip(acceptance_slope * (centres - 0.3), 0, 1)
    pipeline = accepted * 2_000.0
    return BandView(exits, handed, contacted, accepted, pipeline)


def test_thresholds_are_forecast_from_the_inflow_not_the_stock() -> None:
    bands = _bands()
    # Lowering the threshold admits the leads that peaked just below it, a finite number.
    assert bands.admitted(0.55) > bands.admitted(0.6) > bands.admitted(0.65) > 0
    assert bands.admitted(0.55) / bands.admitted(0.6) < 3
    # Below the bands ever handed over, acceptance follows the line the seen bands draw.
    assert bands.acceptance(0.4) < bands.acceptance(0.5) < bands.acceptance(0.6)
    assert np.isfinite([bands.acceptance(t) for t in np.linspace(0.2, 0.9, 15)]).all()


def test_marketing_stops_lowering_the_threshold_where_rejections_outweigh_acceptances() -> None:
    """On an unchanged market the marketing planner's threshold settles above the floor: each
    step lower admits leads sales accepts less and less, and rejections cost marketing."""
    e = _evidence(_bands(), rejection_cost=1.0)
    plan = INITIAL_PLAN
    for _ in range(20):
        plans = candidates(plan, 0.05, move_share=False, move_threshold=True, move_mix=False)
        scores = score_plans(plans, e, plan, OBJECTIVES["marketing"], 26, 0.0, 100_000.0,
                             800.0)
        plan = adopt(plans, scores)
    assert plan.mql_threshold > THRESHOLD_RANGE[0] + 0.05
    # Without a cost of rejection, more MQLs always look better to marketing.
    free = _evidence(_bands(), rejection_cost=0.0)
    plan_free = INITIAL_PLAN
    for _ in range(20):
        plans = candidates(plan_free, 0.05, move_share=False, move_threshold=True,
                           move_mix=False)
        plan_free = adopt(plans, score_plans(plans, free, plan_free, OBJECTIVES["marketing"],
                                             26, 0.0, 100_000.0, 800.0))
    assert plan_free.mql_threshold < plan.mql_threshold


@given(belief=st.floats(0, 1), slope=st.floats(0, 1.5), intercept=st.floats(-1, 1))
def test_cooperation_rises_with_belief(belief: float, slope: float, intercept: float) -> None:
    p = learning.cooperation_probability(intercept, belief, slope)
    assert 0 <= p <= 1
    assert learning.cooperation_probability(intercept, min(belief + 0.1, 1), slope) >= p


def test_cooperation_learns_what_it_pays() -> None:
    """Reinforcement comparison: in expectation the intercept moves by the payoff gap between
    cooperating and defecting, and not at all when they pay the same."""
    rng = np.random.default_rng(3)

    def drift(gap: float, people: int = 40, weeks: int = 500) -> float:
        """Mean change of the intercept over `weeks`, across `people` learners."""
        moved = []
        for _ in range(people):
            c, reference = 0.0, 1.0
            for _ in range(weeks):
                p = learning.cooperation_probability(c, 0.5, 0.7)
                cooperated = bool(rng.random() < p)
                payoff = 1.0 + (gap if cooperated else 0.0) + 0.3 * rng.standard_normal()
                c = learning.learn_intercept(c, 0.02, payoff, reference, cooperated, p)
                reference += 0.05 * (payoff - reference)
            moved.append(c)
        return float(np.mean(moved))

    assert drift(+0.3) > 0.3
    assert drift(-0.3) < -0.3
    assert abs(drift(0.0)) < 0.05


def test_trust_and_cooperation_feed_each_other_in_the_firm() -> None:
    """The same person cooperates more often when they trust the other side more."""
    model = AlignmentModel(presets.get("undefined"), seed=2)
    rep = model.reps[0]
    rep.trust = 0.1
    low = learning.cooperation_probability(rep.cooperation_intercept, rep.trust, 0.7)
    rep.trust = 0.9
    high = learning.cooperation_probability(rep.cooperation_intercept, rep.trust, 0.7)
    assert high > low


@pytest.fixture(scope="module")
def pools() -> dict[str, dict[str, float]]:
    pool = {"governance.budget_structure": "shared_pool", "weeks": 80}
    return {name: run(presets.get(name, pool), seed=4).summary
            for name in ("marketing_led", "formula", "joint")}


def test_lobbying_happens_under_one_functional_controller_of_a_pool(pools) -> None:
    assert pools["marketing_led"]["lobbying_effort"] > 0


@pytest.mark.parametrize("rule", ["formula", "joint"])
def test_nobody_lobbies_a_rule_or_a_joint_table(pools, rule: str) -> None:
    assert pools[rule]["lobbying_effort"] == 0


def test_band_view_is_robust_to_empty_data() -> None:
    empty = np.zeros(BANDS)
    bands = BandView(empty, empty, empty, empty, None)
    assert bands.admitted(0.5) == 0 and bands.acceptance(0.5) == 0
    assert bands.pipeline_per_mql(0.5) is None
