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

Acceptance: after first contact a rep accepts an MQL when working it on looks worth at least
what the same hours would earn prospecting. The rep reads a lead's sales worth (fit and
readiness to buy; funnel.handoff: a noisy read, discounted by low trust) and expects it to win
in proportion: belief_win_per_worth x worth. So the bar on the read is (value per hour of
prospecting) x (hours to work an accepted lead) / (belief_win_per_worth x MQL deal size), each
as the rep perceives it. Everything that moves those values moves the bar: beliefs learned
from experience, the own-prospect premium of siloed pay.

Beliefs (chance a contacted MQL or an own prospect ends won; wins per unit of worth of an
accepted MQL) are the rep's own record: running counts of wins over running counts of leads,
each exponentially smoothed at BELIEF_RATE (wins lag the leads that made them by a cycle).
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
# Bounds of the acceptance bar on the rep's read of a lead's sales worth (fit and readiness).
ACCEPT_BAR_RANGE = (0.05, 0.95)
# Weight of one week's experience in a rep's running counts of leads and wins.
BELIEF_RATE = 0.1
# Leads' worth of experience a rep's initial beliefs carry (the running counts start there).
PRIOR_LEADS = 1.0
# Which of the week's outcomes (Lessons.rep_outcomes) each running count learns from.
LEARNS_FROM = (("contacted", "contacted"), ("won_from_contacted", "won_mqls"),
               ("accepted_worth", "accepted_worth"), ("won_from_accepted", "won_mqls"),
               ("prospects", "prospects"), ("won_from_prospects", "won_prospects"))
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
                 trust: float, cooperation_intercept: float, skill: float) -> None:
        super().__init__(model, rng, trust, cooperation_intercept, index)
        self.skill = skill
        # Running (exponentially weighted) counts of the rep's own leads and the wins they
        # brought; each belief is a ratio of two, starting from PRIOR_LEADS leads' worth of
        # prior experience.
        self._experience = {
            "contacted": PRIOR_LEADS, "won_from_contacted": PRIOR_LEADS * 0.08,
            "accepted_worth": PRIOR_LEADS, "won_from_accepted": PRIOR_LEADS * 0.2,
            "prospects": PRIOR_LEADS, "won_from_prospects": PRIOR_LEADS * 0.12,
        }
        self.accept_bar = ACCEPT_BAR_RANGE[0]
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

    def set_acceptance_bar(self, econ: Economics, prospect_usd_per_hour: float) -> None:
        """The read worth below which working an MQL on is worth less than prospecting."""
        path = econ.qualification_rate * econ.opportunity_hours * econ.cycle_weeks
        per_worth = self.belief_win_per_worth * econ.mql_deal_usd
        bar = prospect_usd_per_hour * path / max(per_worth, 1e-9)
        self.accept_bar = min(max(bar, ACCEPT_BAR_RANGE[0]), ACCEPT_BAR_RANGE[1])

    @property
    def belief_mql_win(self) -> float:
        """Believed chance that a contacted MQL ends won."""
        return self._experience["won_from_contacted"] / self._experience["contacted"]

    @property
    def belief_win_per_worth(self) -> float:
        """Believed chance that an accepted MQL ends won, per unit of its sales worth."""
        return self._experience["won_from_accepted"] / self._experience["accepted_worth"]

    @property
    def belief_prospect_win(self) -> float:
        """Believed chance that an own prospect ends won."""
        return self._experience["won_from_prospects"] / self._experience["prospects"]

    def learn(self, lessons: Lessons) -> None:
        super().learn(lessons)
        row = lessons.rep_outcomes
        assert row is not None
        i, e = self.index, self._experience
        for count, outcome in LEARNS_FROM:
            e[count] += BELIEF_RATE * (float(row[outcome][i]) - e[count])

    def plan_week(self, workload: dict[str, list[int]], hours: float, feedback_hours: float,
                  econ: Economics, behaviour_on: bool) -> None:
        """Read this rep's row of the week's workload and split the week."""
        i = self.index
        own = hours - (feedback_hours if self.cooperating and behaviour_on else 0.0)
        values = self.perceived_values(econ) if behaviour_on else None
        self.allocate_time(Workload(max(own, 0.0), workload["pending"][i],
                                    workload["opportunities"][i], workload["accounts"][i]),
                           econ, values)
        if values is not None:
            self.set_acceptance_bar(econ, values[PROSPECTING])

    def allocate_time(self, work: Workload, econ: Economics,
                      values: tuple[float, float, float, float] | None) -> None:
        """Split the week: by perceived `values` (USD/h per activity), or, with behaviour off
        (values None), the fixed docking split."""
        demand = (
            work.open_opportunities * econ.opportunity_hours,
            work.pending_mqls * econ.mql_hours,
            work.accounts * econ.account_hours,
            math.inf,
        )
        if values is not None:
            # Live deals have first call on the week; a cooperating rep also gives MQLs first
            # call (prompt follow-up, the cooperative act); the rest goes by perceived value.
            weights = [max(v, 1e-9) ** ALLOCATION_SHARPNESS for v in values]
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
        weight_sum = sum([weights[i] for i in open_])  # a list: cheaper than a generator
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
