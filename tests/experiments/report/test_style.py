"""Words and colours of the shared style: arm names, values as a client reads them, Kotler names."""

from __future__ import annotations

import itertools

import pytest

from experiments.report.style import (
    ARM_COLOURS,
    DEPARTMENT_COLOURS,
    KOTLER_NAMES,
    OKABE_ITO,
    arm_looks,
    axis_label,
    console_value,
    constant_note,
    definition,
    department_colour,
    format_value,
    legend_title,
    short_arm,
)
from sim import presets


def test_short_arm_names() -> None:
    assert short_arm("preset=finance_led") == "finance-led"
    assert short_arm("preset=cro") == "CRO"
    # The other levels in brackets, so a list of arms in a sentence still reads as a list.
    assert (short_arm("governance.budget_structure=shared_pool, preset=joint")
            == "joint (shared pool)")
    assert short_arm("preset=joint, behaviour.plan_step=0.05") == "joint (plan step 0.05)"
    assert short_arm("preset=joint, governance.cadence_weeks=4") == "joint (cadence 4 wk)"
    assert (short_arm("preset=cro, governance.cadence_weeks=4, governance.sla=on")
            == "CRO (cadence 4 wk, on)")


def test_values_read_as_a_client_expects() -> None:
    assert format_value("win_rate", 0.2261) == "22.6%"
    assert format_value("win_rate", 0.0123, signed=True) == "+1.2 pp"
    assert format_value("win_rate", -0.0000004, signed=True) == "0.0 pp"
    # A rate per week says so: "$1.40M" alone reads as a total.
    assert format_value("revenue_usd_per_week", 1_400_000) == "$1.40M/wk"
    assert format_value("revenue_usd_per_week", -8390, signed=True) == "-$8.39k/wk"
    assert format_value("arr_end_usd", 1_400_000) == "$1.40M"
    assert format_value("alignment_index", 55.93) == "55.9"


def test_kotler_types_by_name_are_the_presets() -> None:
    assert KOTLER_NAMES == ("Undefined", "Defined", "Aligned", "Integrated")
    assert tuple(name.lower() for name in KOTLER_NAMES) == presets.KOTLER_TYPES
    assert axis_label("alignment_type") == "Kotler type (0 Undefined - 3 Integrated)"


def test_console_values_of_run_and_compare() -> None:
    assert console_value(0.4134, "pct") == "41.3%"
    assert console_value(1_161_836.2, "usd_week") == "$1,161,836/wk"
    assert console_value(29_219.4, "usd") == "$29,219"
    assert console_value(5.0, "weeks") == "5.0 wk"
    assert console_value(1.1, "ratio") == "1.10"
    assert console_value(57.1, "count") == "57.1"


def test_departments_never_wear_an_arms_colour() -> None:
    arms = set(ARM_COLOURS.values()) | set(OKABE_ITO)
    assert not arms & set(DEPARTMENT_COLOURS.values())
    assert department_colour("marketing") != department_colour("sales")


def _design(*factors: tuple[str, list[str]]) -> dict[str, dict[str, str]]:
    names = [name for name, _ in factors]
    return {", ".join(f"{n}={v}" for n, v in zip(names, combo, strict=True)):
            dict(zip(names, combo, strict=True))
            for combo in itertools.product(*(levels for _, levels in factors))}


@pytest.mark.parametrize("design", [
    _design(("preset", ["finance_led", "joint"]),
            ("governance.budget_structure", ["separate", "shared_pool"])),
    _design(("governance.budget_structure", ["separate", "shared_pool"]),
            ("preset", ["marketing_led", "sales_led", "joint", "finance_led", "cro", "merged"])),
    _design(("preset", ["finance_led", "joint"]), ("governance.cadence_weeks", ["1", "2", "4",
                                                                                "13", "52"])),
    _design(("preset", ["defined", "sales_led", "aligned", "merged"])),  # presets sharing a hue
    _design(("governance.cadence_weeks", ["1", "4"]), ("governance.sla", ["on", "off"])),
])
def test_every_arm_of_a_design_has_its_own_look(design: dict[str, dict[str, str]]) -> None:
    looks = arm_looks(design)
    assert list(looks) == list(design)
    assert len({(lk.colour, lk.dash) for lk in looks.values()}) == len(design)
    assert len({lk.colour for lk in looks.values()}) == len(design)
    assert len({lk.name for lk in looks.values()}) == len(design)
    # The hue factor's level keeps one hue: arms of one preset share it, shades apart.
    by_level: dict[str, set[str]] = {}
    for label, values in design.items():
        hue = values.get("preset", next(iter(values.values())))
        by_level.setdefault(hue, set()).add(looks[label].colour)
    assert all(len(d) == len(design) // len(by_level) for d in by_level.values())


def test_a_single_factor_keeps_the_preset_colours_and_plain_lines() -> None:
    looks = arm_looks(_design(("preset", ["finance_led", "joint", "cro"])))
    assert [lk.colour for lk in looks.values()] == [ARM_COLOURS["finance_led"],
                                                    ARM_COLOURS["joint"], ARM_COLOURS["cro"]]
    assert {lk.dash for lk in looks.values()} == {"-"}
    assert legend_title(["preset"]) == ""
    assert (legend_title(["governance.budget_structure", "preset"])
            == "colour: preset; shade and line: budget structure")


def test_numbers_a_client_questions_are_explained() -> None:
    assert "without working them" in definition("hoarded_leads")
    assert "not a total" in definition("revenue_usd_per_week")
    assert "no hand-off gate" in constant_note("mql_acceptance_rate", 1.0)
    assert constant_note("mql_acceptance_rate", 0.5) == ""
