"""The dashboard's non-browser parts: controls from sim's declarations, settings to Params,
lockstep arms, plain words, and views that draw."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pandas as pd
import pytest

from app import labels, views
from app.controls import (
    PEOPLE_FIRST,
    control,
    governance_fields,
    grid_step,
    more_people_fields,
    people_fields,
    values_to_hold,
)
from app.frames import READ, Painter, tile_lines, weekly_columns
from app.workshop import (
    MAX_SEED,
    Workshop,
    WorkshopSetup,
    arm_colours,
    choose,
    kotler_bands,
    parse_seed,
)
from experiments.report import style
from experiments.single import build_params
from sim import AlignmentModel, ParamError, Params, presets
from sim.params import known_fields, value_of

SMALL = {"org.n_reps": 6, "org.n_marketers": 2}
ALL_CONTROLS = governance_fields() + people_fields() + more_people_fields()


def test_every_governance_field_sim_declares_is_a_lever() -> None:
    assert set(governance_fields()) == {f for f in known_fields() if f.startswith("governance.")}


def test_the_people_list_names_fields_sim_declares() -> None:
    """The short list is the only typed list of names: it must follow sim's renames."""
    assert people_fields() == PEOPLE_FIRST, set(PEOPLE_FIRST) - set(people_fields())


def test_every_control_offers_the_default_and_stays_inside_sims_range() -> None:
    defaults = Params()
    for name in ALL_CONTROLS:
        spec = control(name)
        value = value_of(defaults, name)
        if spec.kind == "select":
            assert value in spec.choices
        elif spec.kind in ("int", "float"):
            assert spec.lo <= value <= spec.hi, name
        else:
            assert spec.kind == "bool"


@pytest.mark.parametrize("name", [n for n in ALL_CONTROLS if control(n).kind == "float"])
def test_every_preset_value_lies_exactly_on_its_sliders_grid(name: str) -> None:
    """A value off the grid would be snapped by the slider and run another model."""
    spec = control(name)
    assert (spec.hi - spec.lo) / spec.step >= 20
    for value in values_to_hold(name):
        if spec.lo <= value <= spec.hi:
            assert spec.snap(value) == value, (name, value, spec.step)


def test_grid_step_holds_awkward_values_and_snaps_to_exact_decimals() -> None:
    assert grid_step(1, 5, [1.6]) == 0.2
    assert grid_step(0, 1, [0.25, 0.3]) == 0.05
    assert grid_step(1, 10, [3.0]) == 0.2
    assert grid_step(0, 1, [0.123]) == 0.001
    spec = control("behaviour.prospect_bias")
    assert spec.snap(1 + 3 * spec.step) == float(Decimal("1") + 3 * Decimal(repr(spec.step)))
    assert spec.snap(1.6000000000000001) == 1.6
    assert spec.snap(99) == spec.hi


def test_unknown_control_names_the_field() -> None:
    with pytest.raises(ParamError, match=r"governance\.nonsense"):
        control("governance.nonsense")


def test_page_shows_words_and_keeps_code_names_for_the_hover() -> None:
    for name in ALL_CONTROLS:
        spec = control(name)
        assert "_" not in spec.label and "." not in spec.label, spec.label
        assert name in spec.hover
        for choice in spec.choices:
            assert "_" not in labels.choice(name, choice), (name, choice)
    for preset in presets.names():
        assert "_" not in labels.preset(preset)
    assert labels.preset("marketing_led") == "Marketing-led"
    assert labels.choice("governance.budget_structure", "shared_pool") == "one shared pool"
    assert labels.words("some_new_level") == "some new level"  # a level sim adds later


def test_arm_labels_name_preset_and_every_change_in_words() -> None:
    setup = WorkshopSetup(preset="defined", governance={"governance.cadence_weeks": 1},
                          people={"org.n_reps": 40}, compare_with="joint")
    a, b = setup.arms()
    assert a.label() == "Defined (Kotler) + weeks between planning meetings 1 + sales reps 40"
    assert b.label() == "Joint planning + sales reps 40"  # people changes go to both arms


