"""Leaders: the CMO, the head of sales, a CRO (only in CRO or merged structures) and the finance
planner. Which leader plans, with what objective, horizon and bias, is the governance's to say
(sim/planning.py scores the plans); a leader here holds what is personal: how much to lobby for
budget, learned by reinforcement."""

from __future__ import annotations

import mesa
import numpy as np

from agents import learning
from agents.base import (
    FINANCE_DEPT,
    MARKETING_DEPT,
    REVENUE_DEPT,
    SALES_DEPT,
    Person,
)

# A leader's lobbying levels, hours a week.
LOBBYING_HOURS = (0.0, 4.0, 12.0)


class Leader(Person):
    def __init__(self, model: mesa.Model, rng: np.random.Generator, trust: float,
                 cooperation_intercept: float) -> None:
        super().__init__(model, rng, trust, cooperation_intercept)
        # Lobbying propensities over LOBBYING_HOURS levels: most leaders start not lobbying much.
        self.lobbying_propensity = [5.0, 3.0, 2.0]
        self.lobbying_level = 0

    @property
    def lobbying_hours(self) -> float:
        return LOBBYING_HOURS[self.lobbying_level]

    def choose_lobbying(self) -> None:
        self.lobbying_level = learning.choose(self.lobbying_propensity,
                                              self.personal_rng.random())

    def learn_lobbying(self, payoff: float, forgetting: float, experimentation: float) -> None:
        self.lobbying_propensity = learning.reinforce(
            self.lobbying_propensity, self.lobbying_level, payoff,
            forgetting, experimentation)


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
