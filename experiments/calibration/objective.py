"""What a calibration measures: each target's metric over the weeks the firm's figure covers,
and how far a candidate's rates are from the firm's, in units of the firm's own uncertainty.

The objective of a candidate is the sum over targets of ((mean simulated rate over the common
seeds - target) / uncertainty)^2: a chi-square when the uncertainties are standard errors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from experiments.calibration.firm import Target
from sim import Params, RunResult, run
from sim.metrics import summarise


class TargetRun:
    """``run(params, seed)`` for the experiment runner: a run whose summary also holds each
    target's metric over the firm's weeks (the first `weeks` measured weeks after the burn-in:
    the firm's observed past, from which the model goes on). Picklable, for any engine."""

    def __init__(self, targets: Iterable[Target]) -> None:
        self.targets = tuple(targets)

    def __call__(self, params: Params, seed: int) -> RunResult:
        result = run(params, seed)
        weekly, burn_in = result.weekly, params.burn_in_weeks
        extra: dict[str, float] = {}
        for weeks in sorted({t.weeks for t in self.targets}):
            window = summarise(weekly[weekly.index <= burn_in + weeks], burn_in)
            extra.update({t.column: window[t.metric] for t in self.targets if t.weeks == weeks})
        return dataclasses.replace(result, summary={**result.summary, **extra})


def z_scores(means: Mapping[str, float], targets: Iterable[Target]) -> dict[str, float]:
    """(mean - target) / uncertainty, per target metric."""
    return {t.metric: (float(means[t.column]) - t.value) / t.sigma for t in targets}


def objective(means: Mapping[str, float], targets: Iterable[Target]) -> float:
    """Sum of squared z-scores; NaN if a target's mean is missing."""
    z = np.array(list(z_scores(means, targets).values()), dtype=float)
    return float(np.sum(z**2))


def candidate_means(runs: pd.DataFrame, targets: Iterable[Target], keys: list[str]
                    ) -> pd.DataFrame:
    """Per candidate (the `keys` columns), the mean of each target column over its finished
    runs, how many finished, and the objective."""
    targets = tuple(targets)
    columns = [t.column for t in targets]
    done = runs[runs["status"] == "done"]
    grouped = done.groupby(keys, sort=False)
    means = grouped[columns].mean()
    means["runs_done"] = grouped.size()
    means["objective"] = [objective(row, targets) for _, row in means[columns].iterrows()]
    return means.reset_index()


def inside(value: float, target: Target) -> bool:
    return bool(target.lo <= value <= target.hi)


def describe(target: Target) -> dict[str, Any]:
    """A target as a table row: metric, weeks, value, stated interval, uncertainty."""
    return {"metric": target.metric, "weeks": target.weeks, "target": target.value,
            "target_lo": target.lo, "target_hi": target.hi, "sigma": target.sigma}
