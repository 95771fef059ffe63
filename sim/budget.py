"""Budget: set each week from trailing revenue, split between marketing and sales.

The total is `budget_ratio` times the average weekly revenue of the last 13 weeks (firms budget
sales and marketing as a share of revenue). The marketing share is the plan's; under separate
budgets it is fixed for the budget year and can change only at the annual round, under one
shared pool at every planning event. The sales budget pays reps first (a shortfall leaves hours
unfunded); the rest funds sales programmes. All of the budget is spent, never more.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

TRAILING_WEEKS = 13


@dataclass(frozen=True)
class Allocation:
    total_usd: float
    marketing_usd: float
    programmes_usd: np.ndarray     # demand, nurture, retention, enablement
    rep_pay_usd: float
    sales_programme_usd: float
    funded_share: float            # share of rep hours the sales budget pays for

    @property
    def sales_usd(self) -> float:
        return self.rep_pay_usd + self.sales_programme_usd


class Budget:
    def __init__(self, ratio: float, initial_weekly_revenue_usd: float) -> None:
        self.ratio = ratio
        self.revenue = deque([initial_weekly_revenue_usd] * TRAILING_WEEKS, maxlen=TRAILING_WEEKS)

    def record_revenue(self, weekly_revenue_usd: float) -> None:
        self.revenue.append(weekly_revenue_usd)

    def total(self) -> float:
        return self.ratio * sum(self.revenue) / len(self.revenue)

    def allocate(self, marketing_share: float, mix: tuple[float, ...],
                 rep_cost_usd: float) -> Allocation:
        total = self.total()
        marketing = total * marketing_share
        sales = total - marketing
        pay = min(sales, rep_cost_usd)
        return Allocation(
            total_usd=total,
            marketing_usd=marketing,
            programmes_usd=marketing * np.asarray(mix),
            rep_pay_usd=pay,
            sales_programme_usd=sales - pay,
            funded_share=pay / rep_cost_usd if rep_cost_usd > 0 else 1.0,
        )
