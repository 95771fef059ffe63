"""Leaders: the CMO, the head of sales, a CRO (only in CRO or merged structures) and the finance
planner. A leader plans when the governance names its role: it scores candidate plans with the
objective, horizon and bias the governance gives it, on the evidence it can see."""

from __future__ import annotations

from agents.base import FINANCE_DEPT, MARKETING_DEPT, REVENUE_DEPT, SALES_DEPT, Person
from sim.planning import Evidence, Objective, Plan, forecast


class Leader(Person):
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
