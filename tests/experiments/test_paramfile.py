"""Params files: every parameter written and read back, partial files on the defaults, bad files
in one line naming file and key, and presets on top of a firm."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from experiments.errors import UsageError
from experiments.paramfile import (
    CURRENT,
    dump_params,
    load_params,
    preset_names,
    with_preset,
    write_params,
)
from sim import ParamError, Params, presets
from sim.params import field_of, known_fields, value_of

FIRM = Params().with_overrides({
    "org.n_reps": 12, "market.inquiry_alpha": 0.031, "behaviour.prospect_bias": 2.25,
    "governance.planning_owner": "cro", "governance.structure": "cro",
    "governance.cadence_weeks": 4, "weeks": 60, "burn_in_weeks": 8,
})


def test_every_parameter_is_written_and_read_back_exactly(tmp_path: Path) -> None:
    odd = FIRM.with_overrides({"market.deal_size_scale": 1 / 3})  # a float that needs all digits
    path = tmp_path / "firm.toml"
    write_params(path, odd, name="acme", description="a test firm")
    table = tomllib.loads(path.read_text())
    for dotted in known_fields():
        group, _, name = dotted.rpartition(".")
        assert name in (table[group] if group else table), dotted
    assert load_params(path) == odd
    assert table["name"] == "acme"


def test_a_partial_file_keeps_the_model_defaults(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text("weeks = 40\n[org]\nn_reps = 7\n")
    params = load_params(path)
    assert (params.weeks, params.org.n_reps) == (40, 7)
    assert params.market == Params().market


@pytest.mark.parametrize(("text", "key", "allowed"), [
    ("[org]\nn_reps = 2.5\n", "org.n_reps", "an integer in [1, 2000]"),
    ("[org]\nn_reeps = 3\n", "org.n_reeps", "unknown parameter"),
    ("[orgs]\nn_reps = 3\n", "orgs", "allowed keys: name, description, weeks"),
    ("[market]\nchurn_scale = 9\n", "market.churn_scale", "a number in [0, 5]"),
    ('[governance]\nsla = "maybe"\n', "governance.sla", "one of off, on"),
    ('[governance]\nplanning_owner = "cro"\n', "governance.planning_owner",
     "exactly when governance.structure"),
    ("org = 3\n", "org", "a table of org parameters"),
    ("weeks = 10\nburn_in_weeks = 10\n", "burn_in_weeks", "fewer than weeks"),
])
def test_a_bad_file_gets_one_line_naming_file_key_and_what_is_allowed(
        tmp_path: Path, text: str, key: str, allowed: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(UsageError) as info:
        load_params(path)
    message = str(info.value)
    assert message.startswith(f"file {path}: key {key}:"), message
    assert allowed in message and "\n" not in message


def test_unreadable_and_malformed_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"file .*missing.toml: cannot be read"):
        load_params(tmp_path / "missing.toml")
    (tmp_path / "broken.toml").write_text("[org\n")
    with pytest.raises(UsageError, match=r"file .*broken.toml: not valid TOML"):
        load_params(tmp_path / "broken.toml")


def test_a_preset_replaces_the_whole_governance_and_keeps_the_rest_of_the_firm() -> None:
    aligned = with_preset(FIRM, "aligned")
    assert aligned.governance == presets.get("aligned").governance  # the CRO structure is gone
    assert (aligned.org, aligned.market, aligned.behaviour) == (
        FIRM.org, FIRM.market, FIRM.behaviour)
    assert (aligned.weeks, aligned.burn_in_weeks) == (60, 8)


def test_current_keeps_the_firms_governance_and_overrides_come_last() -> None:
    assert with_preset(FIRM, CURRENT) == FIRM
    assert with_preset(FIRM, None) == FIRM
    tuned = with_preset(FIRM, "undefined", {"governance.cadence_weeks": "4", "org.n_reps": 3})
    assert value_of(tuned, "governance.cadence_weeks") == 4
    assert value_of(tuned, "governance.planning_owner") == "finance"
    assert tuned.org.n_reps == 3


def test_an_unknown_preset_lists_current_too() -> None:
    with pytest.raises(ParamError, match="one of current, undefined"):
        with_preset(FIRM, "alignd")
    assert preset_names()[0] == CURRENT and set(presets.names()) < set(preset_names())


def test_the_text_says_what_each_parameter_is() -> None:
    text = dump_params(Params(), header="made by a test")
    assert text.startswith("# made by a test\n")
    meta = field_of("org.n_reps").metadata
    assert f"n_reps = {Params().org.n_reps}  # {meta['doc']} [{meta['unit']}]" in text
