"""Experiment files on a firm (the `params` key) and points designs."""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments.design import arms, n_runs
from experiments.errors import SpecError, UsageError
from experiments.paramfile import write_params
from experiments.spec import load_spec, parse_spec
from sim import Params, presets

FIRM = Params().with_overrides({"org.n_reps": 9, "org.n_marketers": 3,
                                "governance.cadence_weeks": 4, "burn_in_weeks": 5})

ON_FIRM = """
name = "on_firm"
params = "firms/acme.toml"
weeks = 30
replicates = 2
seed = 3

[factors]
preset = ["current", "aligned"]
"""


@pytest.fixture
def firm_file(tmp_path: Path) -> Path:
    (tmp_path / "firms").mkdir()
    path = tmp_path / "firms" / "acme.toml"
    write_params(path, FIRM, name="acme")
    return path


def test_params_path_is_read_from_the_experiment_files_folder(tmp_path: Path,
                                                              firm_file: Path) -> None:
    (tmp_path / "exp.toml").write_text(ON_FIRM)
    spec = load_spec(tmp_path / "exp.toml")
    assert spec.base == FIRM and spec.firm == str(firm_file)
    current, aligned = (spec.arm_params(a.values) for a in arms(spec))
    assert current == FIRM.with_overrides({"weeks": 30})
    assert aligned.governance == presets.get("aligned").governance
    assert aligned.org == FIRM.org


def test_the_stored_text_stands_alone_and_keeps_the_fingerprint(tmp_path: Path,
                                                                firm_file: Path) -> None:
    (tmp_path / "exp.toml").write_text(ON_FIRM)
    spec = load_spec(tmp_path / "exp.toml")
    elsewhere = tmp_path / "store"
    elsewhere.mkdir()
    again = parse_spec(spec.text, source=str(elsewhere / "spec.toml"), folder=elsewhere)
    assert again.fingerprint() == spec.fingerprint() and again.base == FIRM
    write_params(firm_file, FIRM.with_overrides({"org.n_reps": 10}))
    assert load_spec(tmp_path / "exp.toml").fingerprint() != spec.fingerprint()


def test_params_given_to_load_spec_replaces_the_files(tmp_path: Path, firm_file: Path) -> None:
    (tmp_path / "exp.toml").write_text('name = "plain"\nweeks = 30\n')
    assert load_spec(tmp_path / "exp.toml").base == Params()
    spec = load_spec(tmp_path / "exp.toml", params=firm_file)
    assert spec.base == FIRM and spec.preset == "current"


def test_params_as_a_table_and_the_default_preset(tmp_path: Path) -> None:
    spec = parse_spec('weeks = 30\n[params.org]\nn_reps = 4\n', source="t.toml")
    assert spec.base.org.n_reps == 4 and spec.preset == "current"
    assert parse_spec("weeks = 30\n", source="t.toml").preset == "undefined"


@pytest.mark.parametrize(("text", "key", "allowed"), [
    ('params = 3\n', "params", "the path of a params file"),
    ('[params.org]\nn_reps = 0\n', "params.org.n_reps", "an integer in [1, 2000]"),
    ('[params]\nfoo = 1\n', "params.foo", "allowed keys"),
])
def test_bad_params_in_an_experiment_file(text: str, key: str, allowed: str) -> None:
    with pytest.raises(SpecError) as info:
        parse_spec(text, source="exp.toml")
    assert str(info.value).startswith(f"file exp.toml: key {key}:") and allowed in str(info.value)


def test_a_missing_params_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "exp.toml").write_text('params = "nowhere.toml"\n')
    with pytest.raises(UsageError, match=r"nowhere.toml: cannot be read"):
        load_spec(tmp_path / "exp.toml")


POINTS = """
weeks = 30
replicates = 3
[design]
kind = "points"
[factors]
"behaviour.prospect_bias" = [1.5, 2.5, 1.5]
"market.win_rate_scale" = [1.0, 1.0, 2.0]
"""


def test_a_points_design_zips_its_factors() -> None:
    spec = parse_spec(POINTS, source="p.toml")
    points = arms(spec)
    assert [a.values for a in points] == [
        {"behaviour.prospect_bias": 1.5, "market.win_rate_scale": 1.0},
        {"behaviour.prospect_bias": 2.5, "market.win_rate_scale": 1.0},
        {"behaviour.prospect_bias": 1.5, "market.win_rate_scale": 2.0}]
    assert [a.label for a in points] == ["p00000", "p00001", "p00002"]
    assert n_runs(spec) == 9


def test_a_points_design_needs_lists_of_one_length() -> None:
    text = POINTS.replace("[1.0, 1.0, 2.0]", "[1.0, 2.0]")
    with pytest.raises(SpecError, match=r"lists of one length.*prospect_bias: 3"):
        parse_spec(text, source="p.toml")
