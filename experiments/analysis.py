"""Analysis: pure functions over the stored tables (the runs and weekly frames of a results
folder), returning plain frames that charts draw and reports print.

Statistics, and why:

- Intervals are percentile bootstraps over replicates (95% by default, 2,000 resamples, a seeded
  generator so a report is reproducible). Replicates are independent runs, so resampling them is
  the honest unit; no normality is assumed for rates or revenue.
- Arms are compared as paired differences: replicate r of every arm ran on the same seed (common
  random numbers), so arm minus baseline is taken within each replicate and those differences
  are bootstrapped. The pairing removes the market noise both arms share; an arm against itself
  gives exactly zero with a zero-width interval.
- Sensitivity indices come from SALib (Sobol for Saltelli designs, Morris elementary effects,
  RBD-FAST for Latin hypercubes), on the per-arm mean over replicates, in the design's arm order.
- "Where does alignment fail" is a PRIM-style box (Friedman & Fisher 1999): peel 5% of the runs
  off one end of one parameter at a time, keeping the peel that most raises the share of
  low-alignment runs inside the box, until the box holds under 10% of the runs. The result is a
  handful of parameter ranges that a reader can check against the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from experiments.spec import PRESET_FACTOR, ExperimentSpec

LEVEL = 0.95
N_BOOT = 2000
SEED = 12345

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

HIGHER, LOWER, UNCLEAR = "higher", "lower", "no clear difference"


# -- arms ----------------------------------------------------------------------------------------
def short_arm(label: str) -> str:
    """A readable arm name: ``preset=joint, governance.cadence_weeks=4`` -> ``joint, cadence
    weeks 4``."""
    parts = []
    pieces = str(label).split(", ")
    # The preset (the governance arm) first: "merged, budget structure separate".
    pieces.sort(key=lambda piece: not piece.startswith(f"{PRESET_FACTOR}="))
    for part in pieces:
        name, sep, value = part.partition("=")
        if not sep:
            parts.append(part.replace("_", " "))
        elif name == PRESET_FACTOR:
            parts.append(_words(value))
        else:
            field_name = name.rsplit(".", 1)[-1]
            if field_name.endswith("_weeks"):
                parts.append(f"{field_name[:-6].replace('_', ' ')} {value} wk")
            elif _is_number(value):
                parts.append(f"{field_name.replace('_', ' ')} {value}")
            else:  # a named level says what it is: "shared pool", not "budget structure ..."
                parts.append(_words(value))
    return ", ".join(parts)


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return value in ("true", "false")
    return True


def _words(value: str) -> str:
    """A level in words: ``finance_led`` -> ``finance-led``, ``cro`` -> ``CRO``."""
    if value == "cro":
        return "CRO"
    return value.replace("_led", "-led").replace("_", " ")


def sentence_case(text: str) -> str:
    """Capitalise the first letter only (``mQL`` stays as written, ``CRO`` too)."""
    return text[:1].upper() + text[1:]


def lower_case(text: str) -> str:
    """Lower-case a label's first word unless it is an acronym (MQL, ARM, CRO)."""
    first, _, rest = text.partition(" ")
    if first.isupper() and len(first) > 1:
        return text
    return first.lower() + (" " + rest if rest else "")


def arm_order(runs: pd.DataFrame) -> list[str]:
    """Arms in design order (by arm index in the run id), so tables follow the experiment file."""
    first = runs.assign(_i=runs["run_id"].str.slice(1, 6).astype(int)).groupby("arm")["_i"].min()
    return list(first.sort_values(kind="stable").index)


def colour_key(runs: pd.DataFrame, arm: str) -> str:
    """The value that picks an arm's colour: its preset when the preset varies, else the label."""
    if PRESET_FACTOR in runs.columns:
        values = runs.loc[runs["arm"] == arm, PRESET_FACTOR]
        if len(values):
            return str(values.iloc[0])
    return str(arm)


def finished(runs: pd.DataFrame) -> pd.DataFrame:
    return runs[runs["status"] == "done"]


# -- bootstrap ---------------------------------------------------------------------------------
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