def test_side_by_side_arms_share_seed_and_people_and_step_together() -> None:
    setup = WorkshopSetup(preset="marketing_led", people=SMALL, seed=7, compare_with="joint")
    workshop = Workshop(setup)
    for _ in range(5):
        workshop.step()
    a, b = (arm.params for arm in workshop.arms)
    assert a.org == b.org and a.behaviour == b.behaviour and a.market == b.market
    assert a.governance.planning_owner == "marketing" and b.governance.planning_owner == "joint"
    assert [len(t) for t in workshop.tables()] == [5, 5]
    # The arm is exactly the model a researcher would run from Python with that seed.
    alone = AlignmentModel(build_params("joint", SMALL, setup.weeks), seed=7)
    for _ in range(5):
        alone.step()
    pd.testing.assert_frame_equal(workshop.tables()[1], alone.weekly_table())


def test_an_arm_runs_the_params_of_its_reproduce_command() -> None:
    setup = WorkshopSetup(preset="aligned", people={"behaviour.prospect_bias": 1.6,
                                                    "org.n_reps": 12},
                          governance={"governance.shared_scoreboard": False}, seed=3, weeks=52)
    (arm,) = setup.arms()
    command = arm.reproduce(setup.seed)
    assert command == ("alignsim run --preset aligned --set governance.shared_scoreboard=false "
                       "--set behaviour.prospect_bias=1.6 --set org.n_reps=12 --weeks 52 "
                       "--seed 3")
    sets = dict(item.split("=") for item in command.split("--set ")[1:] if "=" in item)
    cli = build_params("aligned", {k: v.split()[0] for k, v in sets.items()}, 52)
    assert cli == arm.params()


def test_workshop_stops_at_the_end_of_the_run() -> None:
    workshop = Workshop(WorkshopSetup(people=SMALL, weeks=13))
    for _ in range(13):
        assert workshop.running
        workshop.step()
    assert not workshop.running and workshop.week == 13
    workshop.step()
    assert workshop.week == 13


def test_governance_changes_apply_to_the_first_arm_only() -> None:
    setup = WorkshopSetup(preset="joint", compare_with="marketing_led",
                          governance={"governance.cadence_weeks": 4})
    a, b = (arm.params() for arm in setup.arms())
    assert a.governance.cadence_weeks == 4
    assert b.governance.cadence_weeks == presets.get("marketing_led").governance.cadence_weeks


def test_governance_changes_can_apply_to_both_arms() -> None:
    setup = WorkshopSetup(preset="marketing_led", compare_with="joint", changes_to_both=True,
                          governance={"governance.budget_structure": "shared_pool"})
    a, b = setup.arms()
    assert a.label() == "Marketing-led + one shared pool"
    assert b.label() == "Joint planning + one shared pool"
    assert a.params().governance.budget_structure == "shared_pool"
    assert b.params().governance.budget_structure == "shared_pool"


def test_a_tied_field_follows_with_a_note_in_words() -> None:
    setup, note = choose(WorkshopSetup(), "governance.structure", "cro")
    assert setup.shown_params().governance.planning_owner == "cro"
    assert note is not None and "Who plans the budget" in note and "_" not in note

    setup, note = choose(WorkshopSetup(), "governance.planning_owner", "cro")
    assert setup.shown_params().governance.structure in ("cro", "merged")
    assert note is not None and "Leadership" in note and "_" not in note


def test_moving_back_to_the_presets_or_default_value_is_no_change() -> None:
    setup, _ = choose(WorkshopSetup(preset="aligned"), "governance.cadence_weeks", 8)
    assert setup.governance == {"governance.cadence_weeks": 8}
    setup, _ = choose(setup, "governance.cadence_weeks", 4)
    assert setup.governance == {}
    setup, _ = choose(setup, "org.n_reps", 30)
    assert setup.people == {"org.n_reps": 30}
    setup, _ = choose(setup, "org.n_reps", Params().org.n_reps)
    assert setup.people == {}


@pytest.mark.parametrize("preset", presets.names())
def test_every_dropdown_choice_runs_from_every_pair_of_arms(preset: str) -> None:
    """Invalid combinations are prevented: a tied field follows, so no move is refused."""
    selects = [f for f in governance_fields() if control(f).kind == "select"]
    for compare_with, both in itertools.product([None, *presets.names()], [False, True]):
        start = WorkshopSetup(preset=preset, compare_with=compare_with, changes_to_both=both)
        for name in selects:
            for choice in control(name).choices:
                setup, _ = choose(start, name, choice)
                assert value_of(setup.shown_params(), name) == choice


