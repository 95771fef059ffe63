"""Customers as a numpy structure-of-arrays, and their weekly churn.

Churn hazard per week = segment base x fit term x attention term x retention term:
- mis-sold customers (low true fit) churn more (the brief: "mis-sold customers churn");
- account-management hours below what a customer wants raise churn, full attention lowers it;
- retention marketing lowers churn with diminishing returns.
Account management also expands accounts (upsell) in proportion to attention.
Revenue is recurring: each customer pays ARR/52 a week; "new business" is revenue from
customers in their first 52 weeks.
"""

from __future__ import annotations

import numpy as np

from sim.leads import MARKETING

_COLUMNS: dict[str, type] = {
    "segment": np.int64,
    "arr": np.float64,
    "fit": np.float64,
    "owner": np.int64,
    "source": np.int64,
    "start_week": np.int64,
}

# Attention multiplier runs from NEGLECT (no hours) to CARED (all wanted hours).
CHURN_NEGLECTED = 1.4
CHURN_CARED = 0.8
FIT_CHURN_SLOPE = 2.5
FIT_NEUTRAL = 0.45
RETENTION_MAX_CUT = 0.3
# Expansion (upsell) a customer gives per year at full account-management attention.
EXPANSION_PER_YEAR = 0.08
# Weekly retention spend of this share of ARR gives 63% of the maximal cut.
RETENTION_REF_SHARE_OF_ARR = 0.0005


class CustomerTable:
    def __init__(self) -> None:
        self.cols: dict[str, np.ndarray] = {k: np.empty(0, dtype=t) for k, t in _COLUMNS.items()}
        self.won_total = 0
        self.churned_total = 0

    def __len__(self) -> int:
        return len(self.cols["arr"])

    def __getattr__(self, name: str) -> np.ndarray:
        cols = self.__dict__.get("cols")
        if cols is not None and name in cols:
            return cols[name]
        raise AttributeError(name)

    def add(self, *, initial: bool = False, **columns: np.ndarray) -> None:
        n = len(columns["arr"])
        if n == 0:
            return
        for name, dtype in _COLUMNS.items():
            self.cols[name] = np.concatenate((self.cols[name], np.asarray(columns[name], dtype)))
        if not initial:
            self.won_total += n

    def remove(self, gone: np.ndarray) -> None:
        keep = ~gone
        for name in self.cols:
            self.cols[name] = self.cols[name][keep]
        self.churned_total += int(np.count_nonzero(gone))

    def expand(self, attention: np.ndarray) -> np.ndarray:
        """Grow ARR by attention-weighted expansion; returns the ARR added per customer, USD."""
        added = self.cols["arr"] * (EXPANSION_PER_YEAR / 52.0) * attention
        self.cols["arr"] = self.cols["arr"] + added
        return added

    def accounts_per_owner(self, n_reps: int) -> np.ndarray:
        return np.bincount(self.cols["owner"], minlength=n_reps)[:n_reps]

    def weekly_revenue(self, week: int) -> tuple[float, float, float]:
        """Total, new-business (first 52 weeks) and marketing-sourced revenue this week, USD."""
        arr = self.cols["arr"]
        new = (week - self.cols["start_week"]) < 52
        mkt = self.cols["source"] == MARKETING
        return float(arr.sum() / 52), float(arr[new].sum() / 52), float(arr[mkt].sum() / 52)


def retention_cut(retention_spend_usd: float, arr_usd: float) -> float:
    """Share of churn that retention marketing removes, with diminishing returns."""
    reference_usd = RETENTION_REF_SHARE_OF_ARR * max(arr_usd, 1.0)
    return RETENTION_MAX_CUT * (1 - float(np.exp(-retention_spend_usd / reference_usd)))


def churn_hazard(customers: CustomerTable, weekly_base: np.ndarray, attention: np.ndarray,
                 retention_spend_usd: float, drift: np.ndarray) -> np.ndarray:
    """Weekly churn probability per customer.

    attention: per customer, hours received / hours wanted, clipped to [0, 1].
    """
    arr = customers.arr
    fit_term = np.exp(FIT_CHURN_SLOPE * (FIT_NEUTRAL - customers.fit))
    attention_term = CHURN_NEGLECTED + (CHURN_CARED - CHURN_NEGLECTED) * attention
    cut = retention_cut(retention_spend_usd, float(arr.sum()))
    # Segments that grow less attractive lose customers faster.
    seg = customers.segment
    hazard = weekly_base[seg] * fit_term * attention_term * (1 - cut) / drift[seg]
    return np.minimum(hazard, 1.0)
