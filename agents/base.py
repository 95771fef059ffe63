"""What every person in the firm carries: a department, trust in the other department, and a
learned cooperation intercept that, with trust, sets their chance to cooperate.

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
# Weight of this week's payoff in the running payoff that imitation compares.
PAYOFF_MEMORY = 0.3
# Sum of the initial Roth-Erev propensities (marketers' modes): how many payoff units of
# experience the first split is worth (Erev & Roth 1998's initial strength).
PROPENSITY_SCALE = 10.0


@dataclass(frozen=True, slots=True)
class LearningRates:
    """How fast people learn: the behaviour parameters their updates read."""

    forgetting: float
    experimentation: float
    cooperation_learning_rate: float
    trust_rate: float
    loss_aversion: float


@dataclass(frozen=True)
class Lessons:
    """What one week taught the people of one role, lists indexed by their `index` (each person
    reads one entry of each, and a list entry is cheaper to read than an array's)."""

    payoff: Sequence[float]
    good: Sequence[float]
    bad: Sequence[float]
    sanctioned: Sequence[bool]
    week: int
    rates: LearningRates
    rep_outcomes: dict[str, Sequence[float]] | None = None
    """Reps only: the week's outcomes per rep (MQLs contacted, worth accepted, prospects found,
    and the wins they brought), which their beliefs learn from."""
    win_rate: float = 0.0


def cooperation_share(people: Sequence[Person]) -> float:
    """Share of `people` cooperating this week (plain Python: it runs several times a week)."""
    return sum([p.cooperating for p in people]) / len(people) if people else 0.0


class Person(mesa.Agent):
    department: str = ""
    role: str = ""

    def __init__(self, model: mesa.Model, rng: np.random.Generator, trust: float,
                 cooperation_intercept: float, index: int = 0) -> None:
        super().__init__(model)
        self.index = index
        """Position among the people of this role: their row in per-role arrays."""
        self.personal_rng = rng
        self.trust = trust
        """Trust in the other department, 0-1."""
        self.cooperation_intercept = cooperation_intercept
        """What the person has learned cooperating pays: P(cooperate) = slope x trust + this."""
        self.cooperation_probability = 0.0
        """This week's chance to cooperate (what the choice was drawn with)."""
        self.cooperating = True
        self.payoff = 1.0
        """Running (exponentially weighted) payoff, normalised; what neighbours compare."""
        self.sanctions = 0
        """Detected SLA breaches that were sanctioned."""
        self.last_offence_week = -10**6


    def choose_cooperation(self, slope: float) -> None:
        """Cooperate for what it earned before, or in return for what one believes the other
        side does (trust)."""
        p = learning.cooperation_probability(self.cooperation_intercept, self.trust, slope)
        self.cooperation_probability = p
        self.cooperating = bool(self.personal_rng.random() < p)

    def learn_cooperation(self, payoff: float, rate: float) -> None:
        """Learn from the week's payoff against the running payoff, then update the running one
        (also what neighbours compare when they imitate)."""
        self.cooperation_intercept = learning.learn_intercept(
            self.cooperation_intercept, rate, payoff, self.payoff, self.cooperating,
            self.cooperation_probability)
        self.payoff += PAYOFF_MEMORY * (payoff - self.payoff)

    def update_trust(self, good: float, bad: float, rate: float, loss_aversion: float) -> None:
        self.trust = trust.event_update(self.trust, good, bad, rate, loss_aversion)

    def learn(self, lessons: Lessons) -> None:
        """Reinforce the week's strategy, move trust on the week's events, record a sanction."""
        b, i = lessons.rates, self.index
        self.learn_cooperation(float(lessons.payoff[i]), b.cooperation_learning_rate)
        self.update_trust(float(lessons.good[i]), float(lessons.bad[i]), b.trust_rate,
                          b.loss_aversion)
        if lessons.sanctioned[i]:
            self.sanctions += 1
            self.last_offence_week = lessons.week