def _bootstrap_columns(matrix: np.ndarray, *, level: float, n_boot: int, seed: int
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


# -- per-arm means -------------------------------------------------------------------------------
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


# -- paired differences --------------------------------------------------------------------------
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


def describe_difference(row: pd.Series, arm_name: str, baseline_name: str, fmt: Any,
                        metric_name: str, *, relative: bool = True) -> str:
    """One sentence, e.g. 'Joint: revenue is higher than finance-led by $24.5k (+2%; 95% CI
    $11.5k to $38.8k).' `fmt` formats a difference; `relative` adds the change in percent."""
    if row["arm"] == row["baseline"]:
        return f"{arm_name} is the baseline."
    spread = f"95% CI {fmt(row['low'])} to {fmt(row['high'])}"
    if row["verdict"] == UNCLEAR:
        return (f"{arm_name}: no clear difference in {metric_name} from {baseline_name} "
                f"({fmt(row['difference'])}; {spread}).")
    rel = ""
    if relative and np.isfinite(row["relative"]):
        pct = row["relative"] * 100
        rel = f"{pct:+.1f}%; " if abs(pct) < 10 else f"{pct:+.0f}%; "
    return (f"{arm_name}: {metric_name} is {row['verdict']} than {baseline_name} by "
            f"{fmt(abs(row['difference']))} ({rel}{spread}).")


# -- time series -----------------------------------------------------------------------------------
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
    done = finished(runs)[["run_id", "arm"]]
    ratio = RATIOS.get(metric) if smooth_weeks > 1 else None
    if ratio is not None and not set(ratio[0]) | set(ratio[1]) <= set(weekly.columns):
        ratio = None
    if ratio is not None:
        num, den = ratio
        data = weekly[["run_id", "week"]].assign(_num=weekly[list(num)].sum(axis=1),
                                                 _den=weekly[list(den)].sum(axis=1))
    else:
        data = weekly[["run_id", "week", metric]]
    data = data.merge(done, on="run_id")
    out = []
    for arm in arm_order(done):
        part = data[data["arm"] == arm]
        if part.empty:
            continue
        if ratio is not None:
            num_w = part.pivot(index="run_id", columns="week", values="_num")
            den_w = part.pivot(index="run_id", columns="week", values="_den")
            num_w = num_w.T.rolling(smooth_weeks, min_periods=1).sum().T
            den_w = den_w.T.rolling(smooth_weeks, min_periods=1).sum().T
            wide = (num_w / den_w.where(den_w > 0)).fillna(0.0)
        else:
            wide = part.pivot(index="run_id", columns="week", values=metric)
            if smooth_weeks > 1:
                wide = wide.T.rolling(smooth_weeks, min_periods=1).mean().T
        mean, lo, hi = _bootstrap_columns(wide.to_numpy(float), level=level, n_boot=n_boot,
                                          seed=seed)
        out.append(pd.DataFrame({"arm": arm, "week": wide.columns.to_numpy(), "n": len(wide),
                                 "mean": mean, "low": lo, "high": hi}))
    if not out:
        return pd.DataFrame(columns=["arm", "week", "n", "mean", "low", "high"])
    return pd.concat(out, ignore_index=True)


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


# -- grids ----------------------------------------------------------------------------------------
def grid(runs: pd.DataFrame, row_factor: str, col_factor: str, metric: str) -> pd.DataFrame:
    """Mean of a metric over replicates for each cell of a two-factor grid (rows x columns, in
    the experiment file's level order)."""
    done = finished(runs)
    table = done.groupby([row_factor, col_factor], sort=False)[metric].mean().unstack(col_factor)
    rows = list(dict.fromkeys(done[row_factor]))
    cols = list(dict.fromkeys(done[col_factor]))
    return table.reindex(index=rows, columns=cols)


# -- sensitivity ----------------------------------------------------------------------------------
@dataclass
class Sensitivity:
    method: str
    """"sobol", "morris" or "rbd_fast"."""
    metric: str
    table: pd.DataFrame
    """One row per parameter: index columns of the method (S1, S1_conf, ST, ST_conf for Sobol;
    mu_star, mu_star_conf, sigma for Morris; S1, S1_conf for RBD-FAST)."""
    note: str = ""


def _design_matrix(spec: ExperimentSpec, runs: pd.DataFrame, metric: str
                   ) -> tuple[np.ndarray, np.ndarray]:
    from experiments.design import arms, sample_matrix

    done = finished(runs)
    index = done["run_id"].str.slice(1, 6).astype(int)
    y_by_arm = done.groupby(index)[metric].mean()
    n_arms = len(arms(spec))
    y = y_by_arm.reindex(range(n_arms)).to_numpy(float)
    return sample_matrix(spec), y


def sensitivity(spec: ExperimentSpec, runs: pd.DataFrame, metric: str) -> Sensitivity:
    """SALib indices of a sampled design for one summary metric (mean over replicates per arm).

    Sobol and Morris need every arm of the design: with runs missing, the indices are not
    computed and ``note`` says why (the table is empty).
    """
    from SALib.analyze import morris, rbd_fast, sobol

    from experiments.design import salib_problem

    problem = salib_problem(spec)
    x, y = _design_matrix(spec, runs, metric)
    names = problem["names"]
    missing = int(np.isnan(y).sum())
    method = {"sobol": "sobol", "morris": "morris", "lhs": "rbd_fast"}[spec.design]
    if method != "rbd_fast" and missing:
        return Sensitivity(method, metric, pd.DataFrame(),
                           f"{missing} of {len(y)} design points have no finished run; "
                           f"{method} indices need all of them")
    if np.nanstd(y) == 0:
        return Sensitivity(method, metric, pd.DataFrame(),
                           f"{metric} does not vary across the design")
    if method == "sobol":
        res = sobol.analyze(problem, y, calc_second_order=spec.second_order, seed=SEED)
        table = pd.DataFrame({"S1": res["S1"], "S1_conf": res["S1_conf"], "ST": res["ST"],
                              "ST_conf": res["ST_conf"]}, index=names)
    elif method == "morris":
        res = morris.analyze(problem, x, y, num_levels=spec.morris_levels, seed=SEED)
        table = pd.DataFrame({"mu_star": res["mu_star"], "mu_star_conf": res["mu_star_conf"],
                              "sigma": res["sigma"]}, index=names)
    else:
        keep = ~np.isnan(y)
        # RBD-FAST's bias correction divides by 1 - 2M/N on half-size bootstrap samples, so the
        # number of harmonics M must stay under a quarter of the runs.
        harmonics = min(10, int(keep.sum()) // 4 - 1)
        if harmonics < 1:
            return Sensitivity(method, metric, pd.DataFrame(),
                               f"{int(keep.sum())} runs are too few for RBD-FAST (8 or more)")
        res = rbd_fast.analyze(problem, x[keep], y[keep], M=harmonics, seed=SEED)
        table = pd.DataFrame({"S1": res["S1"], "S1_conf": res["S1_conf"]}, index=names)
    table.index.name = "parameter"
    return Sensitivity(method, metric, table)


# -- where alignment fails ---------------------------------------------------------------------
@dataclass
class FailureBox:
    metric: str
    threshold: float
    limits: dict[str, tuple[float, float]]
    """Parameter -> (low, high) of the box, only for the parameters the box restricts."""
    ranges: dict[str, tuple[float, float]]
    """Parameter -> (low, high) sampled in the design, for comparison."""
    share_inside: float
    """Share of runs inside the box whose metric is below the threshold."""
    share_overall: float
    support: float
    """Share of all runs that fall inside the box."""
    coverage: float
    """Share of all low runs that fall inside the box."""
    n_runs: int
    quantile: float
    steps: list[dict[str, Any]] = field(default_factory=list)

    def describe(self, label: Any = str, fmt: Any = "{:.3g}".format) -> str:
        """The box in words, for a report."""
        name = lower_case(label(self.metric))
        intro = (f"{self.share_overall:.0%} of the {self.n_runs} runs have a low {name} "
                 f"(below {fmt(self.threshold)}, the lowest {self.quantile:.0%} of runs).")
        if not self.limits:
            return intro + " No parameter range concentrates them: low values are spread " \
                           "across the design."
        conditions = []
        for param, (lo, hi) in self.limits.items():
            full_lo, full_hi = self.ranges[param]
            if lo > full_lo and hi < full_hi:
                conditions.append(f"{label(param)} is between {lo:.3g} and {hi:.3g}")
            elif lo > full_lo:
                conditions.append(f"{label(param)} is at least {lo:.3g}")
            else:
                conditions.append(f"{label(param)} is at most {hi:.3g}")
        return (f"{intro} When {' and '.join(conditions)}, {self.share_inside:.0%} of runs are "
                f"low: this box holds {self.support:.0%} of the runs and {self.coverage:.0%} of "
                "all low ones.")


def failure_box(runs: pd.DataFrame, parameters: Sequence[str], metric: str = "alignment_index",
                *, quantile: float = 0.25, peel: float = 0.05, min_support: float = 0.1,
                prune_tolerance: float = 0.03, max_conditions: int = 3) -> FailureBox:
    """A PRIM-style box of parameter ranges where ``metric`` is low (below its ``quantile``).

    Peeling stops when the box holds under ``min_support`` of the runs or no peel raises the
    share of low runs; then restrictions whose removal lowers that share by less than
    ``prune_tolerance`` are dropped, and at most ``max_conditions`` are kept.
    """
    done = finished(runs).dropna(subset=[metric])
    x = done[list(parameters)].to_numpy(float)
    y = done[metric].to_numpy(float)
    threshold = float(np.quantile(y, quantile))
    low = y < threshold
    if not low.any():  # ties at the minimum: the lowest values are the low ones
        low = y <= threshold
    n = len(y)
    ranges = {p: (float(x[:, j].min()), float(x[:, j].max())) for j, p in enumerate(parameters)}
    inside = np.ones(n, dtype=bool)
    limits = {p: list(r) for p, r in ranges.items()}
    steps = []
    while inside.sum() > max(min_support * n, 1):
        best: tuple[float, int, str, float] | None = None
        current = low[inside].mean()
        for j in range(len(parameters)):
            values = x[inside, j]
            for side in ("low", "high"):
                cut = float(np.quantile(values, peel if side == "low" else 1 - peel))
                keep = inside & ((x[:, j] >= cut) if side == "low" else (x[:, j] <= cut))
                if keep.sum() in (0, inside.sum()) or keep.sum() < min_support * n:
                    continue
                share = low[keep].mean()
                if best is None or share > best[0]:
                    best = (share, j, side, cut)
        if best is None or best[0] <= current:
            break
        share, j, side, cut = best
        p = parameters[j]
        inside &= (x[:, j] >= cut) if side == "low" else (x[:, j] <= cut)
        limits[p][0 if side == "low" else 1] = cut
        steps.append({"parameter": p, "side": side, "cut": cut, "share": float(share),
                      "support": float(inside.mean())})
    # Pasting back: drop restrictions that barely matter, so the box reads as a few conditions.
    restricted = {p: (float(lo), float(hi)) for p, (lo, hi) in limits.items()
                  if (lo, hi) != tuple(ranges[p])}

    def inside_of(box: dict[str, tuple[float, float]]) -> np.ndarray:
        mask = np.ones(n, dtype=bool)
        for j, p in enumerate(parameters):
            if p in box:
                mask &= (x[:, j] >= box[p][0]) & (x[:, j] <= box[p][1])
        return mask

    while restricted:
        density = low[inside_of(restricted)].mean()
        losses = {p: density - low[inside_of({q: b for q, b in restricted.items() if q != p})]
                  .mean() for p in restricted}
        weakest = min(losses, key=losses.__getitem__)
        if losses[weakest] >= prune_tolerance and len(restricted) <= max_conditions:
            break
        del restricted[weakest]
    inside = inside_of(restricted)
    return FailureBox(
        metric=metric, threshold=threshold, limits=restricted, ranges=ranges,
        share_inside=float(low[inside].mean()), share_overall=float(low.mean()),
        support=float(inside.mean()),
        coverage=float((low & inside).sum() / max(low.sum(), 1)), n_runs=n, quantile=quantile,
        steps=steps)
