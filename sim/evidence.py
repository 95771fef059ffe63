"""What people see of the recent past: the evidence planners plan on and the business
averages reps weigh their time by. Both read the model's trailing weekly history (the flows of
the last weeks) and its current stocks; neither changes state."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from agents.sales_rep import Economics
from sim.customers import CHURN_CARED, CHURN_NEGLECTED, EXPANSION_PER_YEAR
from sim.forecast import MARKETING_CLOSE_BELIEF, Evidence, ScorePool
from sim.leads import Stage
from sim.market import PROSPECT_MIX
from sim.numerics import dot

if TYPE_CHECKING:
    from sim.model import AlignmentModel

QUALIFICATION_PRIOR = 0.5
CYCLE_PRIOR_WEEKS = 10.0
PRIOR_WEIGHT = 10.0
BAND_PRIOR_WEIGHT = 5.0


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
        account_arr_usd=float(arr.mean()) if len(arr) else 0.0,
        weekly_churn=float(m.weekly_churn.mean()),
        churn_cut_by_attention=CHURN_NEGLECTED - CHURN_CARED,
        expansion_per_week=EXPANSION_PER_YEAR / 52,
        w_shared=model.governance.w_shared,
        prospect_bias=model.params.behaviour.prospect_bias,
    )


def value_by_score(model: AlignmentModel) -> np.ndarray:
    """Booked ARR per MQL in each score band over the history, shrunk toward the overall mean
    so thin bands do not swing the plan."""
    mqls = sum(h[0] for h in model.score_history)
    won = sum(h[1] for h in model.score_history)
    overall = float(won.sum() / mqls.sum()) if mqls.sum() > 0 else 0.0
    return (won + BAND_PRIOR_WEIGHT * overall) / (mqls + BAND_PRIOR_WEIGHT)


def build_evidence(model: AlignmentModel, pooled: bool) -> Evidence:
    """The planner's view. Without pooled data or a scoreboard, marketing does not see what
    became of its MQLs and assumes they close at MARKETING_CLOSE_BELIEF once accepted. Pooled
    data (joint planning, a CRO) links outcomes to marketing's scores, so the planner sees what
    a marginal MQL is worth; everyone else scales the average."""
    mqls = _sum(model, "mqls")
    weeks = max(min(len(model.history), 13), 1)
    accepted = _sum(model, "mqls_accepted")
    acceptance = _ratio(accepted, mqls, 0.5)
    m = model.market
    sees_outcomes = pooled or model.governance.visibility.marketing_sees_outcomes
    if sees_outcomes:
        value_per_mql = _ratio(_sum(model, "bookings_marketing_usd", 26), _sum(model, "mqls", 26),
                               0.0)
    else:
        deal = dot(m.segment_weights(m.inquiry_mix), m.deal_size_usd)
        value_per_mql = acceptance * MARKETING_CLOSE_BELIEF * deal
    elasticity = model.params.market.spend_elasticity
    pool = (model.leads.stage == Stage.NURTURE) | (model.leads.stage == Stage.INQUIRY)
    won_cycle = cycle_weeks(model)
    qual = qualification_rate(model)
    arr = model.customers.arr.sum()
    return Evidence(
        budget_usd=model.budget.total(),
        elasticity=elasticity,
        # The pool as scored this week, this week's new MQLs included: without them the share
        # above the current threshold is near zero and any lower threshold looks like a flood.
        pool=ScorePool(model.leads.score[pool | (model.leads.mql_week == model.week)],
                       value_by_score(model) if pooled and model.score_history else None),
        mqls_per_week=mqls / weeks,
        acceptance=acceptance,
        value_per_mql_usd=value_per_mql,
        sales_usd_per_hour=_ratio(_sum(model, "bookings_sales_usd"),
                                  _sum(model, "prospecting_hours"), 0.0),
        rep_hours_per_mql=model.params.org.mql_followup_hours
        + acceptance * qual * model.params.org.opportunity_hours_per_week * won_cycle,
        arr_usd=float(arr),
        weekly_churn=_ratio(_sum(model, "churned_arr_usd"), float(arr) * weeks, 0.0),
        cycle_weeks=won_cycle,
        nurture_pool=float(pool.sum()),
    )


