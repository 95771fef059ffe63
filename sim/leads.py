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
    "peak_score": np.float64,   # highest score the lead reached in the pool
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


_DEFAULTS = {"owner": NO_OWNER, "mql_week": NO_WEEK, "contact_week": NO_WEEK,
             "opp_week": NO_WEEK, "marketer": NO_OWNER}


class LeadTable:
    """Active leads, column-wise, plus archived counts of closed leads by stage and source.

    Columns live in buffers with spare capacity (doubling when full), so adding the week's
    leads writes into place instead of reallocating every column; `cols` and attribute access
    give views of the active rows, and writes through them change the table.
    """

    def __init__(self, capacity: int = 1024) -> None:
        self._buf: dict[str, np.ndarray] = {k: np.empty(capacity, dtype=t)
                                            for k, t in _COLUMNS.items()}
        self._n = 0
        self.created = 0
        self.archived = np.zeros((N_STAGES, 2), dtype=np.int64)  # [stage, source]

    def __len__(self) -> int:
        return self._n

    @property
    def cols(self) -> dict[str, np.ndarray]:
        return {name: buf[:self._n] for name, buf in self._buf.items()}

    def __getattr__(self, name: str) -> np.ndarray:
        # Reached only for names that are not columns (columns are properties, installed
        # below); kept so type checkers know `leads.<column>` is an array.
        buf = self.__dict__.get("_buf")
        if buf is not None and name in buf:
            return buf[name][:self.__dict__["_n"]]
        raise AttributeError(name)

    def add(self, **columns: np.ndarray | float) -> None:
        """Append rows (as many as `segment` has); a column given as a number is that number in
        every new row, and columns not given take their 'none yet' value."""
        segment = columns["segment"]
        assert isinstance(segment, np.ndarray)
        k = len(segment)
        if k == 0:
            return
        n = self._n
        if n + k > len(self._buf["stage"]):
            capacity = max(2 * len(self._buf["stage"]), n + k)
            for name, old in self._buf.items():
                grown = np.empty(capacity, dtype=old.dtype)
                grown[:n] = old[:n]
                self._buf[name] = grown
        for name, buf in self._buf.items():
            buf[n:n + k] = columns[name] if name in columns else _DEFAULTS.get(name, 0)
        self._n = n + k
        self.created += k

    def archive_closed(self) -> None:
        """Count closed rows into the archive and drop them from the active arrays."""
        n = self._n
        stage = self._buf["stage"][:n]
        closed = stage >= Stage.WON
        closed &= stage != Stage.RETURNED
        if not closed.any():
            return
        idx = stage[closed] * 2 + self._buf["source"][:n][closed]
        self.archived += np.bincount(idx, minlength=N_STAGES * 2).reshape(N_STAGES, 2)
        # The kept rows' positions, found once: gathering every column by position is cheaper
        # than masking each one.
        rows = np.flatnonzero(~closed)
        kept = len(rows)
        for buf in self._buf.values():
            buf[:kept] = buf[rows]
        self._n = kept

    def active_by_stage(self) -> np.ndarray:
        return np.bincount(self._buf["stage"][:self._n], minlength=N_STAGES)

    def archived_by_stage(self) -> np.ndarray:
        return self.archived.sum(axis=1)


def _column(name: str) -> property:
    def view(self: LeadTable) -> np.ndarray:
        return self._buf[name][:self._n]
    return property(view, doc=f"Active rows of column {name!r} (a view: writes change the table).")


# Columns as properties: the mechanisms read them tens of thousands of times a run, and a
# property is found by normal lookup, where `__getattr__` runs only after a failed one.
for _name in _COLUMNS:
    setattr(LeadTable, _name, _column(_name))
del _name
