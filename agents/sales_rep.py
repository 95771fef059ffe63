"""Sales rep: splits the week's hours by perceived value per hour, and judges MQLs.

Time allocation: live opportunities have first call on the week (deals in hand come first);
the remaining hours are a noisy best response (a power-law choice rule, Luce 1959) over MQL
follow-up, account management and own prospecting, in proportion to perceived value per hour
raised to ALLOCATION_SHARPNESS, each capped by what the work needs; prospecting is uncapped.
The perceived value of an MQL reads the rep's belief that an MQL closes and trust in marketing;
own prospects are overvalued by `prospect_bias` to the extent pay is on the rep's own bookings
(1 - w_shared). Account work earns expansion (upsell) bookings, which count as the rep's own,
and saves renewals, which earn a small commission under siloed pay and full credit under
shared revenue.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import mesa
import numpy as np

from agents.base import SALES_DEPT, Lessons, Person

OPPORTUNITIES, MQL_FOLLOW_UP, ACCOUNTS, PROSPECTING = range(4)
ACTIVITIES = ("opportunities", "mql_follow_up", "accounts", "prospecting")
ALLOCATION_SHARPNESS = 2.0
RENEWAL_COMMISSION = 0.3
# Acceptance bar on the rep's read of a lead's fit (funnel.handoff discounts the read by trust).
ACCEPT_BAR = 0.5
# Weight of one week's experience in a rep's belief that an MQL closes.
BELIEF_RATE = 0.1
# Share of hours a rep spends on accounts when behaviour is switched off (docking).
FIXED_ACCOUNT_SHARE = 0.3


@dataclass(frozen=True, slots=True)
class Workload:
    hours_available: float
    pending_mqls: int
    open_opportunities: int
    accounts: int


@dataclass(frozen=True, slots=True)
class Economics:
    """What every rep knows of the business, from last weeks' averages."""

    mql_deal_usd: float
    prospect_deal_usd: float
    opportunity_value_usd: float   # expected value of an open opportunity
    cycle_weeks: float
    qualification_rate: float
    prospects_per_hour: float
    opportunity_hours: float
    mql_hours: float
    account_hours: float
    account_arr_usd: float
    weekly_churn: float
    churn_cut_by_attention: float
    expansion_per_week: float
    w_shared: float
    prospect_bias: float


class SalesRep(Person):
    department = SALES_DEPT
    role = "sales_rep"

    def __init__(self, model: mesa.Model, rng: np.random.Generator, index: int,
                 trust: float, cooperation: float, skill: float) -> None:
        super().__init__(model, rng, trust, cooperation, index)
        self.skill = skill
        self.belief_mql_win = 0.08
        """Believed chance that a contacted MQL ends won."""
        self.belief_prospect_win = 0.18
        """Believed chance that an own prospect ends won."""
        self.hours = [0.0, 0.0, 0.0, 0.0]
        self.contacts = 0
        self._contact_carry = 0.0

    def perceived_values(self, econ: Economics) -> tuple[float, float, float, float]:
        """Value per hour of each activity as this rep sees it, USD/h."""
        path = econ.qualification_rate * econ.opportunity_hours * econ.cycle_weeks
        opp = econ.opportunity_value_usd / (econ.opportunity_hours * econ.cycle_weeks)
        mql = (self.belief_mql_win * econ.mql_deal_usd * (0.5 + self.trust)
               / (econ.mql_hours + path))
        own_premium = econ.prospect_bias ** (1.0 - econ.w_shared)
        prospect = (self.belief_prospect_win * econ.prospect_deal_usd * own_premium
                    / (1.0 / max(econ.prospects_per_hour, 1e-9) + path))
        credit = (1.0 - econ.w_shared) * RENEWAL_COMMISSION + econ.w_shared
        accounts = ((econ.churn_cut_by_attention * econ.weekly_churn * credit
                     + econ.expansion_per_week) * econ.account_arr_usd
                    / max(econ.account_hours, 1e-9))
        return opp, mql, accounts, prospect

    def learn(self, lessons: Lessons) -> None:
        super().learn(lessons)
        assert lessons.mqls_contacted is not None and lessons.mqls_opportunities is not None
        self.update_belief(float(lessons.mqls_contacted[self.index]),
                           float(lessons.mqls_opportunities[self.index]), lessons.win_rate)

    def plan_week(self, workload: dict[str, list[int]], hours: float, feedback_hours: float,
                  econ: Economics, behaviour_on: bool) -> None:
        """Read this rep's row of the week's workload and split the week."""
        i = self.index
        own = hours - (feedback_hours if self.cooperating and behaviour_on else 0.0)
        self.allocate_time(Workload(max(own, 0.0), workload["pending"][i],
                                    workload["opportunities"][i], workload["accounts"][i]),
                           econ, behaviour_on)

    def update_belief(self, contacted: float, opportunities: float, win_rate: float) -> None:
        """Experience with marketing leads: wins to expect per contacted MQL, smoothed."""
        if contacted > 0:
            seen = min(opportunities / contacted, 1.0) * win_rate
            self.belief_mql_win += BELIEF_RATE * (seen - self.belief_mql_win)

    def allocate_time(self, work: Workload, econ: Economics, behaviour_on: bool) -> None:
        demand = (
            work.open_opportunities * econ.opportunity_hours,
            work.pending_mqls * econ.mql_hours,
            work.accounts * econ.account_hours,
            math.inf,
        )
        if behaviour_on:
            # Live deals have first call on the week; a cooperating rep also gives MQLs first
            # call (prompt follow-up, the cooperative act); the rest goes by perceived value.
            weights = [max(v, 1e-9) ** ALLOCATION_SHARPNESS for v in self.perceived_values(econ)]
            weights[OPPORTUNITIES] = math.inf
            if self.cooperating:
                weights[MQL_FOLLOW_UP] = math.inf
        else:
            # Docking: every MQL and opportunity is worked, a fixed share goes to accounts.
            weights = [math.inf, math.inf, FIXED_ACCOUNT_SHARE, 1 - FIXED_ACCOUNT_SHARE]
        self.hours = fill_hours(work.hours_available, demand, weights)
        wanted = self.hours[MQL_FOLLOW_UP] / econ.mql_hours + self._contact_carry
        self.contacts = int(wanted)
        self._contact_carry = min(wanted - self.contacts, 1.0) if work.pending_mqls else 0.0


def fill_hours(total: float, demand: Sequence[float], weights: Sequence[float]) -> list[float]:
    """Split `total` hours in proportion to `weights`, never past an activity's demand.

    An infinite weight means 'first call on the hours' (up to demand). Hours an activity cannot
    use go to the others, again by weight. Plain floats: this runs for every rep every week.
    """
    n = len(demand)
    hours = [0.0] * n
    left = total
    open_ = []
    for i in range(n):
        if math.isinf(weights[i]):
            hours[i] = min(demand[i], left)
            left -= hours[i]
        elif demand[i] > 0:
            open_.append(i)
    while left > 1e-9 and open_:
        weight_sum = sum(weights[i] for i in open_)
        if weight_sum <= 0:
            break
        scale = left / weight_sum
        capped = [i for i in open_ if scale * weights[i] >= demand[i] - hours[i]]
        if not capped:
            for i in open_:
                hours[i] += scale * weights[i]
            break
        for i in capped:
            left -= demand[i] - hours[i]
            hours[i] = demand[i]
        open_ = [i for i in open_ if i not in capped]
    return hours
