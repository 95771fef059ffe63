"""Run one simulation to a RunResult: plain, picklable data (a weekly table, a summary dict, the
network at chosen weeks as an edge table, and the parameters, seed and versions that made it)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sim.metrics import summarise
from sim.model import AlignmentModel
from sim.network import EDGE_DTYPES, edge_table
from sim.params import Params
from sim.provenance import versions


@dataclass(frozen=True)
class RunResult:
    weekly: pd.DataFrame
    """One row per simulated week (index ``week`` from 1), one column per weekly metric."""
    summary: dict[str, float]
    """Run-level metrics over the measured weeks (burn-in excluded)."""
    params: dict[str, Any]
    """``Params.to_dict()`` of the run."""
    seed: int
    versions: dict[str, str]
    network: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(EDGE_DTYPES)).astype(EDGE_DTYPES))
    """The ties at the chosen weeks (`sim.network.edge_table`), one row per tie and week."""


def run(params: Params, seed: int, network_weeks: Iterable[int] | None = None) -> RunResult:
    """Simulate ``params.weeks`` weeks from ``seed``; same inputs give bit-identical results.

    The network is kept at `network_weeks` (default: the last week; empty: none)."""
    model = AlignmentModel(params, seed=seed)
    keep = {params.weeks} if network_weeks is None else set(network_weeks)
    edges = []
    for _ in range(params.weeks):
        model.step()
        if model.week in keep:
            edges.append(edge_table(model.network, model.agents, model.week))
    weekly = model.weekly_table()
    return RunResult(
        weekly=weekly,
        summary=summarise(weekly, params.burn_in_weeks),
        params=params.to_dict(),
        seed=int(seed),
        versions=versions(),
        network=(pd.concat(edges, ignore_index=True) if edges
                 else pd.DataFrame(columns=list(EDGE_DTYPES)).astype(EDGE_DTYPES)),
    )
