"""Planners' mental model: a reduced-form view of the funnel, built from the evidence a
planner can see, that forecasts each candidate plan's weekly flows; and the objectives that
value a forecast over the planner's horizon.

Thresholds are forecast from flows, not stocks. What a threshold admits is read off the leads
that left the nurture pool (each at the best score it reached): lowering the threshold admits
the leads that peaked just below it, raising it turns away the MQLs that were handed over just
above it. Acceptance and the pipeline an MQL brings are read by score band from the demand
waterfall, and below the lowest band the planner has seen they are extrapolated along the
straight line that fits the bands seen (weighted least squares), as a funnel analyst would.

Horizons discount, they do not cut. A planner with horizon H values a weekly flow that starts
after a lag L as if discounted at rate 1/H a week: bookings-type flows (pipeline, bookings,
retained ARR) are worth H e^(-L/H) per unit a week, revenue (which a booking earns week after
week from its close) H^2 e^(-L/H) / 52. So a short horizon values late payoffs less but never
at zero, and a planner does not freeze when cycles grow past its horizon. Planning myopia as
discounting: Stein (1989); in-period budgeting cutting programmes with late payoffs is the
brief's finance planner.

Objectives (model brief): marketing counts the pipeline its accepted MQLs bring and the ARR
retention saves, over ~26 weeks; sales counts bookings over ~13 weeks; finance counts in-period
revenue; joint, formula and CRO planners count revenue, joint over 52 weeks without bias.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.customers import retention_cut
from sim.flows import BANDS, SCORE_BANDS
from sim.numerics import dot
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
LAG_HANDOFF = 3              # an MQL becomes an opportunity
# Without outcome data, marketing assumes accepted MQLs close at this rate (optimism).
MARKETING_CLOSE_BELIEF = 0.3
BAND_WIDTH = float(SCORE_BANDS[1] - SCORE_BANDS[0])
BAND_CENTRES = SCORE_BANDS + BAND_WIDTH / 2
# A band with this many observations weighs its own rate and the fitted line equally (fewer:
# the line more).
BAND_SHRINK = 5.0


def _line(y: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Per-band values of the weighted least-squares line through the bands with weight; flat
    through their mean where fewer than two bands were seen, zero where none were."""
    seen = weight > 0
    if not seen.any():
        return np.zeros(BANDS)
    w, x, v = weight[seen], BAND_CENTRES[seen], y[seen]
    total = math.fsum(w.tolist())
    mean_x, mean_v = dot(w, x) / total, dot(w, v) / total
    dx = x - mean_x
    spread = dot(w, dx * dx)
    slope = dot(w, dx * (v - mean_v)) / spread if len(w) >= 2 and spread > 0 else 0.0
    return mean_v + slope * (BAND_CENTRES - mean_x)


def _per_band(numerator: np.ndarray, denominator: np.ndarray, lo: float, hi: float
              ) -> np.ndarray:
    """A rate per band: the band's own rate shrunk toward the fitted line, the line where a band
    was never seen, clipped to [lo, hi]."""
    with np.errstate(divide="ignore", invalid="ignore"):
        own = np.where(denominator > 0, numerator / np.maximum(denominator, 1e-12), 0.0)
    line = _line(own, denominator)
    rate = (numerator + BAND_SHRINK * line) / (denominator + BAND_SHRINK)
    return np.clip(rate, lo, hi)


def _above(weights: np.ndarray, threshold: float) -> np.ndarray:
    """Each band's share lying at or above `threshold` (the band holding it counts in part)."""
    lower = SCORE_BANDS
    return np.clip((lower + BAND_WIDTH - threshold) / BAND_WIDTH, 0.0, 1.0) * weights


