"""What every person in the firm carries: a department, trust in the other department, and
propensities over cooperate / defect that their decisions read.

Each person draws from a Generator of their own, spawned from the run's `agents` stream, so a
person's draws do not depend on the order in which people act.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import mesa
import numpy as np

from agents import learning, trust

MARKETING_DEPT, SALES_DEPT, FINANCE_DEPT, REVENUE_DEPT = "marketing", "sales", "finance", "revenue"
COOPERATE, DEFECT = 0, 1
# Weight of this week's payoff in the running payoff that imitation compares.
PAYOFF_MEMORY = 0.3


@dataclass(frozen=True, slots=True)
class LearningRates:
    """How fast people learn: the behaviour parameters their updates read."""

    forgetting: float
    experimentation: float
    trust_rate: float
    loss_aversion: float


@dataclass(frozen=True)
class Lessons:
    """What one week taught the people of one role, arrays indexed by their `index`."""

    payoff: np.ndarray
    good: np.ndarray
    bad: np.ndarray
    sanctioned: np.ndarray
    week: int
    rates: LearningRates
    mqls_contacted: np.ndarray | None = None
    mqls_opportunities: np.ndarray | None = None
    win_rate: float = 0.0


def cooperation_share(people: Sequence[Person]) -> float:
    """Share of `people` cooperating this week (plain Python: it runs several times a week)."""
    return sum(p.cooperating for p in people) / len(people) if people else 0.0


class Person(mesa.Agent):
    department: str = ""
    role: str = ""

    def __init__(self, model: mesa.Model, rng: np.random.Generator, trust: float,
                 cooperation: float, index: int = 0) -> None:
        super().__init__(model)
        self.index = index
        """Position among the people of this role: their row in per-role arrays."""
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
        """Reinforce by payoff relative to the running payoff, then update the running one."""
        chosen = COOPERATE if self.cooperating else DEFECT
        self.propensity = learning.reinforce(self.propensity, chosen, payoff - self.payoff,
                                             forgetting, experimentation)
        self.payoff += PAYOFF_MEMORY * (payoff - self.payoff)

    def update_trust(self, good: float, bad: float, rate: float, loss_aversion: float) -> None:
        self.trust = trust.event_update(self.trust, good, bad, rate, loss_aversion)

    def learn(self, lessons: Lessons) -> None:
        """Reinforce the week's strategy, move trust on the week's events, record a sanction."""
        b, i = lessons.rates, self.index
        self.learn_cooperation(float(lessons.payoff[i]), b.forgetting, b.experimentation)
        self.update_trust(float(lessons.good[i]), float(lessons.bad[i]), b.trust_rate,
                          b.loss_aversion)
        if lessons.sanctioned[i]:
            self.sanctions += 1
            self.last_offence_week = lessons.week
