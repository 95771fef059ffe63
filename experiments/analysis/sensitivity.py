"""Sensitivity indices of a sampled design, from SALib: Sobol for Saltelli designs, Morris
elementary effects, RBD-FAST for Latin hypercubes, on the per-arm mean over replicates, in the
design's arm order."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.analysis.bootstrap import SEED
from experiments.analysis.runs import finished
from experiments.spec import ExperimentSpec


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
