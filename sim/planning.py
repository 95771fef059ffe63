"""The planning stage: at the cadence, the planner the governance names evaluates a few
candidate plans near the current one (sim/plan.py) with its own objective, horizon, data and
self-serving bias (sim/forecast.py), and adopts the best moves. Where one discretionary
allocator splits the budget (a pool, or the annual round of separate budgets), the other
functional leaders lobby (sim/lobbying.py). Planning events cost meeting hours.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from agents import trust
from agents.leaders import Leader
from sim.evidence import build_evidence
from sim.forecast import OBJECTIVES, Evidence, Objective, forecast
from sim.governance import MARKETING_VIEW
from sim.lobbying import contest_tilt, lobbying_payoff
from sim.plan import SHARE_RANGE, Plan, adopt, candidates

if TYPE_CHECKING:
    from sim.model import AlignmentModel

FIRST_PLANNING_WEEK = 13
BUDGET_YEAR_WEEKS = 52
# Marketing's own view of the threshold under a unilateral lead definition: its objective
# over its usual horizon.
UNILATERAL_HORIZON_WEEKS = 26


def due(model: AlignmentModel) -> bool:
    return (model.params.behaviour.behaviour_on and model.week >= FIRST_PLANNING_WEEK
            and model.week % model.governance.cadence_weeks == 0)


def meeting_hours(model: AlignmentModel) -> float:
    """Hours each rep loses to a planning meeting this week (recorded in the week's flows).
    The planners meet; joint planning pulls every person into pipeline and plan reviews."""
    model.planning_meeting_this_week = False
    if not due(model):
        return 0.0
    hours = model.params.org.meeting_hours_per_event
    people = len(model.governance.planner.planners)
    everyone = model.governance.planner.everyone_meets
    model.planning_meeting_this_week = everyone
    if everyone:
        people += len(model.reps) + len(model.marketers)
    model.flows.meeting_hours += hours * people
    return hours if everyone else 0.0


def plan_if_due(model: AlignmentModel) -> None:
    if not due(model):
        return
    g, rule = model.governance, model.governance.planner
    # Separate budgets are split once a budget year, at its first planning event.
    annual_round = model.week >= model.next_budget_round_week
    if annual_round:
        model.next_budget_round_week += BUDGET_YEAR_WEEKS
    split_due = g.share_revisable or annual_round
    step = model.params.behaviour.plan_step
    evidence = build_evidence(model, rule.view)
    by_rule = rule.split_by_contribution
    plans = candidates(model.plan, step, move_share=split_due and not by_rule,
                       move_threshold=g.planner_sets_threshold, move_mix=True)
    lobbyists = _lobbyists(model) if split_due and g.allocator_discretion else []
    for leader in model.leaders.values():
        leader.lobbying_level = 0
    for leader in lobbyists:
        leader.choose_lobbying()
    contest = contest_tilt(model.leaders["cmo"].lobbying_hours,
                           model.leaders["head_of_sales"].lobbying_hours,
                           model.params.behaviour.lobbying_sway)
    before = model.plan.marketing_share
    scores = _score(model, plans, evidence, rule.objective, rule.horizon_weeks, rule.tilt,
                    contest)
    model.plan = adopt(plans, scores)
    if by_rule and split_due:
        model.plan = replace(model.plan, marketing_share=contribution_share(model, step))
    if lobbyists:
        # What lobbying bought: the split adopted against the split the planner would have
        # chosen unswayed (leaders credit lobbying with the moves it caused, and only those).
        unswayed = adopt(plans, _score(model, plans, evidence, rule.objective,
                                       rule.horizon_weeks, rule.tilt, 0.0))
        bought = model.plan.marketing_share - unswayed.marketing_share
        _learn_lobbying(model, lobbyists, bought, step)
    _react_to_budget(model, model.plan.marketing_share - before, rule.tilt, step)
    if annual_round:
        model.budget_year_share = model.plan.marketing_share


def contribution_share(model: AlignmentModel, step: float) -> float:
    """Formula allocation: the marketing share moves one step at most toward marketing's
    measured share of bookings over the history people can see (seed 003's equitable budget)."""
    sums = model.history_sums(len(model.history))
    booked = sums.get("bookings_marketing_usd", 0.0) + sums.get("bookings_sales_usd", 0.0)
    current = model.plan.marketing_share
    if booked <= 0:
        return current
    target = float(np.clip(sums["bookings_marketing_usd"] / booked, *SHARE_RANGE))
    return current + float(np.clip(target - current, -step, step))


def _lobbyists(model: AlignmentModel) -> list[Leader]:
    """The functional leaders who are not the allocator lobby the one who is."""
    planners = model.governance.planner.planners
    return [model.leaders[role] for role in ("cmo", "head_of_sales") if role not in planners]


def _learn_lobbying(model: AlignmentModel, lobbyists: list[Leader], bought: float,
                    step: float) -> None:
    b = model.params.behaviour
    for leader in lobbyists:
        gain = bought if leader is model.leaders["cmo"] else -bought
        leader.learn_lobbying(lobbying_payoff(gain, step, leader.lobbying_hours),
                              b.learning_forgetting, b.learning_experimentation)


def score_plans(plans: list[Plan], evidence: Evidence, current: Plan, objective: Objective,
                horizon: int, tilt: float, rep_cost_usd: float, rep_hours: float) -> list[float]:
    """Each plan's value to a planner: its objective over its horizon of the forecast flows."""
    return [objective.value(forecast(plan, evidence, current, tilt, rep_cost_usd, rep_hours),
                            evidence, horizon)
            for plan in plans]


def _react_to_budget(model: AlignmentModel, share_change: float, planner_tilt: float,
                     step: float) -> None:
    """A biased planner's budget move against the other department reads as unfair there: a
    bad trust event for its people, as large as the move in plan steps (a neutral planner's
    or a rule's move does not)."""
    b = model.params.behaviour
    if share_change == 0 or planner_tilt == 0 or (share_change > 0) != (planner_tilt > 0):
        return
    losers = model.reps if share_change > 0 else model.marketers
    size = min(abs(share_change) / step, 1.0)
    for person in losers:
        person.trust = trust.event_update(person.trust, 0.0, size, b.trust_rate,
                                          b.loss_aversion)


def review_lead_definition(model: AlignmentModel) -> None:
    """Unilateral lead definition: marketing revisits its MQL threshold on its own schedule
    (behaviour.lead_definition_review_weeks), by its own objective and view, whatever the
    budget cadence."""
    b = model.params.behaviour
    if (model.governance.planner_sets_threshold or not b.behaviour_on
            or model.week < FIRST_PLANNING_WEEK
            or model.week % b.lead_definition_review_weeks):
        return
    step = b.plan_step
    plans = candidates(model.plan, step, move_share=False, move_threshold=True, move_mix=False)
    evidence = build_evidence(model, MARKETING_VIEW)
    scores = _score(model, plans, evidence, OBJECTIVES["marketing"], UNILATERAL_HORIZON_WEEKS,
                    1.0, 0.0)
    model.plan = adopt(plans, scores)


def _score(model: AlignmentModel, plans: list[Plan], evidence: Evidence, objective: Objective,
           horizon: int, tilt: float, contest: float) -> list[float]:
    """Plans scored with the planner's objective, horizon and bias, and the view lobbying bent
    (joint planners share one view: pooled data, one objective, no bias)."""
    org = model.params.org
    bias = tilt * model.params.behaviour.planner_bias + contest
    return score_plans(plans, evidence, model.plan, objective, horizon, bias,
                       org.rep_cost_per_week_usd * len(model.reps),
                       org.rep_hours_per_week * len(model.reps))
