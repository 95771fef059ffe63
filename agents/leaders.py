"""Leaders: the CMO, the head of sales, a CRO (only in CRO or merged structures) and the finance
planner. A leader plans when the governance names its role: it scores candidate plans with the
objective, horizon and bias the governance gives it, on the evidence it can see. Leaders also
choose how much to lobby for budget, and learn it by reinforcement."""

from __future__ import annotations

import numpy as np

from agents.base import (
    FINANCE_DEPT,
    MARKETING_DEPT,
    PAYOFF_MEMORY,
    REVENUE_DEPT,
    SALES_DEPT,
    Person,
)
from sim import learning
from sim.lobbying import LOBBYING_HOURS
from sim.planning import Evidence, Objective, Plan, forecast


class Leader(Person):
    def __init__(self, model, rng: np.random.Generator, trust: float, cooperation: float) -> None:
        super().__init__(model, rng, trust, cooperation)
        # Lobbying propensities over LOBBYING_HOURS levels: most leaders start not lobbying much.
        self.lobbying_propensity = [5.0, 3.0, 2.0]
        self.lobbying_level = 0
        self.lobbying_payoff = 1.0
        """Running payoff of lobbying decisions: the reference point reinforcement is
        measured from."""

    @property
    def lobbying_hours(self) -> float:
        return LOBBYING_HOURS[self.lobbying_level]

    def choose_lobbying(self) -> None:
        self.lobbying_level = learning.choose(self.lobbying_propensity,
                                              self.personal_rng.random())

    def learn_lobbying(self, payoff: float, forgetting: float, experimentation: float) -> None:
        self.lobbying_propensity = learning.reinforce(
            self.lobbying_propensity, self.lobbying_level, payoff - self.lobbying_payoff,
            forgetting, experimentation)
        self.lobbying_payoff += PAYOFF_MEMORY * (payoff - self.lobbying_payoff)

    def score_plans(self, plans: list[Plan], evidence: Evidence, current: Plan,
                    objective: Objective, horizon: int, tilt: float, rep_cost_usd: float,
                    rep_hours: float) -> list[float]:
        return [objective.value(forecast(plan, evidence, current, tilt, rep_cost_usd, rep_hours),
                                evidence, horizon)
                for plan in plans]


class CMO(Leader):
    department = MARKETING_DEPT
    role = "cmo"


class HeadOfSales(Leader):
    department = SALES_DEPT
    role = "head_of_sales"


class CRO(Leader):
    department = REVENUE_DEPT
    role = "cro"


class FinancePlanner(Leader):
    department = FINANCE_DEPT
    role = "finance"
