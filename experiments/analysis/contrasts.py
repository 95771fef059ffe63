"""Arms compared: each arm's mean with its interval, and paired differences between arms.

Replicate r of every arm ran on the same seed (common random numbers), so arm minus baseline is
taken within each replicate and those differences are bootstrapped. The pairing removes the
market noise both arms share; an arm against itself gives exactly zero with a zero-width
interval.

Every pair of arms is compared once (`pairwise_differences`), and every table, sentence and
title of a report reads those rows: the differences from a baseline are a slice of them
(`paired_differences`), and the arms a title may name as leading are the arms no other arm is
clearly above (`leaders`). A title therefore cannot rank an arm above one that the paired
interval puts above it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from experiments.analysis.bootstrap import LEVEL, N_BOOT, SEED, bootstrap_ci
from experiments.analysis.runs import arm_order, finished

HIGHER, LOWER, UNCLEAR = "higher", "lower", "no clear difference"
PAIR_COLUMNS = ["arm", "baseline", "metric", "n_pairs", "difference", "low", "high", "sd",
                "baseline_mean", "relative", "verdict"]


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


def _by_replicate(done: pd.DataFrame, metric: str, order: list[str]) -> pd.DataFrame:
    """Replicates x arms matrix of one metric (NaN where a run is missing or failed)."""
    table = done.pivot_table(index="replicate", columns="arm", values=metric, aggfunc="last",
                             dropna=False)
    return table.reindex(columns=order)


def pairwise_differences(runs: pd.DataFrame, metrics: Sequence[str], *, level: float = LEVEL,
                         n_boot: int = N_BOOT, seed: int = SEED) -> pd.DataFrame:
    """Every arm minus every arm (itself included), paired on replicate.

    One row per (arm, baseline, metric): n_pairs (replicates both arms finished), difference
    (mean of the paired differences), low and high (its percentile-bootstrap interval), sd (the
    standard deviation of the paired differences, which sets how many replicates a contrast
    needs), baseline_mean, relative (difference / baseline mean) and verdict (higher, lower or
    no clear difference: whether the interval excludes zero). B minus A is computed as minus
    (A minus B), so the two rows of a pair always agree.
    """
    done = finished(runs)
    order = arm_order(done)
    rows: list[dict] = []
    for metric in metrics:
        matrix = _by_replicate(done, metric, order)
        for i, a in enumerate(order):
            rows.append(_self_row(a, metric, matrix[a]))
            for b in order[i + 1:]:
                # Each pair once, as b minus a; a minus b is its mirror image.
                row = _pair_row(b, a, metric, matrix[b], matrix[a], level, n_boot, seed)
                rows.append(row)
                rows.append(_mirror(row))
    if not rows:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)


def _pair_row(arm: str, base: str, metric: str, x: pd.Series, y: pd.Series, level: float,
              n_boot: int, seed: int) -> dict:
    shared = x.notna() & y.notna()
    diff = (x[shared] - y[shared]).to_numpy(float)
    mean, lo, hi = bootstrap_ci(diff, level=level, n_boot=n_boot, seed=seed)
    base_mean = float(y[shared].mean()) if len(diff) else np.nan
    return {"arm": arm, "baseline": base, "metric": metric, "n_pairs": len(diff),
            "difference": mean, "low": lo, "high": hi,
            "sd": float(diff.std(ddof=1)) if len(diff) > 1 else np.nan,
            "baseline_mean": base_mean,
            "relative": mean / base_mean if base_mean else np.nan,
            "verdict": verdict(lo, hi) if len(diff) else UNCLEAR}


def _mirror(row: dict) -> dict:
    """The row of the reversed pair: the same differences with the sign turned. Its baseline's
    mean over the shared replicates is the first baseline's mean plus the mean difference."""
    other = row["arm"]
    base_mean = row["baseline_mean"] + row["difference"] if row["n_pairs"] else np.nan
    difference = -row["difference"] if row["n_pairs"] else np.nan
    flipped = {HIGHER: LOWER, LOWER: HIGHER}.get(row["verdict"], UNCLEAR)
    return {**row, "arm": row["baseline"], "baseline": other, "difference": difference,
            "low": -row["high"], "high": -row["low"], "baseline_mean": base_mean,
            "relative": difference / base_mean if base_mean else np.nan, "verdict": flipped}


def _self_row(arm: str, metric: str, x: pd.Series) -> dict:
    n = int(x.notna().sum())
    base = float(x.mean()) if n else np.nan
    return {"arm": arm, "baseline": arm, "metric": metric, "n_pairs": n,
            "difference": 0.0 if n else np.nan, "low": 0.0 if n else np.nan,
            "high": 0.0 if n else np.nan, "sd": 0.0 if n > 1 else np.nan,
            "baseline_mean": base, "relative": 0.0 if base else np.nan, "verdict": UNCLEAR}


def paired_differences(runs: pd.DataFrame, metrics: Sequence[str], baseline: str | None = None,
                       *, level: float = LEVEL, n_boot: int = N_BOOT, seed: int = SEED,
                       pairwise: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each arm minus the baseline arm, paired on replicate (common random numbers): the rows
    of `pairwise_differences` whose baseline is `baseline` (default: the first arm of the
    design), in design order. Pass `pairwise` to slice rows already computed."""
    order = arm_order(finished(runs))
    if not order:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    baseline = order[0] if baseline is None else baseline
    if baseline not in order:
        raise ValueError(f"baseline {baseline!r} is not an arm; arms are {', '.join(order)}")
    if pairwise is None:
        pairwise = pairwise_differences(runs, metrics, level=level, n_boot=n_boot, seed=seed)
    part = pairwise[(pairwise["baseline"] == baseline) & pairwise["metric"].isin(metrics)]
    rank = {(m, a): (i, j) for i, m in enumerate(metrics) for j, a in enumerate(order)}
    keys = [rank[(m, a)] for m, a in zip(part["metric"], part["arm"], strict=True)]
    return part.iloc[sorted(range(len(part)), key=keys.__getitem__)].reset_index(drop=True)


def leaders(pairwise: pd.DataFrame, metric: str) -> list[str]:
    """The arms no other arm is clearly above on `metric` (the paired interval of the other
    minus this arm lies above zero), in design order of the pairwise table. Any two of them
    have no clear difference between them: were one clearly above the other, the other would
    not lead."""
    rows = pairwise[pairwise["metric"] == metric]
    arms = list(dict.fromkeys(rows["arm"]))
    beaten = set(rows.loc[rows["verdict"] == HIGHER, "baseline"])
    return [a for a in arms if a not in beaten]


def clearly_above_all(pairwise: pd.DataFrame, metric: str, arm: str) -> bool:
    """Whether `arm` is clearly above every other arm on `metric`."""
    rows = pairwise[(pairwise["metric"] == metric) & (pairwise["arm"] == arm)
                    & (pairwise["baseline"] != arm)]
    return bool(len(rows)) and bool((rows["verdict"] == HIGHER).all())
