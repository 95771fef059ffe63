"""The dashboard's non-browser parts: settings to Params, lockstep arms, views that draw."""

from __future__ import annotations

import itertools

import networkx as nx
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from app import views
from app.app import series
from app.workshop import (
    GOVERNANCE_FIELDS,
    PEOPLE_FIELDS,
    Workshop,
    WorkshopSetup,
    arm_a_params,
    arm_colours,
    choose,
    control,
    kotler_bands,
)
from experiments.report import style
from sim import AlignmentModel, ParamError, Params, presets
from sim.params import value_of

SMALL = {"org.n_reps": 6, "org.n_marketers": 2}


def test_every_control_offers_the_default_and_stays_inside_sims_range() -> None:
    defaults = Params()
    for name in GOVERNANCE_FIELDS + PEOPLE_FIELDS:
        spec = control(name)
        value = value_of(defaults, name)
        if spec.kind == "select":
            assert value in spec.choices
        elif spec.kind in ("int", "float"):
            assert spec.lo <= value <= spec.hi, name
        else:
            assert spec.kind == "bool"


def test_unknown_control_names_the_field() -> None:
    with pytest.raises(ParamError, match=r"governance\.nonsense"):
        control("governance.nonsense")


def test_side_by_side_arms_share_seed_and_people_and_step_together() -> None:
    setup = WorkshopSetup(preset="marketing_led", people=SMALL, seed=7, compare_with="joint")
    workshop = Workshop(setup)
    for _ in range(5):
        workshop.step()
    (label_a, a), (label_b, b) = [(arm.label, arm.params) for arm in workshop.arms]
    assert (label_a, label_b) == ("marketing_led", "joint")
    assert a.org == b.org and a.behaviour == b.behaviour and a.market == b.market
    assert a.governance.planning_owner == "marketing" and b.governance.planning_owner == "joint"
    assert [len(t) for t in workshop.tables()] == [5, 5]
    # The arm is exactly the model a researcher would run from Python with that seed.
    alone = AlignmentModel(presets.get("joint", SMALL), seed=7)
    for _ in range(5):
        alone.step()
    pd.testing.assert_frame_equal(workshop.tables()[1], alone.weekly_table())


def test_workshop_stops_at_the_end_of_the_run() -> None:
    workshop = Workshop(WorkshopSetup(people={**SMALL, "weeks": 3, "burn_in_weeks": 1}))
    for _ in range(3):
        assert workshop.running
        workshop.step()
    assert not workshop.running and workshop.week == 3


def test_governance_changes_apply_to_the_first_arm_only() -> None:
    setup = WorkshopSetup(preset="joint", compare_with="marketing_led",
                          governance={"governance.cadence_weeks": 4})
    (_, a), (_, b) = setup.arms()
    assert a.governance.cadence_weeks == 4
    assert b.governance.cadence_weeks == presets.get("marketing_led").governance.cadence_weeks


def test_governance_changes_can_apply_to_both_arms() -> None:
    setup = WorkshopSetup(preset="marketing_led", compare_with="joint", changes_to_both=True,
                          governance={"governance.budget_structure": "shared_pool"})
    (label_a, a), (label_b, b) = setup.arms()
    assert label_a == "marketing_led + budget structure shared_pool"
    assert a.governance.budget_structure == b.governance.budget_structure == "shared_pool"
    assert (a.governance.planning_owner, b.governance.planning_owner) == ("marketing", "joint")
    assert label_b == "joint + budget structure shared_pool"


def test_a_tied_field_follows_with_a_note() -> None:
    setup, note = choose(WorkshopSetup(), "governance.structure", "cro")
    params = arm_a_params(setup)
    assert params is not None and params.governance.planning_owner == "cro"
    assert note is not None and "planning owner" in note

    setup, note = choose(WorkshopSetup(), "governance.planning_owner", "cro")
    params = arm_a_params(setup)
    assert params is not None and params.governance.structure in ("cro", "merged")
    assert note is not None and "structure" in note


