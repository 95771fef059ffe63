"""What a calibration found, as tables: each target against the fitted rate with an interval,
which parameters the targets pin down and which they leave free, and the search's progress.

Pinning is read off the targets' sensitivities around the fit (a Gauss-Newton look at the
least-squares problem). Over the candidates nearest the fit, each target's z-score is regressed
on the parameters (on the unit scale of their ranges, logarithmic for log ranges), so that near
the fit the objective is about |a + B (u - fit)|^2. A parameter's profile holds it at each value
of its range while the others move, within their ranges, to compensate as well as they can (a
bounded linear least-squares problem). The values where that profile stays within 3.84
(chi-square, 1 degree of freedom, 95%) of the objective at the fit are the parameter's interval:
it holds the fit, and is the usual profile interval when the fit is the best point. One that
spans most of its range is left free by these targets; with more parameters than targets some
combination always is, and the ranges decide how far it can go. Approximate: it assumes the
targets move linearly with the parameters, and the slopes carry the simulation noise of the
fitting seeds. The profile from the candidates themselves (lowest objective per bin of each
range) shows the same from the data, for the chart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.analysis.bootstrap import bootstrap_ci
from experiments.calibration import Calibration
from experiments.calibration.firm import FitParam, Target
from experiments.calibration.search import complete
from sim.params import value_of

NEAR_BEST = 3.84
"""Chi-square with 1 degree of freedom at 95%: the rise of the objective that rules a value out."""
PROFILE_BINS = 12
PINNED, PARTLY = 0.3, 0.7
"""A parameter whose 95% interval spans at most this share of its range is pinned, or partly."""
PROFILE_GRID = 41
"""Values of each parameter's range at which its profile is computed."""
LOCAL_PER_PARAMETER = 4
"""Candidates per coefficient in the regression of the targets on the parameters (at least;
a third of the candidates when there are more)."""


def fit_table(cal: Calibration) -> pd.DataFrame:
    """One row per target: the firm's value and interval, the fitted rate (mean over the check's
    fresh seeds, or the fitting seeds before the check) with a bootstrap 95% interval, the
    seed-to-seed spread, the z-score, and whether the target is met, gives way (some candidate
    met it, so other targets pulled the fit away) or is out of reach of the fit ranges."""
    runs = cal.check_runs(cal.chosen) if cal.checked else cal.fit_runs(cal.chosen)
    searched = complete(cal.candidates)
    fitted = {t.metric: float(runs[t.column].mean()) for t in cal.firm.targets}
    reachable = {t.metric for t in cal.firm.targets if t.lo <= fitted[t.metric] <= t.hi
                 or ((searched[t.column] >= t.lo) & (searched[t.column] <= t.hi)).any()}
    rows = []
    for t in cal.firm.targets:
        values = runs[t.column].to_numpy(dtype=float)
        mean, lo, hi = bootstrap_ci(values)
        inside = bool(t.lo <= mean <= t.hi)
        meeting = searched[(searched[t.column] >= t.lo) & (searched[t.column] <= t.hi)]
        rows.append({
            "metric": t.metric, "weeks": t.weeks, "target": t.value, "target_lo": t.lo,
            "target_hi": t.hi, "sigma": t.sigma, "fitted": mean, "fitted_lo": lo,
            "fitted_hi": hi, "seed_sd": float(np.std(values, ddof=1)) if len(values) > 1
            else np.nan, "seeds": len(values), "z": (mean - t.value) / t.sigma,
            "inside": inside,
            "verdict": ("met" if inside else "gives way" if t.metric in reachable
                        else "out of reach"),
            **_price(cal, t, meeting, inside, reachable),
        })
    return pd.DataFrame(rows)


def _price(cal: Calibration, target: Target, meeting: pd.DataFrame, inside: bool,
           reachable: set[str]) -> dict[str, object]:
    """For a target that gives way: the best candidate that met it, and the other reachable
    target it then misses most (what pulls against it), with that target's z-score there."""
    if inside or meeting.empty:
        return {"met_by": np.nan, "pulls_against": "", "pulls_z": np.nan}
    best = meeting.sort_values(["objective", "candidate"]).iloc[0]
    others = {t.metric: (best[t.column] - t.value) / t.sigma for t in cal.firm.targets
              if t.metric != target.metric and t.metric in reachable}
    if not others:
        return {"met_by": int(best["candidate"]), "pulls_against": "", "pulls_z": np.nan}
    worst = max(others, key=lambda m: abs(others[m]))
    return {"met_by": int(best["candidate"]), "pulls_against": worst,
            "pulls_z": float(others[worst])}


