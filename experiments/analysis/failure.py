"""Where alignment fails: a PRIM-style box (Friedman & Fisher 1999) of parameter ranges in which a
metric is low.

Peel 5% of the runs off one end of one parameter at a time, keeping the peel that most raises
the share of low runs inside the box, until the box holds under 10% of the runs; then drop the
restrictions that barely matter. The result is a handful of parameter ranges that a reader can
check against the table (`experiments.report.headings.describe_box` puts it in words).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from experiments.analysis.runs import finished


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
