"""The planning stage: at the cadence, the planner the governance names evaluates a few
candidate plans near the current one (sim/plan.py) with its own objective, horizon, data and
self-serving bias (sim/forecast.py), and adopts the best moves. Under a pool with one
discretionary allocator, leaders lobby (sim/lobbying.py). Planning events cost meeting hours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agents import trust
from sim.evidence import build_evidence
from sim.forecast import OBJECTIVES, Evidence, Objective, forecast
from sim.lobbying import contest_tilt, lobbying_payoff
from sim.plan import Plan, adopt, candidates

if TYPE_CHECKING:
    from sim.model import AlignmentModel

FIRST_PLANNING_WEEK = 13
# Marketing's own view of the threshold under a unilateral lead definition: its objective
# over its usual horizon.
UNILATERAL_HORIZON_WEEKS = 26


def due(model: AlignmentModel) -> bool:
    return (model.params.behaviour.behaviour_on and model.week >= FIRST_PLANNING_WEEK
            and model.week % model.governance.cadence_weeks == 0)


def meeting_hours(model: AlignmentModel) -> float:
    """Hours each rep loses to a planning meeting this week (recorded in the week's flows)."""
    model.planning_meeting_this_week = False
    if not due(model):
        return 0.0
    hours = model.params.org.meeting_hours_per_event
    people = len(model.leaders)
    everyone = model.governance.planner.everyone_meets
    model.planning_meeting_this_week = everyone
    if everyone:
        people += len(model.reps) + len(model.marketers)
    model.flows.meeting_hours += hours * people
    return hours if everyone else 0.0


def plan_if_due(model: AlignmentModel) -> None:
    if not due(model):
        return
    g = model.governance
    annual_round = model.week % 52 == 0
    rule = g.planner
    evidence = build_evidence(model, pooled=rule.pooled_data)
    step = model.params.behaviour.plan_step
    plans = candidates(model.plan, step, move_share=g.share_revisable or annual_round,
                       move_threshold=g.planner_sets_threshold, move_mix=True)
    cmo, head = model.leaders["cmo"], model.leaders["head_of_sales"]
    tilt = rule.tilt
    # Leaders lobby wherever they like; it can only sway an allocator with discretion.
    cmo.choose_lobbying()
    head.choose_lobbying()
    if g.allocator_discretion:
        tilt += contest_tilt(cmo.lobbying_hours, head.lobbying_hours,
                             model.params.behaviour.lobbying_sway)
    before = model.plan.marketing_share
    scores = _score(model, plans, evidence, rule.objective, rule.horizon_weeks, tilt)
    model.plan = adopt(plans, scores)
    _react_to_budget(model, model.plan.marketing_share - before, rule.tilt, step)
    if not g.planner_sets_threshold:
        _marketing_sets_threshold(model, step)
    if annual_round:
        model.budget_year_share = model.plan.marketing_share


def score_plans(plans: list[Plan], evidence: Evidence, current: Plan, objective: Objective,
                horizon: int, tilt: float, rep_cost_usd: float, rep_hours: float) -> list[float]:
    """Each plan's value to a planner: its objective over its horizon of the forecast flows."""
    return [objective.value(forecast(plan, evidence, current, tilt, rep_cost_usd, rep_hours),
                            evidence, horizon)
            for plan in plans]


def _react_to_budget(model: AlignmentModel, share_change: float, planner_tilt: float,
                     step: float) -> None:
    """Leaders learn lobbying from what it bought; a biased planner's budget move against a
    department reads as unfair there (a trust loss), a neutral planner's does not."""
    b = model.params.behaviour
    for leader, gain in ((model.leaders["cmo"], share_change),
                         (model.leaders["head_of_sales"], -share_change)):
        leader.learn_lobbying(lobbying_payoff(gain, step, leader.lobbying_hours),
                              b.learning_forgetting, b.learning_experimentation)
    if share_change == 0 or planner_tilt == 0:
        return
    losers = model.reps if share_change > 0 else model.marketers
    for person in losers:
        person.trust = trust.event_update(person.trust, 0.0, 1.0, b.trust_rate, b.loss_aversion)


def _marketing_sets_threshold(model: AlignmentModel, step: float) -> None:
    """Unilateral lead definition: the CMO moves the threshold by marketing's objective."""
    plans = candidates(model.plan, step, move_share=False, move_threshold=True, move_mix=False)
    evidence = build_evidence(model, pooled=False)
    scores = _score(model, plans, evidence, OBJECTIVES["marketing"], UNILATERAL_HORIZON_WEEKS,
                    1.0)
    model.plan = adopt(plans, scores)


def _score(model: AlignmentModel, plans: list[Plan], evidence: Evidence, objective: Objective,
           horizon: int, tilt: float) -> list[float]:
    """Plans scored with the planner's objective, horizon and bias (joint planners share one
    view: pooled data, one objective, no bias)."""
    org = model.params.org
    bias = tilt * model.params.behaviour.planner_bias
    return score_plans(plans, evidence, model.plan, objective, horizon, bias,
                       org.rep_cost_per_week_usd * len(model.reps),
                       org.rep_hours_per_week * len(model.reps))
