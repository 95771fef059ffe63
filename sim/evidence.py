"""What people see of the recent past: the evidence planners plan on and the business
averages reps weigh their time by. Both read the model's trailing weekly history (the flows of
the last weeks) and its current stocks; neither changes state."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from agents.sales_rep import Economics
from sim.customers import CHURN_CARED, CHURN_NEGLECTED, EXPANSION_PER_YEAR
from sim.flows import BAND_FIELDS
from sim.forecast import MARKETING_CLOSE_BELIEF, BandView, Evidence
from sim.leads import Stage
from sim.market import PROSPECT_MIX
from sim.numerics import dot, mean

if TYPE_CHECKING:
    from sim.governance import DataView
    from sim.model import AlignmentModel

QUALIFICATION_PRIOR = 0.5
CYCLE_PRIOR_WEEKS = 10.0
PRIOR_WEIGHT = 10.0
# Reps who contact less than this share of the MQLs handed to them are working at capacity.
SATURATED_CONTACT_SHARE = 0.95


def _sum(model: AlignmentModel, key: str, weeks: int = 13) -> float:
    return model.history_sums(weeks).get(key, 0.0)


def _ratio(num: float, den: float, fallback: float) -> float:
    return num / den if den > 0 else fallback


def _smoothed(num: float, den: float, prior: float, weight: float = PRIOR_WEIGHT) -> float:
    """A rate shrunk toward its prior, so a few early outcomes cannot zero it."""
    return (num + weight * prior) / (den + weight)


def cycle_weeks(model: AlignmentModel) -> float:
    won = _sum(model, "won_marketing", 26) + _sum(model, "won_sales", 26)
    return _smoothed(_sum(model, "won_cycle_weeks", 26), won,
                     CYCLE_PRIOR_WEEKS * model.params.market.cycle_scale)


def recent_win_rate(model: AlignmentModel) -> float:
    won = _sum(model, "won_marketing", 26) + _sum(model, "won_sales", 26)
    m = model.market
    prior = dot(m.segment_weights(m.inquiry_mix), m.base_win_rate)
    return _smoothed(won, won + _sum(model, "lost", 26), prior)


def qualification_rate(model: AlignmentModel) -> float:
    sqls = _sum(model, "sqls_marketing") + _sum(model, "sqls_sales")
    sals = _sum(model, "sals_marketing") + _sum(model, "prospects")
    return min(_smoothed(sqls, sals, QUALIFICATION_PRIOR), 1.0)


def rep_economics(model: AlignmentModel) -> Economics:
    org, m = model.params.org, model.market
    weights = m.segment_weights(m.inquiry_mix)
    won = _sum(model, "won_marketing", 26) + _sum(model, "won_sales", 26)
    booked = _sum(model, "bookings_marketing_usd", 26) + _sum(model, "bookings_sales_usd", 26)
    avg_deal = _smoothed(booked, won, dot(weights, m.deal_size_usd))
    win_rate = recent_win_rate(model)
    arr = model.customers.arr
    return Economics(
        mql_deal_usd=dot(weights, m.deal_size_usd),
        prospect_deal_usd=dot(m.segment_weights(PROSPECT_MIX), m.deal_size_usd),
        opportunity_value_usd=win_rate * avg_deal,
        cycle_weeks=cycle_weeks(model),
        qualification_rate=qualification_rate(model),
        prospects_per_hour=org.prospects_per_hour,
        opportunity_hours=org.opportunity_hours_per_week,
        mql_hours=org.mql_followup_hours,
        account_hours=org.account_hours_per_customer,
        account_arr_usd=mean(arr) if len(arr) else 0.0,
        weekly_churn=mean(m.weekly_churn),
        churn_cut_by_attention=CHURN_NEGLECTED - CHURN_CARED,
        expansion_per_week=EXPANSION_PER_YEAR / 52,
        w_shared=model.governance.w_shared,
        prospect_bias=model.params.behaviour.prospect_bias,
    )


def band_view(model: AlignmentModel, view: DataView) -> BandView:
    """The demand waterfall by score band over the history, as `view` lets a planner read it.
    A planner who links outcomes to scores only through reps' feedback (marketing) blends what
    it is told with its own belief that an accepted MQL closes at MARKETING_CLOSE_BELIEF."""
    sums = {name: sum(week[name] for week in model.band_history) for name in BAND_FIELDS}
    if not view.outcomes_by_score:
        pipeline = None
    elif view.outcomes_via_feedback:
        believed = sums["accepted"] * MARKETING_CLOSE_BELIEF * _mql_deal(model)
        pipeline = model.feedback_rate * sums["pipeline_usd"] + (
            1 - model.feedback_rate) * believed
    else:
        pipeline = sums["pipeline_usd"]
    return BandView(sums["exits"], sums["mqls"], sums["contacted"], sums["accepted"], pipeline)


def _mql_deal(model: AlignmentModel) -> float:
    m = model.market
    return dot(m.segment_weights(m.inquiry_mix), m.deal_size_usd)


def build_evidence(model: AlignmentModel, view: DataView) -> Evidence:
    """The planner's view of the last weeks. Every planner sees the flows of the funnel; what
    an MQL is worth it reads from outcomes where it sees them (the whole pipeline its MQLs
    brought), through feedback where only reps' reports and a scoreboard show them (blended
    with marketing's own belief), or only on average (finance: the average pipeline per MQL,
    its change with the threshold taken to follow acceptance)."""
    weeks = max(min(len(model.history), 13), 1)
    mqls = _sum(model, "mqls")
    contacted = _sum(model, "mqls_contacted")
    observed = _ratio(_sum(model, "pipeline_marketing_usd", 26), _sum(model, "mqls", 26), 0.0)
    if view.outcomes_via_feedback:
        acceptance = _ratio(_sum(model, "mqls_accepted", 26), _sum(model, "mqls", 26), 0.5)
        believed = acceptance * MARKETING_CLOSE_BELIEF * _mql_deal(model)
        pipeline_per_mql = model.feedback_rate * observed + (1 - model.feedback_rate) * believed
    else:
        pipeline_per_mql = observed
    pool = (model.leads.stage == Stage.NURTURE) | (model.leads.stage == Stage.INQUIRY)
    arr = float(model.customers.arr.sum())
    org = model.params.org
    return Evidence(
        budget_usd=model.budget.total(),
        elasticity=model.params.market.spend_elasticity,
        bands=band_view(model, view),
        mqls_per_week=mqls / weeks,
        pipeline_per_mql_usd=pipeline_per_mql,
        sales_usd_per_hour=_ratio(_sum(model, "bookings_sales_usd"),
                                  _sum(model, "prospecting_hours"), 0.0),
        contact_hours_per_mql=org.mql_followup_hours,
        hours_per_accepted_mql=qualification_rate(model) * org.opportunity_hours_per_week
        * cycle_weeks(model),
        contact_share=min(_ratio(contacted, mqls, 1.0), 1.0),
        contact_capacity=(contacted / weeks if contacted < SATURATED_CONTACT_SHARE * mqls
                          else math.inf),
        arr_usd=arr,
        weekly_churn=_ratio(_sum(model, "churned_arr_usd"), arr * weeks, 0.0),
        cycle_weeks=cycle_weeks(model),
        nurture_pool=float(np.count_nonzero(pool)),
        rejection_cost=model.params.behaviour.rejection_cost,
    )
