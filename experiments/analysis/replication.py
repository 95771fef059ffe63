"""How many replicates a contrast needs: from the observed spread of its paired differences, the
replicates at which the 95% interval of the mean difference shrinks to a stated half-width.

The half-width of a t interval of a mean of n paired differences with standard deviation s is
t(n-1) s / sqrt(n); the replicates needed for a target half-width h are the smallest n where
that is at most h. One number states the target (``precision``, 0.02 by default): +-2% of the
baseline arm's value for money, counts and indices, and +-2 percentage points for rates and
shares (2% of a 10% win rate would ask for +-0.2 points, finer than any client reads).

The percentile bootstrap that the report's intervals use is trustworthy only from about ten
replicates (below that it is too narrow: three values have ten possible resampled means), so no
contrast counts as well replicated with fewer than `MIN_REPLICATES`, whatever its spread.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from statistics import NormalDist

import numpy as np
import pandas as pd

from experiments.analysis.bootstrap import LEVEL

PRECISION = 0.02
"""Default target half-width of a paired interval: a share of the baseline arm's mean, or for a
rate that many points (0.02: 2 percentage points)."""
MIN_REPLICATES = 10
"""Fewest replicates for which a percentile-bootstrap interval is trusted."""
MAX_REPLICATES = 100_000


def t_quantile(p: float, df: int) -> float:
    """Quantile `p` of Student's t with `df` degrees of freedom: exact for 1 and 2, else the
    Cornish-Fisher expansion (Abramowitz & Stegun 26.7.5), within 0.2% from 3 on."""
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    z = NormalDist().inv_cdf(p)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def half_width(sd: float, n: int, level: float = LEVEL) -> float:
    """Half-width of the t interval of a mean of `n` values with standard deviation `sd`."""
    return t_quantile((1 + level) / 2, n - 1) * sd / math.sqrt(n)


def replicates_needed(sd: float, target: float, level: float = LEVEL) -> float:
    """Smallest n (at least `MIN_REPLICATES`) whose interval half-width is at most `target`;
    NaN when the spread or the target is unknown or the target is not positive."""
    if not (np.isfinite(sd) and np.isfinite(target)) or target <= 0:
        return float("nan")
    if sd == 0:
        return float(MIN_REPLICATES)
    z = NormalDist().inv_cdf((1 + level) / 2)
    n = max(2, math.ceil((z * sd / target) ** 2))  # the normal answer, then t's few more
    while n < MAX_REPLICATES and half_width(sd, n, level) > target:
        n += 1
    return float(max(n, MIN_REPLICATES))


def target_half_width(baseline_mean: float, precision: float, is_rate: bool) -> float:
    """The stated half-width: `precision` points for a rate, else that share of the baseline."""
    return precision if is_rate else precision * abs(baseline_mean)


def replication(paired: pd.DataFrame, precision: float = PRECISION, level: float = LEVEL,
                is_rate: Callable[[str], bool] = lambda metric: False) -> pd.DataFrame:
    """For each contrast (rows of `analysis.paired_differences`, the baseline against itself
    left out): the replicates run, the interval half-width now, the target half-width
    (`target_half_width`; `is_rate` tells which metrics are rates) and the replicates that
    target needs; ``enough`` says whether the replicates run reach it."""
    rows = []
    for r in paired[paired["arm"] != paired["baseline"]].itertuples(index=False):
        target = target_half_width(r.baseline_mean, precision, is_rate(r.metric))
        needed = replicates_needed(r.sd, target, level)
        rows.append({"arm": r.arm, "baseline": r.baseline, "metric": r.metric,
                     "n_pairs": r.n_pairs, "sd": r.sd,
                     "half_width": (r.high - r.low) / 2, "target": target, "needed": needed,
                     "enough": bool(r.n_pairs >= MIN_REPLICATES
                                    and (np.isnan(needed) or r.n_pairs >= needed))})
    return pd.DataFrame(rows, columns=["arm", "baseline", "metric", "n_pairs", "sd",
                                       "half_width", "target", "needed", "enough"])


def needed_by_metric(guidance: pd.DataFrame) -> pd.DataFrame:
    """Per metric: the most replicates any contrast needs, which contrast, and how many of the
    metric's contrasts have too few."""
    rows = []
    for metric, part in guidance.groupby("metric", sort=False):
        known = part.dropna(subset=["needed"])
        worst = known.loc[known["needed"].idxmax()] if len(known) else None
        rows.append({"metric": metric,
                     "needed": float(worst["needed"]) if worst is not None else float("nan"),
                     "arm": worst["arm"] if worst is not None else "",
                     "n_pairs": int(part["n_pairs"].min()),
                     "too_few": int((~part["enough"]).sum()), "contrasts": len(part)})
    return pd.DataFrame(rows, columns=["metric", "needed", "arm", "n_pairs", "too_few",
                                       "contrasts"])
