"""What a calibration found, as tables: each target against the fitted rate with an interval,
which parameters the targets pin down and which they leave free, and the search's progress.

Pinning is read off a profile: over each parameter's fit range (in bins, on the log scale for
log ranges), the lowest objective of any candidate in the bin. The objective is a chi-square in
the firm's uncertainties, so bins whose profile lies more than 3.84 (chi-square, 1 degree of
freedom, 95%) above the best are ruled out by the data; the candidates within 3.84 of the best
give each parameter's near-best range. Both are approximate: the profile is taken over the
candidates the search happened to evaluate, and the objective carries the simulation noise of
the fitting seeds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.analysis.bootstrap import bootstrap_ci
from experiments.calibration import Calibration
from experiments.calibration.firm import FitParam
from experiments.calibration.search import complete

NEAR_BEST = 3.84
"""Chi-square with 1 degree of freedom at 95%: the rise of the objective that rules a value out."""
PROFILE_BINS = 12
PINNED, PARTLY = 0.7, 0.3
"""Shares of a range ruled out from which a parameter counts as pinned, or partly pinned."""


def fit_table(cal: Calibration) -> pd.DataFrame:
    """One row per target: the firm's value and interval, the fitted rate (mean over the check's
    fresh seeds, or the fitting seeds before the check) with a bootstrap 95% interval, the
    seed-to-seed spread, the z-score, and whether the target is met, gives way (some candidate
    met it, so other targets pulled the fit away) or is out of reach of the fit ranges."""
    runs = cal.check_runs(cal.chosen) if cal.checked else None
    searched = complete(cal.candidates)
    rows = []
    for t in cal.firm.targets:
        if runs is not None:
            values = runs[t.column].to_numpy(dtype=float)
        else:
            values = np.array([cal.candidates.loc[cal.candidates["candidate"] == cal.chosen,
                                                  t.column].iloc[0]])
        mean, lo, hi = bootstrap_ci(values)
        inside = bool(t.lo <= mean <= t.hi)
        reachable = bool(((searched[t.column] >= t.lo) & (searched[t.column] <= t.hi)).any())
        rows.append({
            "metric": t.metric, "weeks": t.weeks, "target": t.value, "target_lo": t.lo,
            "target_hi": t.hi, "sigma": t.sigma, "fitted": mean, "fitted_lo": lo,
            "fitted_hi": hi, "seed_sd": float(np.std(values, ddof=1)) if len(values) > 1
            else np.nan, "seeds": len(values), "z": (mean - t.value) / t.sigma,
            "inside": inside,
            "verdict": "met" if inside else "gives way" if reachable else "out of reach",
        })
    return pd.DataFrame(rows)


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


def parameter_table(cal: Calibration) -> pd.DataFrame:
    """One row per fitted parameter: its range, the firm's value before fitting, the fitted
    value, the near-best range, the share of the range the data rule out, and a verdict."""
    ok = complete(cal.candidates)
    best = float(ok["objective"].min())
    near = ok[ok["objective"] <= best + NEAR_BEST]
    fitted = cal.values
    rows = []
    for p in cal.firm.fit:
        prof = profile(cal, p)
        ruled_out = float((prof["best"] > best + NEAR_BEST).mean())
        start = cal.candidates[p.name].iloc[0] if len(cal.candidates) else np.nan
        near_lo, near_hi = float(near[p.name].min()), float(near[p.name].max())
        rows.append({
            "parameter": p.name, "lo": p.lo, "hi": p.hi, "log": p.log,
            "first_candidate": float(start), "fitted": float(fitted[p.name]),
            "near_lo": near_lo, "near_hi": near_hi,
            "near_share": p.width(near_lo, near_hi) if len(near) else np.nan,
            "ruled_out": ruled_out,
            "verdict": ("pinned" if ruled_out >= PINNED else "partly pinned"
                        if ruled_out >= PARTLY else "free"),
        })
    table = pd.DataFrame(rows)
    table.attrs["near_best_candidates"] = len(near)
    return table


def convergence(cal: Calibration) -> pd.DataFrame:
    """Each candidate's objective on the fitting seeds and the best so far."""
    table = cal.candidates[["candidate", "round", "objective"]].copy()
    table["best_so_far"] = table["objective"].cummin()
    return table
