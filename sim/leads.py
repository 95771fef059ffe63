"""Leads as a numpy structure-of-arrays, with stages and an archive of closed rows.

Leads are not agents: a firm sees thousands, so every column is a numpy array and mechanisms act
on whole columns. Closed rows (won, lost, disqualified) are counted into the archive and dropped
each week, so the active arrays hold only live leads.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Stage(IntEnum):
    INQUIRY = 0
    NURTURE = 1
    MQL = 2
    SAL = 3
    SQL = 4
    WON = 5
    LOST = 6
    DISQUALIFIED = 7
    RETURNED = 8


CLOSED = (Stage.WON, Stage.LOST, Stage.DISQUALIFIED)
ACTIVE = tuple(s for s in Stage if s not in CLOSED)
N_STAGES = len(Stage)

MARKETING, SALES = 0, 1  # lead source

NO_WEEK = -1
NO_OWNER = -1

_COLUMNS: dict[str, type] = {
    "segment": np.int64,
    "source": np.int64,
    "fit": np.float64,          # true fit q in [0, 1]
    "readiness": np.float64,    # buying readiness r in [0, 1]
    "score_z": np.float64,      # the lead's persistent scoring error, in sd units
    "score": np.float64,        # marketing's score as last computed
    "stage": np.int64,
    "owner": np.int64,          # rep index, NO_OWNER when with marketing
    "created_week": np.int64,
    "mql_week": np.int64,
    "contact_week": np.int64,
    "opp_week": np.int64,
    "deal_value": np.float64,   # first-year ARR if won, USD
    "win_prob": np.float64,
    "cycle_left": np.float64,   # weeks of full attention until the deal closes
    "returns": np.int64,        # times handed back to marketing
    "marketer": np.int64,       # index of the marketer whose programme brought it in, or -1
}


class LeadTable:
    """Active leads, column-wise, plus archived counts of closed leads by stage and source."""

    def __init__(self) -> None:
        self.cols: dict[str, np.ndarray] = {k: np.empty(0, dtype=t) for k, t in _COLUMNS.items()}
        self.created = 0
        self.archived = np.zeros((N_STAGES, 2), dtype=np.int64)  # [stage, source]

    def __len__(self) -> int:
        return len(self.cols["stage"])

    def __getattr__(self, name: str) -> np.ndarray:
        cols = self.__dict__.get("cols")
        if cols is not None and name in cols:
            return cols[name]
        raise AttributeError(name)

    def add(self, **columns: np.ndarray) -> None:
        """Append rows; columns not given take their 'none yet' value."""
        n = len(columns["segment"])
        if n == 0:
            return
        defaults = {"owner": NO_OWNER, "mql_week": NO_WEEK, "contact_week": NO_WEEK,
                    "opp_week": NO_WEEK, "marketer": NO_OWNER}
        for name, dtype in _COLUMNS.items():
            if name in columns:
                new = np.asarray(columns[name], dtype=dtype)
            else:
                new = np.full(n, defaults.get(name, 0), dtype=dtype)
            self.cols[name] = np.concatenate((self.cols[name], new))
        self.created += n

    def archive_closed(self) -> None:
        """Count closed rows into the archive and drop them from the active arrays."""
        stage = self.cols["stage"]
        closed = stage >= Stage.WON
        closed &= stage != Stage.RETURNED
        if not closed.any():
            return
        idx = stage[closed] * 2 + self.cols["source"][closed]
        self.archived += np.bincount(idx, minlength=N_STAGES * 2).reshape(N_STAGES, 2)
        keep = ~closed
        for name in self.cols:
            self.cols[name] = self.cols[name][keep]

    def active_by_stage(self) -> np.ndarray:
        return np.bincount(self.cols["stage"], minlength=N_STAGES)

    def archived_by_stage(self) -> np.ndarray:
        return self.archived.sum(axis=1)
