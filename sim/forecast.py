"""Planners' mental model: a reduced-form view of the funnel, built from the evidence a
planner can see, that forecasts each candidate plan's weekly flows; and the objectives that
score a forecast over a horizon.

Objectives (model brief): marketing counts accepted MQLs, marketing pipeline and retention over
~26 weeks; sales counts bookings over ~13 weeks; finance counts in-period revenue (late payoffs
count little); joint and CRO count total revenue, joint over 52 weeks without bias.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.customers import retention_cut
from sim.flows import score_band
from sim.plan import Plan
from sim.programmes import (
    DEMAND,
    ENABLEMENT,
    NURTURE,
    RETENTION,
    enablement_lift,
    nurture_factor,
    prospecting_lift,
)

# Lags in the planners' mental model (weeks until a programme's payoff starts).
LAG_RETENTION = 13           # churn saved shows at renewals
LAG_HANDOFF = 3
# Without outcome data, marketing assumes accepted MQLs close at this rate (optimism).
MARKETING_CLOSE_BELIEF = 0.3


@dataclass(frozen=True)
class Evidence:
    """What a planner sees of the last weeks (weekly averages), before its own bias."""

    budget_usd: float
    elasticity: float
    pool: ScorePool                # the current nurture pool's scores
    mqls_per_week: float
    acceptance: float
    value_per_mql_usd: float       # booked ARR per MQL
    sales_usd_per_hour: float      # self-sourced booked ARR per prospecting hour
    rep_hours_per_mql: float       # follow-up plus opportunity hours an MQL costs
    arr_usd: float
    weekly_churn: float
    cycle_weeks: float
    nurture_pool: float


@dataclass(frozen=True)
class Forecast:
    """Weekly flows a planner expects at steady state under a plan."""

    accepted_mqls: float
    marketing_bookings_usd: float
    sales_bookings_usd: float
    retention_saved_arr_usd: float
    nurture_factor: float


class Objective:
    name = "objective"

    def value(self, f: Forecast, e: Evidence, horizon: int) -> float:
        raise NotImplementedError


def _realised(horizon: int, lag: float, quadratic: bool) -> float:
    """Weeks of a flow that fall inside the horizon; quadratic counts revenue, not bookings."""
    left = max(horizon - lag, 0.0)
    return left * left / 2 / 52 if quadratic else left


class MarketingObjective(Objective):
    name = "marketing"

    def value(self, f: Forecast, e: Evidence, horizon: int) -> float:
        pipeline = f.marketing_bookings_usd * _realised(horizon, LAG_HANDOFF, False)
        retained = f.retention_saved_arr_usd * _realised(horizon, LAG_RETENTION, False)
        accepted = f.accepted_mqls * e.value_per_mql_usd / max(e.acceptance, 0.05)
        return pipeline + retained + accepted * horizon


class SalesObjective(Objective):
    name = "sales"

    def value(self, f: Forecast, e: Evidence, horizon: int) -> float:
        lag = e.cycle_weeks
        return (f.marketing_bookings_usd * _realised(horizon, lag + LAG_HANDOFF, False)
                + f.sales_bookings_usd * _realised(horizon, lag, False))


class RevenueObjective(Objective):
    """Revenue earned inside the horizon. Over a finance period (13 weeks) returns that arrive
    late count little, which is how in-period budgeting cuts slow programmes; over a year
    (joint planning) they count fully."""

    name = "revenue"

    def value(self, f: Forecast, e: Evidence, horizon: int) -> float:
        lag = e.cycle_weeks
        return (f.marketing_bookings_usd * _realised(horizon, lag + LAG_HANDOFF, True)
                + f.sales_bookings_usd * _realised(horizon, lag, True)
                + f.retention_saved_arr_usd * _realised(horizon, LAG_RETENTION, True))


OBJECTIVES: dict[str, Objective] = {
    o.name: o for o in (MarketingObjective(), SalesObjective(), RevenueObjective())
}


def forecast(plan: Plan, e: Evidence, current: Plan, tilt: float, rep_cost_usd: float,
             rep_hours: float) -> Forecast:
    """Steady-state weekly flows under `plan`, as a planner with bias `tilt` expects them."""
    spend = plan.programme_spend(e.budget_usd)
    now = current.programme_spend(e.budget_usd)
    mkt_bias, sales_bias = 1 + tilt, 1 - tilt
    inquiry_ratio = (max(spend[DEMAND], 1.0) / max(now[DEMAND], 1.0)) ** e.elasticity
    share_new, mean_new, value_new = e.pool.above(plan.mql_threshold)
    share_now, mean_now, value_now = e.pool.above(current.mql_threshold)
    above_new, above_now = share_new, max(share_now, 1e-3)
    quality_ratio = mean_new / max(mean_now, 1e-3)
    nurture = nurture_factor(spend[NURTURE], e.nurture_pool) / nurture_factor(
        now[NURTURE], e.nurture_pool)
    enable = (1 + enablement_lift(spend[ENABLEMENT])) / (1 + enablement_lift(now[ENABLEMENT]))
    mqls = e.mqls_per_week * inquiry_ratio * (above_new / above_now) * nurture
    if value_new is not None and value_now is not None:
        value_ratio = value_new / max(value_now, 1e-9)
    else:
        value_ratio = quality_ratio
    value_per_mql = e.value_per_mql_usd * value_ratio * enable * nurture * mkt_bias
    accepted = mqls * min(e.acceptance * quality_ratio, 1.0)
    # Rep hours: funded by the sales budget; MQL work displaces own prospecting.
    sales_budget = e.budget_usd * (1 - plan.marketing_share)
    funded = min(1.0, sales_budget / max(rep_cost_usd, 1.0))
    programme = max(sales_budget - rep_cost_usd, 0.0)
    prospect_hours = max(rep_hours * funded - mqls * e.rep_hours_per_mql, 0.0)
    sales_bookings = (e.sales_usd_per_hour * prospect_hours * enable * sales_bias
                      * (1 + prospecting_lift(programme)) / (1 + prospecting_lift(
                          max(e.budget_usd * (1 - current.marketing_share) - rep_cost_usd, 0))))
    saved = e.arr_usd * e.weekly_churn * (retention_cut(spend[RETENTION], e.arr_usd)
                                          * mkt_bias)
    return Forecast(accepted, mqls * value_per_mql, sales_bookings, saved, nurture)


class ScorePool:
    """The nurture pool's scores as a planner reads them: for any threshold, the share of the
    pool above it, their mean score and (where outcomes are seen by score band) their mean booked
    value per MQL, the marginal MQL's worth that an average over past MQLs hides. Sorted with
    suffix sums, so each threshold costs one binary search."""

    def __init__(self, scores: np.ndarray, value_by_band: np.ndarray | None = None) -> None:
        self.scores = np.sort(scores)
        self._score_suffix = _suffix_sums(self.scores)
        self._value_by_band = value_by_band
        self._value_suffix = (None if value_by_band is None
                              else _suffix_sums(value_by_band[score_band(self.scores)]))
        self._cache: dict[float, tuple[float, float, float | None]] = {}

    def above(self, threshold: float) -> tuple[float, float, float | None]:
        if threshold not in self._cache:
            n = len(self.scores)
            i = int(np.searchsorted(self.scores, threshold))
            k = n - i
            share = k / n if n else 0.0
            mean = float(self._score_suffix[i]) / k if k else threshold
            value = None
            if self._value_by_band is not None and self._value_suffix is not None:
                value = (float(self._value_suffix[i]) / k if k else
                         float(self._value_by_band[score_band(np.array([threshold]))[0]]))
            self._cache[threshold] = (share, mean, value)
        return self._cache[threshold]


def _suffix_sums(values: np.ndarray) -> np.ndarray:
    """s[i] = values[i:].sum(), with s[len] = 0."""
    return np.concatenate((np.cumsum(values[::-1])[::-1], [0.0]))