@pytest.mark.parametrize("text", ["abc", "3.7", "-5", "", "99999999999999999999", "1e3",
                                  str(MAX_SEED + 1)])
def test_a_seed_that_is_not_a_whole_number_in_range_is_refused_with_a_sentence(
        text: str) -> None:
    with pytest.raises(ValueError, match="whole number from 0 to"):
        parse_seed(text)


def test_seeds_in_range_are_read() -> None:
    assert [parse_seed(t) for t in ("0", " 42 ", "1,000", str(MAX_SEED))] == [
        0, 42, 1000, MAX_SEED]


def test_kotler_bands_cover_the_index_without_gaps() -> None:
    bands = kotler_bands()
    assert [b[0] for b in bands] == list(style.KOTLER_NAMES)
    assert bands[0][1] == 20 and bands[-1][2] == 100
    assert all(a[2] == b[1] for a, b in itertools.pairwise(bands))


def test_arms_of_one_preset_still_get_two_colours() -> None:
    first, second = arm_colours(["joint", "joint"])
    assert first != second
    assert arm_colours(["cro", "undefined"]) == [style.arm_colour("cro"),
                                                 style.arm_colour("undefined")]


def test_the_page_reads_the_columns_of_the_weekly_table_as_they_are() -> None:
    model = AlignmentModel(presets.get("undefined", SMALL), seed=1)
    for _ in range(12):
        model.step()
    pd.testing.assert_frame_equal(weekly_columns(model, READ), model.weekly_table()[list(READ)])


def test_rates_wait_for_a_full_window_and_enough_events() -> None:
    """No 0 -> 65 % spike in the first weeks: a rate shows once its window is full."""
    model = AlignmentModel(presets.get("undefined"), seed=1)
    for _ in range(12):
        model.step()
    table = views.display_table(model.weekly_table())
    early = table.loc[: views.RATE_WEEKS - 1, [views.ACCEPTANCE, views.WIN_RATE]]
    assert early.isna().all().all()
    later = table.loc[views.RATE_WEEKS:, views.ACCEPTANCE]
    assert later.notna().all() and later.between(0, 1).all()
    assert "from week 8" in tile_lines(table, 3)[1]
    assert "%" in tile_lines(table, 12)[1]


@pytest.mark.parametrize(("preset", "compare_with"),
                         [("undefined", None), ("undefined", "joint"), ("cro", "merged")])
def test_charts_change_as_weeks_pass(preset: str, compare_with: str | None) -> None:
    workshop = Workshop(WorkshopSetup(preset=preset, people=SMALL, compare_with=compare_with))
    painter = Painter(workshop)
    _, before, _ = painter.paint()
    for _ in range(9):
        workshop.step()
    tiles, after, commands = painter.paint()
    pictures = [(a.png or a.html, b.png or b.html) for a, b in zip(before, after, strict=True)]
    assert all(a != b for a, b in pictures)
    assert all(c.png is None or c.png.startswith(b"\x89PNG") for c in after)
    assert len(tiles) == len(commands) == len(workshop.arms)


def test_the_tie_grid_shows_every_marketer_and_rep_and_who_cooperates() -> None:
    workshop = Workshop(WorkshopSetup(preset="aligned", people=SMALL))
    for _ in range(6):
        workshop.step()
    (arm,) = Painter(workshop).series()
    marketers, reps = views._people(arm.network)
    grid = views.tie_grid(arm, marketers, reps, views.TiesView.RECENT_WEEKS)
    assert grid.shape == (SMALL["org.n_marketers"] + 2, SMALL["org.n_reps"] + 2)
    ties, recent, pairs = views.tie_counts(arm)
    assert int((grid[2:, 2:] > 0).sum()) == ties and recent <= ties <= pairs == 12
    cooperating_reps = sum(bool(arm.cooperating[r]) for r in reps)
    assert int((grid[0, 2:] == 3).sum()) == cooperating_reps
