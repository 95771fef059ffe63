"""Analysis: pure functions over the stored tables (the runs and weekly frames of a results
folder), returning plain frames that charts draw and reports print: frames in, frames out. Words
and colours are the report's (`experiments.report`).

Statistics, and why:

- Intervals are percentile bootstraps over replicates (95% by default, 2,000 resamples, a seeded
  generator so a report is reproducible). Replicates are independent runs, so resampling them is
  the honest unit; no normality is assumed for rates or revenue.
- Arms are compared as paired differences: replicate r of every arm ran on the same seed (common
  random numbers), so arm minus baseline is taken within each replicate and those differences
  are bootstrapped. The pairing removes the market noise both arms share; an arm against itself
  gives exactly zero with a zero-width interval. Every pair of arms is compared once, and every
  table, sentence and title reads those rows (`contrasts.leaders` for "who leads").
- Replicates needed: from the standard deviation of a contrast's paired differences, the
  replicates at which its 95% interval shrinks to a stated share of the baseline's value, and
  never fewer than ten (the least a percentile bootstrap can be trusted with).
- Sensitivity indices come from SALib (Sobol for Saltelli designs, Morris elementary effects,
  RBD-FAST for Latin hypercubes), on the per-arm mean over replicates, in the design's arm order.
- "Where does alignment fail" is a PRIM-style box (Friedman & Fisher 1999): peel 5% of the runs
  off one end of one parameter at a time, keeping the peel that most raises the share of
  low-alignment runs inside the box, until the box holds under 10% of the runs. The result is a
  handful of parameter ranges that a reader can check against the table.
"""

from experiments.analysis.bootstrap import LEVEL, N_BOOT, SEED, bootstrap_ci, bootstrap_columns
from experiments.analysis.contrasts import (
    HIGHER,
    LOWER,
    UNCLEAR,
    arm_means,
    clearly_above_all,
    leaders,
    paired_differences,
    pairwise_differences,
    verdict,
)
from experiments.analysis.failure import FailureBox, failure_box
from experiments.analysis.replication import (
    MIN_REPLICATES,
    PRECISION,
    needed_by_metric,
    replicates_needed,
    replication,
)
from experiments.analysis.runs import arm_order, finished
from experiments.analysis.sensitivity import Sensitivity, sensitivity
from experiments.analysis.series import (
    FUNNEL_STAGES,
    RATIOS,
    funnel,
    grid,
    trajectories,
    weekly_bands,
)

__all__ = [
    "FUNNEL_STAGES", "HIGHER", "LEVEL", "LOWER", "MIN_REPLICATES", "N_BOOT", "PRECISION",
    "RATIOS", "SEED", "UNCLEAR", "FailureBox", "Sensitivity", "arm_means", "arm_order",
    "bootstrap_ci", "bootstrap_columns", "clearly_above_all", "failure_box", "finished",
    "funnel", "grid", "leaders", "needed_by_metric", "paired_differences",
    "pairwise_differences", "replicates_needed", "replication", "sensitivity", "trajectories",
    "verdict", "weekly_bands",
]