class BandView:
    """The demand waterfall by score band over the planner's window (sums of the weekly
    counts): leads leaving the pool by peak score, MQLs, contacted, accepted, and (where the
    planner links outcomes to scores) the opportunity value they brought."""

    def __init__(self, exits: np.ndarray, mqls: np.ndarray, contacted: np.ndarray,
                 accepted: np.ndarray, pipeline_usd: np.ndarray | None) -> None:
        self.exits = exits
        self._mix: dict[float, tuple[np.ndarray, float]] = {}
        self._acceptance = _per_band(accepted, contacted, 0.0, 1.0)
        self._pipeline = (None if pipeline_usd is None
                          else _per_band(pipeline_usd, mqls, 0.0, math.inf))

    def admitted(self, threshold: float) -> float:
        """Leads a week's inflow would hand over at `threshold`, relative units."""
        return self._admitted(threshold)[1]

    def _admitted(self, threshold: float) -> tuple[np.ndarray, float]:
        """The score-band mix a threshold admits and its total (candidate plans share a few
        thresholds, so each is computed once)."""
        if threshold not in self._mix:
            mix = _above(self.exits, threshold)
            self._mix[threshold] = (mix, math.fsum(mix.tolist()))
        return self._mix[threshold]

    def acceptance(self, threshold: float) -> float:
        """Share of contacted MQLs sales accepts among the MQLs `threshold` admits."""
        return self._mean(self._acceptance, threshold)

    def pipeline_per_mql(self, threshold: float) -> float | None:
        """Opportunity value per MQL among the MQLs `threshold` admits, if seen by band."""
        return None if self._pipeline is None else self._mean(self._pipeline, threshold)

    def _mean(self, rate: np.ndarray, threshold: float) -> float:
        mix, total = self._admitted(threshold)
        return dot(rate, mix) / total if total > 0 else 0.0


@dataclass(frozen=True)
class Evidence:
    """What a planner sees of the last weeks (weekly averages), before its own bias."""

    budget_usd: float
    elasticity: float
    bands: BandView
    mqls_per_week: float
    pipeline_per_mql_usd: float    # opportunity value per MQL handed over (as the planner sees it)
    sales_usd_per_hour: float      # self-sourced booked ARR per prospecting hour
    contact_hours_per_mql: float   # follow-up hours of a contacted MQL
    hours_per_accepted_mql: float  # opportunity hours an accepted MQL goes on to cost
    contact_share: float           # share of MQLs reps contact
    contact_capacity: float        # MQLs reps contact a week when they leave some uncontacted
    arr_usd: float
    weekly_churn: float
    cycle_weeks: float
    nurture_pool: float
    rejection_cost: float          # behaviour.rejection_cost (marketing's objective reads it)


@dataclass(frozen=True)
class Forecast:
    """Weekly flows a planner expects at steady state under a plan."""

    accepted_mqls: float
    rejected_mqls: float
    marketing_pipeline_usd: float
    sales_bookings_usd: float
    retention_saved_arr_usd: float
    nurture_factor: float


def bookings_value(horizon: float, lag: float) -> float:
    """Worth of one unit a week of a bookings-type flow starting after `lag` weeks."""
    return horizon * math.exp(-lag / horizon)


def revenue_value(horizon: float, lag: float) -> float:
    """Worth of one unit a week of bookings as the revenue it earns (ARR/52 a week from close)."""
    return horizon * horizon * math.exp(-lag / horizon) / 52.0


class Objective:
    name = "objective"

    def value(self, f: Forecast, e: Evidence, horizon: int) -> float:
        raise NotImplementedError


class MarketingObjective(Objective):
    """Pipeline from accepted MQLs and retained ARR; a rejected MQL, which marketing sees in the
    dispositions, costs it `rejection_cost` times what an accepted one brings (its standing
    with sales: the brief's "planners weigh the cost of rejected MQLs they can see")."""

    name = "marketing"

    def value(self, f: Forecast, e: Evidence, horizon: int) -> float:
        per_accepted = f.marketing_pipeline_usd / f.accepted_mqls if f.accepted_mqls > 0 else 0.0
        net = f.marketing_pipeline_usd - e.rejection_cost * f.rejected_mqls * per_accepted
        return (net * bookings_value(horizon, LAG_HANDOFF)
                + f.retention_saved_arr_usd * bookings_value(horizon, LAG_RETENTION))


