"""The network as plain data (`sim.network.edge_table`, `RunResult.network`): the graph's ties at
the chosen weeks, both ends described, deterministic in (parameters, seed)."""

from __future__ import annotations

import pandas as pd

from sim import AlignmentModel, presets, run
from sim.network import EDGE_DTYPES, edge_table

SMALL = {"org.n_reps": 5, "org.n_marketers": 2, "weeks": 12, "burn_in_weeks": 2}


def test_the_edge_table_is_the_graph_of_the_week() -> None:
    model = AlignmentModel(presets.get("joint", SMALL), seed=4)
    for _ in range(5):
        model.step()
    table = edge_table(model.network, model.agents, model.week)
    assert list(table.columns) == list(EDGE_DTYPES)
    assert len(table) == model.network.number_of_edges() and (table["week"] == 5).all()
    people = {p.unique_id: p for p in model.agents}
    for row in table.itertuples():
        assert model.network.has_edge(row.source, row.target)
        assert row.source_department == people[row.source].department
        assert row.target_cooperating == people[row.target].cooperating
        assert row.cross == ({row.source_department, row.target_department}
                             == {"marketing", "sales"})


def test_a_run_keeps_the_network_at_the_chosen_weeks_and_is_deterministic() -> None:
    params = presets.get("cro", SMALL)
    last = run(params, seed=9)
    assert set(last.network["week"]) == {12}
    both = run(params, seed=9, network_weeks=[3, 12])
    assert set(both.network["week"]) == {3, 12}
    pd.testing.assert_frame_equal(both.network[both.network["week"] == 12].reset_index(drop=True),
                                  last.network)
    assert run(params, seed=9, network_weeks=[]).network.empty
    pd.testing.assert_frame_equal(run(params, seed=9).weekly, last.weekly)
