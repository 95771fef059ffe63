"""The conventions of a stored runs table that every analysis relies on: which runs finished, and
the arms in the order of the experiment's design (the arm index in the run id)."""

from __future__ import annotations

import pandas as pd


def arm_order(runs: pd.DataFrame) -> list[str]:
    """Arms in design order (by arm index in the run id), so tables follow the experiment file."""
    first = runs.assign(_i=runs["run_id"].str.slice(1, 6).astype(int)).groupby("arm")["_i"].min()
    return list(first.sort_values(kind="stable").index)


def finished(runs: pd.DataFrame) -> pd.DataFrame:
    return runs[runs["status"] == "done"]
