"""What every person in the firm carries: a department, trust in the other department, and
propensities over cooperate / defect that their decisions read.

Each person draws from a Generator of their own, spawned from the run's `agents` stream, so a
person's draws do not depend on the order in which people act.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

if TYPE_CHECKING:
    from sim.model import AlignmentModel

MARKETING_DEPT, SALES_DEPT, FINANCE_DEPT, REVENUE_DEPT = "marketing", "sales", "finance", "revenue"
COOPERATE, DEFECT = 0, 1


class Person(mesa.Agent):
    department: str = ""
    role: str = ""

    def __init__(self, model: AlignmentModel, rng: np.random.Generator, trust: float,
                 cooperation: float) -> None:
        super().__init__(model)
        self.personal_rng = rng
        self.trust = trust
        """Trust in the other department, 0-1."""
        self.propensity = np.array([cooperation, 1.0 - cooperation]) * 10.0
        """Roth-Erev propensities over (cooperate, defect); scale 10 = initial inertia."""
        self.cooperating = True
        self.payoff = 0.0

    @property
    def cooperation_probability(self) -> float:
        total = self.propensity.sum()
        return float(self.propensity[COOPERATE] / total) if total > 0 else 0.5

    def choose_cooperation(self) -> None:
        self.cooperating = bool(self.personal_rng.random() < self.cooperation_probability)
