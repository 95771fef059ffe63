"""Arms compared: each arm's mean with its interval, and paired differences from a baseline arm.

Replicate r of every arm ran on the same seed (common random numbers), so arm minus baseline is
taken within each replicate and those differences are bootstrapped. The pairing removes the
market noise both arms share; an arm against itself gives exactly zero with a zero-width
interval.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from experiments.analysis.bootstrap import LEVEL, N_BOOT, SEED, bootstrap_ci
from experiments.analysis.runs import arm_order, finished

HIGHER, LOWER, UNCLEAR = "higher", "lower", "no clear difference"


def arm_means(runs: pd.DataFrame, metrics: Sequence[str], *, level: float = LEVEL,
              n_boot: int = N_BOOT, seed: int = SEED) -> pd.DataFrame:
    """One row per arm and metric: n, mean, low, high (bootstrap interval of the mean)."""
    done = finished(runs)
    rows = []
    for arm in arm_order(done):
        values = done[done["arm"] == arm]
        for metric in metrics:
            mean, lo, hi = bootstrap_ci(values[metric].to_numpy(float), level=level,
                                        n_boot=n_boot, seed=seed)
            rows.append({"arm": arm, "metric": metric, "n": int(values[metric].notna().sum()),
                         "mean": mean, "low": lo, "high": hi})
    return pd.DataFrame(rows, columns=["arm", "metric", "n", "mean", "low", "high"])


def verdict(low: float, high: float) -> str:
    if low > 0:
        return HIGHER
    if high < 0:
        return LOWER
    return UNCLEAR


def paired_differences(runs: pd.DataFrame, metrics: Sequence[str], baseline: str | None = None,
                       *, level: float = LEVEL, n_boot: int = N_BOOT, seed: int = SEED
                       ) -> pd.DataFrame:
    """Each arm minus the baseline arm, paired on replicate (common random numbers).

    One row per arm and metric: n_pairs, difference (mean of the paired differences), low, high
    (its bootstrap interval), relative (difference / baseline mean) and verdict (higher, lower or
    no clear difference: the interval excludes zero or not). The baseline defaults to the first
    arm of the design.
    """
    done = finished(runs)
    order = arm_order(done)
    if not order:
        return pd.DataFrame(columns=["arm", "baseline", "metric", "n_pairs", "difference",
                                     "low", "high", "relative", "verdict"])
    baseline = order[0] if baseline is None else baseline
    if baseline not in order:
        raise ValueError(f"baseline {baseline!r} is not an arm; arms are {', '.join(order)}")
    base = done[done["arm"] == baseline].set_index("replicate")
    rows = []
    for arm in order:
        other = done[done["arm"] == arm].set_index("replicate")
        shared = base.index.intersection(other.index)
        for metric in metrics:
            diff = (other.loc[shared, metric] - base.loc[shared, metric]).to_numpy(float)
            mean, lo, hi = bootstrap_ci(diff, level=level, n_boot=n_boot, seed=seed)
            base_mean = float(base.loc[shared, metric].mean()) if len(shared) else np.nan
            rows.append({"arm": arm, "baseline": baseline, "metric": metric,
                         "n_pairs": len(shared), "difference": mean, "low": lo, "high": hi,
                         "relative": mean / base_mean if base_mean else np.nan,
                         "verdict": verdict(lo, hi) if len(shared) else UNCLEAR})
    return pd.DataFrame(rows)
