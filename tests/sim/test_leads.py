"""Leads as a structure-of-arrays: closed rows are archived into counters so the active arrays
stay small, and the archive agrees with the weekly flows."""

from __future__ import annotations

import numpy as np
import pytest

from sim import presets
from sim.leads import ACTIVE, CLOSED, MARKETING, N_STAGES, SALES, LeadTable, Stage
from sim.model import AlignmentModel


def table(stages: list[Stage], sources: list[int]) -> LeadTable:
    leads = LeadTable()
    n = len(stages)
    leads.add(segment=np.zeros(n, dtype=int), source=np.array(sources),
              fit=np.linspace(0, 1, n), stage=np.array(stages, dtype=int))
    return leads


def test_archiving_counts_closed_rows_by_stage_and_source_and_keeps_the_rest_in_order() -> None:
    stages = [*Stage, *Stage]
    sources = [MARKETING] * len(Stage) + [SALES] * len(Stage)
    leads = table(stages, sources)
    fit_before = leads.fit.copy()
    leads.archive_closed()

    assert leads.created == 2 * len(Stage)
    assert len(leads) == 2 * len(ACTIVE)
    assert set(leads.stage.tolist()) == {int(s) for s in ACTIVE}
    kept = np.array([s not in CLOSED for s in stages])
    np.testing.assert_array_equal(leads.fit, fit_before[kept])
    for name in leads.cols:
        assert len(leads.cols[name]) == len(leads), name
    expected = np.zeros((N_STAGES, 2), dtype=np.int64)
    for s in CLOSED:
        expected[s] = 1
    np.testing.assert_array_equal(leads.archived, expected)
    assert leads.created == len(leads) + leads.archived.sum()

    leads.archive_closed()  # nothing left to archive: a no-op
    np.testing.assert_array_equal(leads.archived, expected)


def test_returned_leads_are_not_archived() -> None:
    leads = table([Stage.RETURNED, Stage.LOST], [MARKETING, MARKETING])
    leads.archive_closed()
    assert leads.stage.tolist() == [Stage.RETURNED]


@pytest.mark.parametrize("preset", ["undefined", "aligned"])
def test_active_arrays_stay_small_over_a_long_run(preset: str) -> None:
    params = presets.get(preset)
    assert params.weeks >= 182
    model = AlignmentModel(params, seed=5)
    active = []
    for _ in range(params.weeks):
        model.step()
        active.append(len(model.leads))
    leads = model.leads
    assert leads.created > 5_000
    assert len(leads) < 0.15 * leads.created, (len(leads), leads.created)
    assert not np.isin(leads.stage, [int(s) for s in CLOSED]).any()
    # What is active is recent: fewer rows than the last year brought in (the business, and so
    # the lead volume, may grow), and nothing waits in nurture past nurture_max_weeks.
    w = model.weekly_table()
    created_last_year = w.leads_created.iloc[-1] - w.leads_created.iloc[-53]
    assert max(active[-52:]) < created_last_year
    in_nurture = np.isin(leads.stage, [Stage.INQUIRY, Stage.NURTURE])
    assert (model.week - leads.created_week[in_nurture]).max() < params.market.nurture_max_weeks
    np.testing.assert_array_equal(w.archived_won, (w.won_marketing + w.won_sales).cumsum())
    np.testing.assert_array_equal(w.archived_lost, w.lost.cumsum())
    np.testing.assert_array_equal(w.archived_disqualified, w.disqualified.cumsum())
    assert w.leads_archived.iloc[-1] == leads.archived.sum()
