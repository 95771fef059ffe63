"""Results over time and across a grid: weekly metrics per arm with bands, the lead funnel, trust
and cooperation paths, and a two-factor grid of a summary metric."""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.analysis.bootstrap import LEVEL, SEED, bootstrap_columns
from experiments.analysis.runs import arm_order, finished

# Lead stages of the waterfall: (label, weekly column), marketing-sourced leads only. MQL counts
# first hand-offs (as the inquiry-to-MQL rate does); SAL counts MQLs sales accepted, including
# recycled leads handed over again, so SAL / MQL can differ a little from the MQL acceptance
# rate (accepted / all hand-offs).
FUNNEL_STAGES: tuple[tuple[str, str], ...] = (
    ("Inquiries", "inquiries"),
    ("MQL", "mqls_new"),
    ("SAL", "sals_marketing"),
    ("SQL", "sqls_marketing"),
    ("Won", "won_marketing"),
)

# Weekly rates as ratios of weekly counts: smoothed as (sum of numerators) / (sum of
# denominators) over the window, as the run summary does, not as a mean of noisy weekly ratios
# (a week with few hand-offs and many acceptances from the backlog reads as over 100%).
RATIOS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "mql_acceptance_rate": (("mqls_accepted",), ("mqls",)),
    "inquiry_to_mql_rate": (("mqls_new",), ("inquiries",)),
    "win_rate": (("won_marketing", "won_sales"), ("won_marketing", "won_sales", "lost")),
}


def weekly_bands(runs: pd.DataFrame, weekly: pd.DataFrame, metric: str, *, smooth_weeks: int = 1,
                 level: float = LEVEL, n_boot: int = 1000, seed: int = SEED) -> pd.DataFrame:
    """Mean of a weekly metric per arm and week with a bootstrap band over replicates.

    Each run's series is first smoothed over a trailing window of ``smooth_weeks`` (noisy weekly
    rates read better as 8-week rates): a mean, or for the rates in `RATIOS` the ratio of the
    window's sums. Columns: arm, week, n, mean, low, high.
    """
    done = finished(runs)
    arm_of = dict(zip(done["run_id"], done["arm"], strict=True))
    ratio = RATIOS.get(metric) if smooth_weeks > 1 else None
    if ratio is not None and not set(ratio[0]) | set(ratio[1]) <= set(weekly.columns):
        ratio = None
    rows = weekly[weekly["run_id"].isin(arm_of)]
    if ratio is not None:
        num = _wide(rows, rows[list(ratio[0])].sum(axis=1))
        den = _wide(rows, rows[list(ratio[1])].sum(axis=1))
        num_w, den_w = _trailing_sum(num, smooth_weeks), _trailing_sum(den, smooth_weeks)
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.where(den_w > 0, num_w / np.where(den_w > 0, den_w, 1.0), 0.0)
        wide = pd.DataFrame(values, index=num.index, columns=num.columns)
    else:
        wide = _wide(rows, rows[metric])
        if smooth_weeks > 1:
            counts = _trailing_sum(wide.notna().astype(float), smooth_weeks)
            sums = _trailing_sum(wide.fillna(0.0), smooth_weeks)
            with np.errstate(invalid="ignore", divide="ignore"):
                wide = pd.DataFrame(sums / counts, index=wide.index, columns=wide.columns)
    arms = np.array([arm_of[r] for r in wide.index])
    out = []
    for arm in arm_order(done):
        matrix = wide.to_numpy(float)[arms == arm]
        if not len(matrix):
            continue
        mean, lo, hi = bootstrap_columns(matrix, level=level, n_boot=n_boot, seed=seed)
        out.append(pd.DataFrame({"arm": arm, "week": wide.columns.to_numpy(), "n": len(matrix),
                                 "mean": mean, "low": lo, "high": hi}))
    if not out:
        return pd.DataFrame(columns=["arm", "week", "n", "mean", "low", "high"])
    return pd.concat(out, ignore_index=True)


