"""Planning: a planner evaluates a few candidate plans near the current one and moves one step.

A plan sets the marketing share of the budget (sales capacity is the rest), the programme mix
(demand generation, nurture, retention, enablement) and the MQL threshold. The planner forecasts
each candidate with a reduced-form view of the funnel built from the evidence it can see, scores
it with its own objective over its own horizon, with its self-serving bias, and adopts the best
candidate if it beats the current plan. Steps are capped (incremental budgeting, Wildavsky 1964),
so governance differences build up over planning events rather than jumping.

Objectives (model brief): marketing counts accepted MQLs, marketing pipeline and retention over
~26 weeks; sales counts bookings over ~13 weeks; finance counts in-period revenue (late payoffs
count little); joint and CRO count total revenue, joint over 52 weeks without bias.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sim.customers import retention_cut

PROGRAMMES = ("demand", "nurture", "retention", "enablement")
DEMAND, NURTURE, RETENTION, ENABLEMENT = range(4)

THRESHOLD_RANGE = (0.2, 0.9)
SHARE_RANGE = (0.1, 0.8)
MIX_FLOOR = 0.02

# Programme response curves (shared by the simulation and the planners' mental model).
NURTURE_GAIN = 0.04          # readiness gain per week at saturating nurture spend
NURTURE_REF_USD_PER_LEAD = 4.0
ENABLEMENT_MAX_LIFT = 0.25   # win-probability lift at saturating enablement
ENABLEMENT_REF_USD = 8_000.0
PROSPECTING_MAX_LIFT = 0.5   # prospecting yield lift at saturating sales programme spend
SALES_PROGRAMME_REF_USD = 30_000.0

# Lags in the planners' mental model (weeks until a programme's payoff starts).
LAG_RETENTION = 13           # churn saved shows at renewals
LAG_HANDOFF = 3
# Without outcome data, marketing assumes accepted MQLs close at this rate (optimism).
MARKETING_CLOSE_BELIEF = 0.3
# A candidate must beat the current plan by this much to be adopted (planning inertia).
ADOPTION_MARGIN = 0.002


@dataclass(frozen=True)
class Plan:
    marketing_share: float
    mix: tuple[float, float, float, float]
    mql_threshold: float

    def programme_spend(self, budget_usd: float) -> np.ndarray:
        return budget_usd * self.marketing_share * np.asarray(self.mix)


INITIAL_PLAN = Plan(marketing_share=0.4, mix=(0.55, 0.2, 0.15, 0.1), mql_threshold=0.7)


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


def nurture_factor(nurture_usd: float, pool: float) -> float:
    per_lead = nurture_usd / max(pool, 1.0)
    return 1 + NURTURE_GAIN * (1 - np.exp(-per_lead / NURTURE_REF_USD_PER_LEAD))


def enablement_lift(enablement_usd: float) -> float:
    return ENABLEMENT_MAX_LIFT * (1 - np.exp(-enablement_usd / ENABLEMENT_REF_USD))


def prospecting_lift(sales_programme_usd: float) -> float:
    return PROSPECTING_MAX_LIFT * (1 - np.exp(-sales_programme_usd / SALES_PROGRAMME_REF_USD))


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


SCORE_BANDS = np.linspace(0.0, 1.2, 25)


def score_band(scores: np.ndarray) -> np.ndarray:
    return np.clip(np.searchsorted(SCORE_BANDS, scores, side="right") - 1, 0,
                   len(SCORE_BANDS) - 1)


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


def candidates(current: Plan, step: float, move_share: bool, move_threshold: bool,
               move_mix: bool) -> list[Plan]:
    """The current plan and its one-step neighbours, within the plan's bounds."""
    out = [current]
    if move_share:
        for d in (-step, step):
            s = float(np.clip(current.marketing_share + d, *SHARE_RANGE))
            if s != current.marketing_share:
                out.append(replace(current, marketing_share=s))
    if move_threshold:
        for d in (-step, step):
            t = float(np.clip(current.mql_threshold + d, *THRESHOLD_RANGE))
            if t != current.mql_threshold:
                out.append(replace(current, mql_threshold=t))
    if move_mix:
        mix = current.mix
        for i in range(4):
            for j in range(4):
                moved = min(step, mix[i] - MIX_FLOOR)
                if i == j or moved <= 0:
                    continue
                new = list(mix)
                new[i] -= moved
                new[j] += moved
                out.append(replace(current, mix=tuple(new)))
    return out


LEVERS = ("marketing_share", "mql_threshold", "mix")


def adopt(plans: list[Plan], scores: list[float]) -> Plan:
    """The plan adopted: for each lever, the best one-step move of that lever if it beats the
    current plan (index 0) by the adoption margin; the moves are combined, one step per lever
    (coordinate-wise incremental planning)."""
    current, bar = plans[0], scores[0] * (1 + ADOPTION_MARGIN) + 1e-9
    changes = {}
    for lever in LEVERS:
        moved = [(score, plan) for plan, score in zip(plans, scores, strict=True)
                 if getattr(plan, lever) != getattr(current, lever)]
        if moved:
            score, plan = max(moved, key=lambda sp: sp[0])
            if score > bar:
                changes[lever] = getattr(plan, lever)
    return replace(current, **changes)