def profile(cal: Calibration, p: FitParam, bins: int = PROFILE_BINS) -> pd.DataFrame:
    """Per bin of `p`'s range: its bounds, the lowest objective of a candidate in it (NaN where
    no candidate fell) and how many fell in it."""
    ok = complete(cal.candidates)
    edges = (np.geomspace(p.lo, p.hi, bins + 1) if p.log else np.linspace(p.lo, p.hi, bins + 1))
    which = np.clip(np.searchsorted(edges, ok[p.name].to_numpy(dtype=float), side="right") - 1,
                    0, bins - 1)
    rows = []
    for b in range(bins):
        inside = ok["objective"].to_numpy()[which == b]
        rows.append({"parameter": p.name, "bin_lo": edges[b], "bin_hi": edges[b + 1],
                     "centre": float(np.sqrt(edges[b] * edges[b + 1]) if p.log
                                     else (edges[b] + edges[b + 1]) / 2),
                     "best": float(inside.min()) if len(inside) else np.nan,
                     "candidates": len(inside)})
    return pd.DataFrame(rows)


def sensitivities(cal: Calibration) -> pd.DataFrame:
    """Slope of each target's z-score on each parameter (per whole range), around the fit: a
    least-squares plane through the candidates nearest it. Rows: targets; columns: parameters."""
    return _linear_model(cal)[0]


def parameter_table(cal: Calibration) -> pd.DataFrame:
    """One row per fitted parameter: its range, the firm's value before fitting, the fitted
    value, its approximate 95% interval, the share of the range that interval spans, the target
    that moves most with it, and a verdict (pinned, partly pinned, free)."""
    slopes, intercepts = _linear_model(cal)
    fit = cal.firm.fit
    fitted = cal.values
    centre = np.array([float(p.to_unit(fitted[p.name])) for p in fit])
    b = slopes.to_numpy()
    rows = []
    for i, p in enumerate(fit):
        lo, hi = _profile_interval(intercepts, b, centre, i)
        column = slopes[p.name].abs()
        share = hi - lo
        rows.append({
            "parameter": p.name, "lo": p.lo, "hi": p.hi, "log": p.log,
            "before": value_of(cal.firm.base, p.name), "fitted": float(fitted[p.name]),
            "interval_lo": float(p.from_unit(lo)), "interval_hi": float(p.from_unit(hi)),
            "range_share": share, "moves_most": column.idxmax() if column.max() > 0 else "",
            "verdict": ("pinned" if share <= PINNED else "partly pinned"
                        if share <= PARTLY else "free"),
        })
    return pd.DataFrame(rows)


def _linear_model(cal: Calibration) -> tuple[pd.DataFrame, np.ndarray]:
    """Slopes (targets x parameters) and intercepts (at the fit) of the targets' z-scores."""
    ok = complete(cal.candidates)
    d = len(cal.firm.fit)
    fitted = cal.values
    x = np.column_stack([p.to_unit(ok[p.name].to_numpy()) - p.to_unit(fitted[p.name])
                         for p in cal.firm.fit])
    # The candidates nearest the fit (on the unit scale of the ranges): local slopes.
    near = np.argsort(np.linalg.norm(x, axis=1), kind="stable")
    near = near[:min(len(ok), max(LOCAL_PER_PARAMETER * (d + 1), len(ok) // 3))]
    local, x = ok.iloc[near], x[near]
    design = np.column_stack([np.ones(len(local)), x])
    slopes, intercepts = {}, []
    for t in cal.firm.targets:
        z = (local[t.column].to_numpy(dtype=float) - t.value) / t.sigma
        coef, *_ = np.linalg.lstsq(design, z, rcond=None)
        slopes[t.metric] = coef[1:]
        intercepts.append(coef[0])
    table = pd.DataFrame(slopes, index=[p.name for p in cal.firm.fit]).T
    return table, np.array(intercepts)


def _profile_interval(a: np.ndarray, b: np.ndarray, centre: np.ndarray, i: int
                      ) -> tuple[float, float]:
    """Where, on the unit scale, the profile of parameter i of |a + b (u - centre)|^2 over the
    unit box stays within NEAR_BEST of its value at the fit (|a|^2), so the fit is inside."""
    from scipy.optimize import lsq_linear

    rest = [j for j in range(len(centre)) if j != i]
    grid = np.union1d(np.linspace(0.0, 1.0, PROFILE_GRID), [centre[i]])
    values = []
    for t in grid:
        residual = a + b[:, i] * (t - centre[i]) - b[:, rest] @ centre[rest]
        if rest and np.any(b[:, rest]):
            best = lsq_linear(b[:, rest], -residual, bounds=(0.0, 1.0))
            residual = residual + b[:, rest] @ best.x
        values.append(float(residual @ residual))
    profile = np.array(values)
    inside = grid[profile <= float(a @ a) + NEAR_BEST]
    return float(inside.min()), float(inside.max())


def convergence(cal: Calibration) -> pd.DataFrame:
    """Each candidate's objective on the fitting seeds and the best so far."""
    table = cal.candidates[["candidate", "round", "objective"]].copy()
    table["best_so_far"] = table["objective"].cummin()
    return table
