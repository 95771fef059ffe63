"""Marketer: runs programmes in one of three modes and chooses whether to cooperate with sales
(produce enablement content, act on sales' feedback)."""

from __future__ import annotations

import mesa
import numpy as np

from agents import learning
from agents.base import MARKETING_DEPT, PROPENSITY_SCALE, Lessons, Person

MODES = ("volume", "balanced", "quality")


class Marketer(Person):
    department = MARKETING_DEPT
    role = "marketer"

    def __init__(self, model: mesa.Model, rng: np.random.Generator, index: int,
                 trust: float, cooperation_intercept: float, mode_volume: float,
                 mode_quality: float) -> None:
        super().__init__(model, rng, trust, cooperation_intercept, index)
        self.mode_propensity = [PROPENSITY_SCALE * mode_volume,
                                PROPENSITY_SCALE * (1.0 - mode_volume - mode_quality),
                                PROPENSITY_SCALE * mode_quality]
        self.mode = 1

    def choose_mode(self) -> None:
        self.mode = learning.choose(self.mode_propensity, self.personal_rng.random())

    def learn(self, lessons: Lessons) -> None:
        super().learn(lessons)
        b = lessons.rates
        self.learn_mode(float(lessons.payoff[self.index]), b.forgetting, b.experimentation)

    def learn_mode(self, reinforcement: float, forgetting: float,
                   experimentation: float) -> None:
        self.mode_propensity = learning.reinforce(self.mode_propensity, self.mode,
                                                  reinforcement, forgetting, experimentation)
