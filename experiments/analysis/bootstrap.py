"""Percentile bootstrap intervals of a mean, over replicates (the honest unit: independent runs).

95% by default, 2,000 resamples, a seeded generator so that a report is reproducible; no
normality is assumed for rates or revenue.
"""

from __future__ import annotations

import functools
import warnings
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
    means = resample_weights(len(x), n_boot, seed) @ x / len(x)
    alpha = (1 - level) / 2
    lo, hi = np.quantile(means, [alpha, 1 - alpha])
    return (mean, float(lo), float(hi))


@functools.lru_cache(maxsize=32)
def resample_weights(n: int, n_boot: int, seed: int) -> np.ndarray:
    """How often each of `n` values is drawn in each of `n_boot` resamples (n_boot x n), so a
    resampled mean is one matrix product rather than a copy of the data per resample. The same
    (n, n_boot, seed) gives the same resamples, so a report's many intervals share one matrix
    (read-only)."""
    draws = np.random.default_rng(seed).integers(0, n, size=(n_boot, n))
    rows = np.arange(n_boot)[:, None] * n
    weights = np.bincount((rows + draws).ravel(), minlength=n_boot * n).astype(float)
    weights = weights.reshape(n_boot, n)
    weights.flags.writeable = False
    return weights


def bootstrap_columns(matrix: np.ndarray, *, level: float, n_boot: int, seed: int
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column means of a replicates x columns matrix with bootstrap intervals (NaN-aware)."""
    present = ~np.isnan(matrix)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(present, matrix, 0.0).sum(axis=0) / present.sum(axis=0)
    n = matrix.shape[0]
    if n < 2:
        return mean, mean.copy(), mean.copy()
    weights = resample_weights(n, n_boot, seed)
    if present.all():
        means = weights @ matrix / n
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            means = (weights @ np.where(present, matrix, 0.0)) / (weights @ present)
    alpha = (1 - level) / 2
    if np.isnan(means).any():
        with warnings.catch_warnings():  # a week no run reached stays NaN, without a warning
            warnings.simplefilter("ignore", RuntimeWarning)
            lo, hi = np.nanquantile(means, [alpha, 1 - alpha], axis=0)
    else:
        lo, hi = np.quantile(means, [alpha, 1 - alpha], axis=0)
    return mean, lo, hi
