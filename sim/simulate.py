"""Run one simulation to a RunResult: plain, picklable data (a weekly table, a summary dict, and
the parameters, seed and versions that made it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim.metrics import summarise
from sim.model import AlignmentModel
from sim.params import Params
from sim.provenance import versions


@dataclass(frozen=True)
class RunResult:
    weekly: pd.DataFrame
    """One row per simulated week (index ``week`` from 1), one column per weekly metric."""
    summary: dict[str, float]
    """Run-level metrics over the measured weeks (burn-in excluded)."""
    params: dict[str, Any]
    """``Params.to_dict()`` of the run."""
    seed: int
    versions: dict[str, str]


def run(params: Params, seed: int) -> RunResult:
    """Simulate ``params.weeks`` weeks from ``seed``; same inputs give bit-identical results."""
    model = AlignmentModel(params, seed=seed)
    for _ in range(params.weeks):
        model.step()
    weekly = model.weekly_table()
    return RunResult(
        weekly=weekly,
        summary=summarise(weekly, params.burn_in_weeks),
        params=params.to_dict(),
        seed=int(seed),
        versions=versions(),
    )
