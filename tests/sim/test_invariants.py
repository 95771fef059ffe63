"""Invariants that hold every week of every run, over random valid parameters and seeds.

Parameters come from the fields' declared ranges (tests/sim/strategies.py), on small
organisations and short runs so that the whole file stays well under a minute.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import run
from sim.leads import Stage
from sim.metrics import WEEK_END_STAGES
from sim.model import AlignmentModel
from sim.params import Params
from tests.sim.strategies import valid_params

SPEND_SLACK = 1e-9
# Shares are ratios of float sums taken in different orders (a column's sum over the whole
# table's), so a share of everything can come out one rounding step above 1.
SHARE_SLACK = 1e-12
# Weekly columns that are shares of something that cannot exceed its whole.
BOUNDED_WEEKLY = (
    "win_rate", "opportunity_share", "mql_follow_up_share", "account_share", "prospecting_share",
    "cooperation_sales", "cooperation_marketing", "trust_sales_in_marketing",
    "trust_marketing_in_sales", "feedback_rate", "lobbying_effort", "conflict_index",
    "marketing_share_of_budget", "mql_threshold",
)
BOUNDED_SUMMARY = (
    "win_rate", "new_business_share", "marketing_sourced_share", "prospecting_share",
    "account_share", "cooperation_sales", "cooperation_marketing", "trust_sales_in_marketing",
    "trust_marketing_in_sales", "feedback_rate", "lobbying_effort", "conflict_index",
    "mql_threshold", "marketing_share_of_budget",
)
# Scoring accuracy is 1 - RMSE of scores, which is below 0 when the noise is large.
SIGNED = ("scoring_accuracy",)


def check_invariants(params: Params, seed: int) -> None:
    initial_customers = len(AlignmentModel(params, seed).customers)
    result = run(params, seed)
    w = result.weekly
    assert len(w) == params.weeks

    numbers = w.to_numpy(dtype=float)
    assert np.isfinite(numbers).all(), w.columns[~np.isfinite(numbers).all(axis=0)].tolist()
    summary = pd.Series(result.summary)
    assert np.isfinite(summary.to_numpy(dtype=float)).all(), summary[~np.isfinite(summary)]

    unsigned = w.drop(columns=list(SIGNED))
    negative = (unsigned < 0).any()
    assert not negative.any(), negative[negative].index.tolist()

    # Leads are conserved: every lead created is active in a week-end stage or archived.
    active = w[[f"active_{s.name.lower()}" for s in WEEK_END_STAGES]].sum(axis=1)
    pd.testing.assert_series_equal(w.leads_created, active + w.leads_archived,
                                   check_names=False)

    # Spend never exceeds the budget.
    spend = w.marketing_spend_usd + w.sales_spend_usd
    over = spend > w.budget_usd * (1 + SPEND_SLACK)
    assert not over.any(), w.loc[over, ["budget_usd", "marketing_spend_usd", "sales_spend_usd"]]

    # Customers: stock = previous stock + won - churned, and the running totals agree.
    won = w.won_marketing + w.won_sales
    previous = w.customers.shift(1, fill_value=initial_customers)
    pd.testing.assert_series_equal(w.customers, previous + won - w.churned_logos,
                                   check_names=False)
    pd.testing.assert_series_equal(w.customers_won_total, won.cumsum(), check_names=False)
    pd.testing.assert_series_equal(w.customers_churned_total, w.churned_logos.cumsum(),
                                   check_names=False)
    # Revenue is recurring: a week's revenue is the ARR on the books over 52.
    np.testing.assert_allclose(w.revenue_usd, w.arr_usd / 52, rtol=1e-12, atol=1e-9)
    assert (w.new_business_revenue_usd <= w.revenue_usd * (1 + 1e-12)).all()
    assert (w.marketing_sourced_revenue_usd <= w.revenue_usd * (1 + 1e-12)).all()

    for name in BOUNDED_WEEKLY:
        assert w[name].between(0, 1 + SHARE_SLACK).all(), (name,
                                                           w[name].agg(["min", "max"]).tolist())
    for name in BOUNDED_SUMMARY:
        assert 0 <= result.summary[name] <= 1 + SHARE_SLACK, (name, result.summary[name])
    assert w.alignment_index.between(20, 100).all()


@pytest.mark.slow
@settings(deadline=None, max_examples=120, suppress_health_check=[HealthCheck.too_slow])
@given(params=valid_params(), seed=st.integers(0, 2**32 - 1))
def test_invariants_hold_every_week_for_random_valid_parameters(params: Params,
                                                                 seed: int) -> None:
    check_invariants(params, seed)


@settings(deadline=None, max_examples=20)
@given(seed=st.integers(0, 2**63 - 1))
def test_invariants_hold_for_the_default_firm_over_many_seeds(seed: int) -> None:
    check_invariants(Params().with_overrides({"weeks": 60}), seed)


@pytest.mark.parametrize("preset", ["undefined", "integrated", "merged"])
def test_only_week_end_stages_hold_leads_when_a_week_ends(preset: str) -> None:
    """An inquiry is scored, an accepted lead qualified and a closed lead archived within the
    week, so the weekly table's stage columns cover every lead there is."""
    from sim import presets

    model = AlignmentModel(presets.get(preset, {"weeks": 40}), seed=5)
    for _ in range(40):
        model.step()
        held = {Stage(s) for s in np.flatnonzero(model.stage_counts)}
        assert held <= set(WEEK_END_STAGES), held - set(WEEK_END_STAGES)