def test_moving_back_to_the_presets_value_is_no_change() -> None:
    setup, _ = choose(WorkshopSetup(preset="aligned"), "governance.cadence_weeks", 8)
    assert setup.governance == {"governance.cadence_weeks": 8}
    setup, _ = choose(setup, "governance.cadence_weeks", 4)
    assert setup.governance == {}


@pytest.mark.parametrize("preset", presets.names())
def test_every_dropdown_choice_runs_from_every_pair_of_arms(preset: str) -> None:
    """Invalid combinations are prevented: a tied field follows, so no move is refused."""
    selects = [f for f in GOVERNANCE_FIELDS if control(f).kind == "select"]
    for compare_with, both in itertools.product([None, *presets.names()], [False, True]):
        start = WorkshopSetup(preset=preset, compare_with=compare_with, changes_to_both=both)
        for name in selects:
            for choice in control(name).choices:
                setup, _ = choose(start, name, choice)
                (_, first), *_ = setup.arms()
                assert value_of(first, name) == choice


def test_kotler_bands_cover_the_index_without_gaps() -> None:
    bands = kotler_bands()
    assert [b[0] for b in bands] == ["Undefined", "Defined", "Aligned", "Integrated"]
    assert bands[0][1] == 20 and bands[-1][2] == 100
    assert all(a[2] == b[1] for a, b in itertools.pairwise(bands))


def test_arms_of_one_preset_still_get_two_colours() -> None:
    workshop = Workshop(WorkshopSetup(preset="joint", compare_with="joint", people=SMALL))
    first, second = arm_colours(workshop)
    assert first != second


@pytest.mark.parametrize(("preset", "compare_with"),
                         [("undefined", None), ("undefined", "joint"), ("cro", "merged")])
def test_views_draw_at_week_zero_and_after_steps(preset: str, compare_with: str | None) -> None:
    workshop = Workshop(WorkshopSetup(preset=preset, people=SMALL, compare_with=compare_with))
    arms = series(workshop)
    panels = views.dashboard(arms, workshop.weeks, kotler_bands())
    before = [view.png(arms) for view in panels]
    for _ in range(4):
        workshop.step()
    arms = series(workshop)
    after = [view.png(arms) for view in panels]
    assert all(png.startswith(b"\x89PNG") for png in before + after)
    assert all(a != b for a, b in zip(before, after, strict=True))


def test_views_read_columns_the_model_reports() -> None:
    model = AlignmentModel(presets.get("undefined", SMALL), seed=1)
    model.step()
    table = views.display_table(model.weekly_table())
    wanted = {views.NEW_BUSINESS, views.RECURRING, views.ACCEPTANCE, views.WIN_RATE,
              views.TRUST_SALES, views.TRUST_MARKETING, views.COOP_SALES, views.COOP_MARKETING,
              views.ALIGNMENT, "alignment_type"} | {column for _, column in views.WATERFALL}
    assert wanted <= set(table.columns)
    assert table[[views.ACCEPTANCE, views.WIN_RATE]].stack().between(0, 1).all()


def test_departments_and_arms_wear_the_reports_colours() -> None:
    """One palette (experiments.report.style) for the dashboard and the report."""
    workshop = Workshop(WorkshopSetup(preset="cro", people=SMALL, compare_with="undefined"))
    workshop.step()
    arms = series(workshop)
    assert [arm.colour for arm in arms] == [style.arm_colour("cro"), style.arm_colour("undefined")]
    view = views.NetworkView(arms, workshop.weeks)
    view.png(arms)
    nodes, _, _, dots = view.artists[0]
    department = nx.get_node_attributes(arms[0].network, "department")
    drawn = [to_hex(colour) for colour in dots.get_edgecolors()]
    assert drawn == [style.department_colour(department[n]) for n in nodes]
    assert {"marketing", "sales", "revenue", "finance"} <= set(department.values())
