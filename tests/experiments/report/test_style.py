"""Words and colours of the shared style: arm names, values as a client reads them, Kotler names."""

from __future__ import annotations

from experiments.report.style import (
    ARM_COLOURS,
    DEPARTMENT_COLOURS,
    KOTLER_NAMES,
    OKABE_ITO,
    axis_label,
    console_value,
    department_colour,
    format_value,
    short_arm,
)
from sim import presets


def test_short_arm_names() -> None:
    assert short_arm("preset=finance_led") == "finance-led"
    assert short_arm("preset=cro") == "CRO"
    assert (short_arm("governance.budget_structure=shared_pool, preset=joint")
            == "joint, shared pool")
    assert short_arm("preset=joint, behaviour.plan_step=0.05") == "joint, plan step 0.05"
    assert short_arm("preset=joint, governance.cadence_weeks=4") == "joint, cadence 4 wk"


def test_values_read_as_a_client_expects() -> None:
    assert format_value("win_rate", 0.2261) == "22.6%"
    assert format_value("win_rate", 0.0123, signed=True) == "+1.2 pp"
    assert format_value("win_rate", -0.0000004, signed=True) == "0.0 pp"
    assert format_value("revenue_usd_per_week", 1_400_000) == "$1.40M"
    assert format_value("revenue_usd_per_week", -8390, signed=True) == "-$8.39k"
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
