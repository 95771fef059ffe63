"""Parameter validation: every bad value is refused with a ParamError that names the field, the
value received and what is allowed; Params is frozen; overrides parse CLI strings."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pytest

from sim import presets
from sim.params import GROUPS, ParamError, Params, describe_allowed
from tests.sim.strategies import declared_fields

FIELDS = declared_fields()
NUMERIC = [(d, f) for d, f in FIELDS if f.metadata.get("lo") is not None]
CHOICES = [(d, f) for d, f in FIELDS if f.metadata.get("choices")]
# Partners of fields tied by a cross-field rule, set so that either end of the range is valid.
ROOM: dict[str, dict[str, Any]] = {
    "market.segment_mix_smb": {"market.segment_mix_mid": 0.0},
    "market.segment_mix_mid": {"market.segment_mix_smb": 0.0},
    "behaviour.mode_volume_initial": {"behaviour.mode_quality_initial": 0.0},
    "behaviour.mode_quality_initial": {"behaviour.mode_volume_initial": 0.0},
    "weeks": {"burn_in_weeks": 0},
    "burn_in_weeks": {"weeks": 2080},
}


def refused(overrides: dict[str, Any]) -> ParamError:
    with pytest.raises(ParamError) as caught:
        Params().with_overrides(overrides)
    return caught.value


def assert_names(error: ParamError, field: str, value: Any, *allowed: str) -> None:
    message = str(error)
    assert error.field_name == field
    assert field in message
    assert repr(value) in message, message
    for text in allowed:
        assert text in message, (text, message)


@pytest.mark.parametrize(("dotted", "fld"), NUMERIC, ids=[d for d, _ in NUMERIC])
def test_every_numeric_field_refuses_values_outside_its_range(
        dotted: str, fld: dataclasses.Field) -> None:
    lo, hi = fld.metadata["lo"], fld.metadata["hi"]
    integer = str(fld.type) == "int"
    for bad in (lo - 1, hi + 1) if integer else (lo - abs(lo) * 0.5 - 0.5, hi * 2 + 1, math.nan):
        error = refused({dotted: bad})
        assert_names(error, dotted, bad, f"[{lo:g}, {hi:g}]")
        assert error.value is bad or error.value == bad
        assert error.allowed == describe_allowed(fld)
    # The ends of the range are allowed (with partners set so the cross-field rules hold).
    for good in (lo, hi):
        value = int(good) if integer else float(good)
        overrides = {**ROOM.get(dotted, {}), dotted: value}
        assert _get(Params().with_overrides(overrides), dotted) == value


@pytest.mark.parametrize(("dotted", "fld"), CHOICES, ids=[d for d, _ in CHOICES])
def test_every_choice_field_refuses_unknown_levels(dotted: str, fld: dataclasses.Field) -> None:
    error = refused({dotted: "nonsense"})
    assert_names(error, dotted, "nonsense", *fld.metadata["choices"])


@pytest.mark.parametrize(("dotted", "bad"), [
    ("org.n_reps", 2.5), ("org.n_reps", True), ("org.n_reps", None),
    ("market.inquiry_alpha", "0.1x"), ("market.turbulence", True),
    ("governance.cadence_weeks", 4.0), ("governance.planning_owner", 3),
    ("behaviour.behaviour_on", 1), ("behaviour.behaviour_on", "maybe"), ("weeks", "ten"),
])
def test_wrong_types_are_refused(dotted: str, bad: Any) -> None:
    error = refused({dotted: bad})
    assert_names(error, dotted, bad)
    assert error.allowed


def test_a_wrong_type_says_what_type_is_wanted() -> None:
    assert_names(refused({"org.n_reps": "many"}), "org.n_reps", "many", "int", "[1, 2000]")
    assert_names(refused({"behaviour.behaviour_on": "maybe"}), "behaviour.behaviour_on",
                 "maybe", "true or false")


def test_unknown_field_and_group_name_what_exists() -> None:
    error = refused({"org.n_repz": 5})
    assert error.field_name == "org.n_repz"
    assert "unknown field" in str(error) and "n_reps" in str(error)
    error = refused({"orgs.n_reps": 5})
    assert error.field_name == "orgs.n_reps"
    assert "unknown group" in str(error)
    for group in GROUPS:
        assert group in str(error)
    error = refused({"n_reps": 5})
    assert error.field_name == "n_reps" and "weeks" in str(error)
    # A group name is not a field.
    assert refused({"org": 5}).field_name == "org"


def test_unknown_preset_names_the_presets() -> None:
    with pytest.raises(ParamError) as caught:
        presets.get("alinged")
    error = caught.value
    assert_names(error, "preset", "alinged", *presets.names())
    with pytest.raises(ParamError):
        presets.describe("alinged")


def test_cross_field_rules_are_checked() -> None:
    error = refused({"governance.structure": "cro"})
    assert_names(error, "governance.planning_owner", "finance", "'cro'", "cro")
    error = refused({"governance.planning_owner": "cro"})
    assert error.field_name == "governance.planning_owner"
    error = refused({"market.segment_mix_smb": 0.8, "market.segment_mix_mid": 0.3})
    assert_names(error, "market.segment_mix_mid", 0.3, "at most")
    error = refused({"behaviour.mode_volume_initial": 0.9})
    assert error.field_name == "behaviour.mode_quality_initial"
    error = refused({"weeks": 20})
    assert_names(error, "burn_in_weeks", 26, "20")


def test_construction_validates_groups_built_by_hand() -> None:
    org = dataclasses.replace(Params().org, n_reps=0)
    with pytest.raises(ParamError) as caught:
        Params(org=org)
    assert caught.value.field_name == "org.n_reps"


def test_params_are_frozen() -> None:
    params = Params()
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.weeks = 10  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.org.n_reps = 3  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.org = params.org  # type: ignore[misc]
    changed = params.with_overrides({"org.n_reps": 3})
    assert params.org.n_reps == Params().org.n_reps and changed.org.n_reps == 3


def test_overrides_parse_strings_to_the_fields_types() -> None:
    params = Params().with_overrides({
        "governance.cadence_weeks": "4",
        "governance.shared_scoreboard": "true",
        "governance.budget_structure": "shared_pool",
        "behaviour.behaviour_on": "off",
        "market.turbulence": " 0.5 ",
        "org.n_reps": " 7",
        "weeks": "60",
    })
    g = params.governance
    assert g.cadence_weeks == 4 and type(g.cadence_weeks) is int
    assert g.shared_scoreboard is True
    assert g.budget_structure == "shared_pool"
    assert params.behaviour.behaviour_on is False
    assert params.market.turbulence == 0.5 and type(params.market.turbulence) is float
    assert params.org.n_reps == 7 and params.weeks == 60
    for text, value in (("True", True), ("1", True), ("yes", True), ("on", True),
                        ("false", False), ("0", False), ("no", False), ("OFF", False)):
        assert Params().with_overrides({"behaviour.behaviour_on": text}).behaviour \
            .behaviour_on is value
    # A float field takes an int; an int field does not take a float string.
    assert Params().with_overrides({"market.turbulence": 0}).market.turbulence == 0
    assert refused({"governance.cadence_weeks": "4.5"}).field_name == "governance.cadence_weeks"


def test_presets_set_only_governance_and_round_trip() -> None:
    defaults = Params()
    for name in presets.names():
        params = presets.get(name)
        for group in ("org", "market", "behaviour"):
            assert getattr(params, group) == getattr(defaults, group), (name, group)
        assert all(key.startswith("governance.") for key in presets.settings(name)), name
        assert presets.describe(name)
        assert Params.from_dict(params.to_dict()) == params
    combined = presets.get("joint", {"governance.budget_structure": "shared_pool",
                                     "governance.cadence_weeks": 2})
    assert combined.governance.planning_owner == "joint"
    assert combined.governance.budget_structure == "shared_pool"
    assert combined.governance.cadence_weeks == 2


def test_from_dict_refuses_unknown_keys() -> None:
    data = Params().to_dict()
    data["org"]["n_repz"] = 3
    with pytest.raises(ParamError) as caught:
        Params.from_dict(data)
    assert caught.value.field_name == "org.n_repz"


def _get(params: Params, dotted: str) -> Any:
    obj: Any = params
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def test_unknown_field_message_names_the_value_given() -> None:
    assert_names(refused({"org.n_repz": 5}), "org.n_repz", 5, "unknown field")