def _wide(rows: pd.DataFrame, values: pd.Series) -> pd.DataFrame:
    """Runs x weeks of `values` (one per row of `rows`), runs in their stored order."""
    return (pd.DataFrame({"run_id": rows["run_id"].to_numpy(), "week": rows["week"].to_numpy(),
                          "v": values.to_numpy(float)})
            .pivot(index="run_id", columns="week", values="v"))


def _trailing_sum(wide: pd.DataFrame, window: int) -> np.ndarray:
    """Sum over each run's trailing `window` weeks (fewer at the start), as a runs x weeks
    array; NaN counts as zero."""
    values = np.nan_to_num(wide.to_numpy(float))
    total = np.cumsum(values, axis=1)
    total[:, window:] = total[:, window:] - total[:, :-window]
    return total


def funnel(runs: pd.DataFrame, weekly: pd.DataFrame, burn_in_weeks: int) -> pd.DataFrame:
    """Lead counts per week at each funnel stage, per arm, over the measured weeks (after the
    burn-in), and each stage's conversion from the stage before.

    Columns: arm, stage, per_week (mean over replicates), rate (this stage / previous; NaN for
    the first).
    """
    done = finished(runs)[["run_id", "arm"]]
    columns = [col for _, col in FUNNEL_STAGES]
    measured = weekly[weekly["week"] > burn_in_weeks]
    per_run = measured.groupby("run_id")[columns].mean().reset_index().merge(done, on="run_id")
    rows = []
    for arm in arm_order(done):
        means = per_run[per_run["arm"] == arm][columns].mean()
        previous = np.nan
        for label, col in FUNNEL_STAGES:
            value = float(means[col])
            rows.append({"arm": arm, "stage": label, "per_week": value,
                         "rate": value / previous if previous else np.nan})
            previous = value
    return pd.DataFrame(rows, columns=["arm", "stage", "per_week", "rate"])


def trajectories(runs: pd.DataFrame, weekly: pd.DataFrame, *, smooth_weeks: int = 13
                 ) -> pd.DataFrame:
    """Mean trust and cooperation per arm and week, both departments averaged.

    Trust: mean of sales' trust in marketing and marketing's trust in sales (0-1). Cooperation:
    mean share of reps and marketers choosing to cooperate that week (0-1). Columns: arm, week,
    trust, cooperation.
    """
    done = finished(runs)[["run_id", "arm"]]
    cols = ["trust_sales_in_marketing", "trust_marketing_in_sales", "cooperation_sales",
            "cooperation_marketing"]
    data = weekly[["run_id", "week", *cols]].merge(done, on="run_id")
    data = data.assign(trust=(data[cols[0]] + data[cols[1]]) / 2,
                       cooperation=(data[cols[2]] + data[cols[3]]) / 2)
    mean = data.groupby(["arm", "week"])[["trust", "cooperation"]].mean().reset_index()
    out = []
    for arm in arm_order(done):
        part = mean[mean["arm"] == arm].sort_values("week")
        if smooth_weeks > 1:
            part = part.assign(**{c: part[c].rolling(smooth_weeks, min_periods=1).mean()
                                  for c in ("trust", "cooperation")})
        out.append(part)
    if not out:
        return pd.DataFrame(columns=["arm", "week", "trust", "cooperation"])
    return pd.concat(out, ignore_index=True)


def grid(runs: pd.DataFrame, row_factor: str, col_factor: str, metric: str) -> pd.DataFrame:
    """Mean of a metric over replicates for each cell of a two-factor grid (rows x columns, in
    the experiment file's level order)."""
    done = finished(runs)
    table = done.groupby([row_factor, col_factor], sort=False)[metric].mean().unstack(col_factor)
    rows = list(dict.fromkeys(done[row_factor]))
    cols = list(dict.fromkeys(done[col_factor]))
    return table.reindex(index=rows, columns=cols)
