"""What every person in the firm carries: a department, trust in the other department, and
propensities over cooperate / defect that their decisions read.

Each person draws from a Generator of their own, spawned from the run's `agents` stream, so a
person's draws do not depend on the order in which people act.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim import learning, trust

if TYPE_CHECKING:
    from sim.model import AlignmentModel

MARKETING_DEPT, SALES_DEPT, FINANCE_DEPT, REVENUE_DEPT = "marketing", "sales", "finance", "revenue"
COOPERATE, DEFECT = 0, 1
# Weight of this week's payoff in the running payoff that imitation compares.
PAYOFF_MEMORY = 0.3


def cooperation_share(people: Sequence[Person]) -> float:
    """Share of `people` cooperating this week (plain Python: it runs several times a week)."""
    return sum(p.cooperating for p in people) / len(people) if people else 0.0


class Person(mesa.Agent):
    department: str = ""
    role: str = ""

    def __init__(self, model: AlignmentModel, rng: np.random.Generator, trust: float,
                 cooperation: float) -> None:
        super().__init__(model)
        self.personal_rng = rng
        self.trust = trust
        """Trust in the other department, 0-1."""
        self.propensity = [cooperation * 10.0, (1.0 - cooperation) * 10.0]
        """Roth-Erev propensities over (cooperate, defect); scale 10 = initial inertia."""
        self.cooperating = True
        self.payoff = 1.0
        """Running (exponentially weighted) payoff, normalised; what neighbours compare."""
        self.sanctions = 0
        """Detected SLA breaches that were sanctioned."""
        self.last_offence_week = -10**6


    def choose_cooperation(self, observed_other: float, slope: float, weight: float) -> None:
        """Cooperate with the learned propensity, pulled toward what the other side did."""
        p = learning.cooperation_probability(self.propensity, observed_other, slope, weight)
        self.cooperating = bool(self.personal_rng.random() < p)

    def learn_cooperation(self, payoff: float, forgetting: float, experimentation: float) -> None:
        chosen = COOPERATE if self.cooperating else DEFECT
        self.propensity = learning.reinforce(self.propensity, chosen, payoff, forgetting,
                                             experimentation)
        self.payoff += PAYOFF_MEMORY * (payoff - self.payoff)

    def update_trust(self, good: float, bad: float, rate: float, loss_aversion: float) -> None:
        self.trust = trust.event_update(self.trust, good, bad, rate, loss_aversion)