class SalesObjective(Objective):
    name = "sales"

    def value(self, f: Forecast, e: Evidence, horizon: int) -> float:
        lag = e.cycle_weeks
        return (f.marketing_pipeline_usd * bookings_value(horizon, lag + LAG_HANDOFF)
                + f.sales_bookings_usd * bookings_value(horizon, lag))


class RevenueObjective(Objective):
    """Revenue earned, discounted over the horizon: over a finance period (13 weeks) returns
    that arrive late count little, which is how in-period budgeting cuts slow programmes; over a
    year (joint planning) they count nearly fully."""

    name = "revenue"

    def value(self, f: Forecast, e: Evidence, horizon: int) -> float:
        lag = e.cycle_weeks
        return (f.marketing_pipeline_usd * revenue_value(horizon, lag + LAG_HANDOFF)
                + f.sales_bookings_usd * revenue_value(horizon, lag)
                + f.retention_saved_arr_usd * revenue_value(horizon, LAG_RETENTION))


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
    admitted_now = e.bands.admitted(current.mql_threshold)
    admit_ratio = (e.bands.admitted(plan.mql_threshold) / admitted_now if admitted_now > 0
                   else 1.0)
    nurture = nurture_factor(spend[NURTURE], e.nurture_pool) / nurture_factor(
        now[NURTURE], e.nurture_pool)
    enable = (1 + enablement_lift(spend[ENABLEMENT])) / (1 + enablement_lift(now[ENABLEMENT]))
    mqls = e.mqls_per_week * inquiry_ratio * admit_ratio * nurture
    acceptance_now = e.bands.acceptance(current.mql_threshold)
    acceptance = e.bands.acceptance(plan.mql_threshold)
    seen_now = e.bands.pipeline_per_mql(current.mql_threshold)
    seen_new = e.bands.pipeline_per_mql(plan.mql_threshold)
    if seen_now is not None and seen_new is not None and seen_now > 0:
        quality = seen_new / seen_now
    else:  # no outcomes by score band: the MQL's worth is taken to follow its acceptance
        quality = acceptance / acceptance_now if acceptance_now > 0 else 1.0
    # Reps who already leave MQLs uncontacted will not contact more: beyond what they work a
    # week, extra MQLs bring nothing (and cost nothing but the hand-off).
    contacted = min(mqls * e.contact_share, e.contact_capacity)
    worked = contacted / (mqls * e.contact_share) if mqls > 0 and e.contact_share > 0 else 1.0
    pipeline = mqls * worked * e.pipeline_per_mql_usd * quality * enable * nurture * mkt_bias
    accepted = contacted * acceptance
    # Rep hours: funded by the sales budget; MQL work displaces own prospecting.
    sales_budget = e.budget_usd * (1 - plan.marketing_share)
    funded = min(1.0, sales_budget / max(rep_cost_usd, 1.0))
    programme = max(sales_budget - rep_cost_usd, 0.0)
    mql_hours = contacted * e.contact_hours_per_mql + accepted * e.hours_per_accepted_mql
    prospect_hours = max(rep_hours * funded - mql_hours, 0.0)
    programme_now = max(e.budget_usd * (1 - current.marketing_share) - rep_cost_usd, 0.0)
    sales_bookings = (e.sales_usd_per_hour * prospect_hours * enable * sales_bias
                      * (1 + prospecting_lift(programme)) / (1 + prospecting_lift(programme_now)))
    saved = e.arr_usd * e.weekly_churn * retention_cut(spend[RETENTION], e.arr_usd) * mkt_bias
    return Forecast(accepted, contacted - accepted, pipeline, sales_bookings, saved, nurture)
