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
  gives exactly zero with a zero-width interval.
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
    paired_differences,
    verdict,
)
from experiments.analysis.failure import FailureBox, failure_box
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
    "FUNNEL_STAGES", "HIGHER", "LEVEL", "LOWER", "N_BOOT", "RATIOS", "SEED", "UNCLEAR",
    "FailureBox", "Sensitivity", "arm_means", "arm_order", "bootstrap_ci", "bootstrap_columns",
    "failure_box", "finished", "funnel", "grid", "paired_differences", "sensitivity",
    "trajectories", "verdict", "weekly_bands",
]
