"""Marketer: runs programmes in one of three modes and chooses whether to cooperate with sales
(produce enablement content, act on sales' feedback)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from agents.base import MARKETING_DEPT, Person

if TYPE_CHECKING:
    from sim.model import AlignmentModel

MODES = ("volume", "balanced", "quality")


class Marketer(Person):
    department = MARKETING_DEPT
    role = "marketer"

    def __init__(self, model: AlignmentModel, rng: np.random.Generator, trust: float,
                 cooperation: float, mode_volume: float, mode_quality: float) -> None:
        super().__init__(model, rng, trust, cooperation)
        self.mode_propensity = np.array(
            [mode_volume, 1.0 - mode_volume - mode_quality, mode_quality]) * 10.0
        self.mode = 1

    def choose_mode(self) -> None:
        cumulative = np.cumsum(self.mode_propensity)
        self.mode = int(np.searchsorted(cumulative, self.personal_rng.random() * cumulative[-1],
                                        side="right"))
