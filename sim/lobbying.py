"""Lobbying for budget: a Tullock contest over the marketing share (Tullock 1980; Milgrom 1988
on influence costs).

Where one person's judgement splits the budget (allocator discretion: a single planner, no
formula) and a split is due (a pool at every planning event, separate budgets at the annual
round), the functional leaders who are not that planner each choose a lobbying level (hours a
week). The allocator's view of the plans tilts toward the side with the larger share of total
lobbying: tilt += sway * (2 * L_m / (L_m + L_s) - 1). Lobbying costs the lobbyist's hours (less
coaching of their team) and the other side's trust. Elsewhere (joint or formula planning,
separate budgets between rounds) nobody lobbies: levels are reset to zero at every planning
event (sim/planning.py).
"""

from __future__ import annotations

from agents.leaders import LOBBYING_HOURS

FULL_TIME_HOURS = 40.0
# Share of a team's effectiveness lost when its leader lobbies full time (coaching forgone).
COACHING_LOSS = 0.2
# Payoff cost of lobbying at the highest level, in normalised payoff units.
LOBBYING_COST = 0.3


def contest_tilt(marketing_hours: float, sales_hours: float, sway: float) -> float:
    """Tilt toward marketing (+) or sales (-) that lobbying buys; zero when nobody lobbies."""
    total = marketing_hours + sales_hours
    if total <= 0:
        return 0.0
    return sway * (2.0 * marketing_hours / total - 1.0)


def coaching_factor(leader_hours: float) -> float:
    return 1.0 - COACHING_LOSS * leader_hours / FULL_TIME_HOURS


def lobbying_payoff(share_gain: float, plan_step: float, hours: float) -> float:
    """1 + own side's budget-share gain in plan steps - the cost of the hours spent."""
    return max(1.0 + share_gain / plan_step - LOBBYING_COST * hours / LOBBYING_HOURS[-1], 0.0)
