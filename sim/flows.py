"""This week's flows: counters the mechanisms add to and the metrics read.

Stocks (leads by stage, customers, ARR) live in their tables; flows happen during a week and are
reset at its start, so every weekly metric is a pure function of the model's state at week end.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np


@dataclass
class Flows:
    inquiries: int = 0
    mqls: int = 0
    mqls_new: int = 0
    mqls_contacted: int = 0
    mqls_accepted: int = 0
    mqls_rejected: int = 0
    mqls_returned_unworked: int = 0
    mqls_never_contacted: int = 0
    mql_wait_weeks: float = 0.0
    mqls_overdue: int = 0
    sla_detections: int = 0
    prospects: int = 0
    sals_marketing: int = 0
    sqls_marketing: int = 0
    sqls_sales: int = 0
    disqualified: int = 0
    won_marketing: int = 0
    won_sales: int = 0
    lost: int = 0
    pipeline_marketing_usd: float = 0.0
    """Expected value (win probability x deal) of this week's new marketing opportunities."""
    bookings_marketing_usd: float = 0.0
    bookings_sales_usd: float = 0.0
    won_cycle_weeks: float = 0.0
    churned_logos: int = 0
    churned_arr_usd: float = 0.0
    expansion_arr_usd: float = 0.0
    revenue_usd: float = 0.0
    new_business_revenue_usd: float = 0.0
    marketing_sourced_revenue_usd: float = 0.0
    budget_usd: float = 0.0
    marketing_spend_usd: float = 0.0
    sales_spend_usd: float = 0.0
    meeting_hours: float = 0.0
    feedback_reports: int = 0
    lobbying_hours: float = 0.0
    scoring_error_sq: float = 0.0

    def reset(self) -> None:
        # The instance dict directly: dataclasses.fields() and setattr per field cost more
        # than the rest of the week's bookkeeping.
        self.__dict__.update(_FLOW_DEFAULTS)

    def as_dict(self) -> dict[str, float]:
        values = self.__dict__
        return {name: values[name] for name in _FLOW_DEFAULTS}


_FLOW_DEFAULTS: dict[str, float] = {f.name: f.default for f in fields(Flows)}


# Score bands by which outcomes are linked to marketing's scores (what pooled data shows).
SCORE_BANDS = np.linspace(0.0, 1.2, 25)
BANDS = len(SCORE_BANDS)


def score_band(scores: np.ndarray) -> np.ndarray:
    """The band whose lower edge is the highest at or below the score (band 0 below 0, the top
    band above 1.2). One search over the inner edges: the same as clipping
    searchsorted(SCORE_BANDS, scores, side="right") - 1 to [0, BANDS - 1], in one numpy call."""
    return np.searchsorted(_INNER_EDGES, scores, side="right")


_INNER_EDGES = SCORE_BANDS[1:]


REP_FIELDS = ("pipeline_usd", "bookings_usd", "contacted", "accepted", "rejected", "overdue",
              "detections", "good_mqls", "wasted_mqls", "expansion_usd", "prospects",
              "good_prospects", "accepted_worth", "won_mqls", "won_prospects")
MARKETER_FIELDS = ("mqls", "accepted", "rejected", "overdue", "detections")
# The funnel by marketing's score band, what a demand-waterfall report shows: leads leaving the
# nurture pool for the first time (by the highest score they reached: an MQL's score when it
# was handed over, a lead that went stale its best), MQLs handed over, contacted and accepted,
# and the expected value of the opportunities they became (win probability x deal value).
BAND_FIELDS = ("exits", "mqls", "contacted", "accepted", "pipeline_usd")


class Ledger:
    """This week's outcomes per person, arrays indexed by rep or by marketer: what each person
    experienced, for their payoffs, trust and beliefs."""

    def __init__(self, n_reps: int, n_marketers: int) -> None:
        self.rep = {name: np.zeros(n_reps) for name in REP_FIELDS}
        self.marketer = {name: np.zeros(n_marketers) for name in MARKETER_FIELDS}
        self.contact_pairs = np.zeros((0, 2), dtype=np.int64)
        """(marketer, rep) pairs who dealt with one lead this week."""
        self.band = {name: np.zeros(BANDS) for name in BAND_FIELDS}

    def reset(self) -> None:
        for arr in (*self.rep.values(), *self.marketer.values(), *self.band.values()):
            arr.fill(0.0)  # cheaper than arr[:] = 0.0 on arrays this small
        self.contact_pairs = np.zeros((0, 2), dtype=np.int64)

    def add_band(self, name: str, scores: np.ndarray, weights: np.ndarray | None = None) -> None:
        self.band[name] += np.bincount(score_band(scores), weights=weights, minlength=BANDS)

    def add_rep(self, name: str, owners: np.ndarray, weights: np.ndarray | None = None) -> None:
        n = len(self.rep[name])
        self.rep[name] += np.bincount(owners, weights=weights, minlength=n)[:n]

    def add_marketer(self, name: str, marketers: np.ndarray) -> None:
        marketers = marketers[marketers >= 0]
        n = len(self.marketer[name])
        self.marketer[name] += np.bincount(marketers, minlength=n)[:n]
