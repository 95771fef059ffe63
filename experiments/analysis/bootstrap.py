"""Percentile bootstrap intervals of a mean, over replicates (the honest unit: independent runs).

95% by default, 2,000 resamples, a seeded generator so that a report is reproducible; no
normality is assumed for rates or revenue.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

LEVEL = 0.95
N_BOOT = 2000
SEED = 12345


def bootstrap_ci(values: Sequence[float] | np.ndarray, *, level: float = LEVEL,
                 n_boot: int = N_BOOT, seed: int = SEED) -> tuple[float, float, float]:
    """Mean and percentile-bootstrap interval of the mean: (mean, low, high).

    One value gives a zero-width interval at that value; no values give NaNs.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return (np.nan, np.nan, np.nan)
    mean = float(x.mean())
    if len(x) == 1 or np.all(x == x[0]):
        return (mean, mean, mean)
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, len(x), size=(n_boot, len(x)))].mean(axis=1)
    alpha = (1 - level) / 2
    lo, hi = np.quantile(means, [alpha, 1 - alpha])
    return (mean, float(lo), float(hi))


def bootstrap_columns(matrix: np.ndarray, *, level: float, n_boot: int, seed: int
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column means of a replicates x columns matrix with bootstrap intervals (NaN-aware)."""
    mean = np.nanmean(matrix, axis=0)
    n = matrix.shape[0]
    if n < 2:
        return mean, mean.copy(), mean.copy()
    rng = np.random.default_rng(seed)
    means = np.stack([np.nanmean(matrix[rng.integers(0, n, size=n)], axis=0)
                      for _ in range(n_boot)])
    alpha = (1 - level) / 2
    lo, hi = np.nanquantile(means, [alpha, 1 - alpha], axis=0)
    return mean, lo, hi
