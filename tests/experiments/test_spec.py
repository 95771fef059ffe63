"""Experiment files: the ready ones load, and every kind of mistake gives one clear message."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from experiments.design import arms, n_runs
from experiments.errors import SpecError, UsageError
from experiments.spec import dump_toml, load_spec, parse_spec, spec_from_dict
from tests.experiments.conftest import SMALL

SPECS = sorted((Path(__file__).parents[2] / "experiments" / "specs").glob("*.toml"))


def test_ready_files_exist_for_each_study() -> None:
    names = {p.stem for p in SPECS}
    assert {"kotler_types", "planning_owner", "joint_cadence", "budget_owner",
            "sobol_behaviour"} <= names


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_ready_files_are_valid(path: Path) -> None:
    spec = load_spec(path)
    assert spec.name == path.stem
    assert n_runs(spec) == len(arms(spec)) * spec.replicates > 0


def test_ready_designs_have_the_documented_arms() -> None:
    kotler = load_spec(SPECS[0].with_name("kotler_types.toml"))
    assert [a.values["preset"] for a in arms(kotler)] == [
        "undefined", "defined", "aligned", "integrated"]
    cadence = load_spec(SPECS[0].with_name("joint_cadence.toml"))
    levels = {a.values["governance.cadence_weeks"] for a in arms(cadence)}
    assert levels == {1, 2, 4, 13, 52}
    sobol = load_spec(SPECS[0].with_name("sobol_behaviour.toml"))
    assert len(arms(sobol)) == 128 * (7 + 2)


def test_small_spec_values(write_spec: Callable[..., Path]) -> None:
    spec = load_spec(write_spec())
    assert spec.weeks == 30 and spec.replicates == 2 and spec.seed == 11
    assert spec.overrides == {"org.n_reps": 5, "org.n_marketers": 2, "burn_in_weeks": 5}
    assert spec.varied == ("preset", "governance.cadence_weeks")
    params = spec.arm_params({"preset": "joint", "governance.cadence_weeks": 4})
    assert params.governance.planning_owner == "joint"
    assert params.governance.cadence_weeks == 4
    assert params.org.n_reps == 5 and params.weeks == 30


def test_quoted_and_nested_keys_mean_the_same() -> None:
    nested = parse_spec('[factors]\ngovernance.cadence_weeks = [1, 2]\n')
    quoted = parse_spec('[factors]\n"governance.cadence_weeks" = [1, 2]\n')
    assert nested.factors == quoted.factors


def test_float_fields_take_integers_and_default_seed_is_stable() -> None:
    spec = parse_spec('name = "x"\n[overrides]\n"market.turbulence" = 0\n')
    assert spec.overrides == {"market.turbulence": 0.0}
    assert spec.seed == parse_spec('name = "x"\n').seed != parse_spec('name = "y"\n').seed


def test_dict_round_trip_through_toml() -> None:
    data = {"name": "rt", "weeks": 40, "replicates": 3,
            "overrides": {"org.n_reps": 5},
            "design": {"kind": "lhs", "samples": 8},
            "factors": {"behaviour.prospect_bias": {"min": 1.0, "max": 2.0},
                        "governance.cadence_weeks": {"min": 1, "max": 13}}}
    spec = spec_from_dict(data)
    again = parse_spec(dump_toml(data))
    assert again.fingerprint() == spec.fingerprint()
    assert again.factors == spec.factors


def test_comments_do_not_change_the_fingerprint() -> None:
    assert parse_spec(SMALL).fingerprint() == parse_spec("# note\n" + SMALL).fingerprint()
    assert parse_spec(SMALL).fingerprint() != parse_spec(SMALL.replace("seed = 11",
                                                                       "seed = 12")).fingerprint()


# Each bad file: (what to change, the key named, words of what is allowed).
BAD = {
    "unknown field": ('[factors]\n"governance.cadense_weeks" = [1, 2]\n',
                      "factors.governance.cadense_weeks", "governance.cadence_weeks"),
    "unknown preset": ('preset = "alligned"\n', "preset", "aligned, integrated"),
    "unknown preset level": ('[factors]\npreset = ["joint", "jiont"]\n', "factors.preset",
                             "marketing_led"),
    "level out of range": ('[factors]\ngovernance.cadence_weeks = [4, 60]\n',
                           "factors.governance.cadence_weeks", "[1, 52]"),
    "wrong type": ('[factors]\ngovernance.cadence_weeks = [2.5]\n',
                   "factors.governance.cadence_weeks", "an integer in [1, 52]"),
    "wrong type string": ('[overrides]\norg.n_reps = "five"\n', "overrides.org.n_reps",
                          "an integer in [1, 2000]"),
    "bad choice": ('[factors]\ngovernance.budget_structure = ["pooled"]\n',
                   "factors.governance.budget_structure", "separate, shared_pool"),
    "empty factor": ('[factors]\ngovernance.cadence_weeks = []\n',
                     "factors.governance.cadence_weeks", "at least one level"),
    "unknown top-level key": ('replicate = 3\n', "replicate", "replicates"),
    "unknown group": ('[overrides]\n"govern.cadence_weeks" = 3\n', "overrides.govern.cadence_weeks",
                      "governance.cadence_weeks"),
    "zero replicates": ('replicates = 0\n', "replicates", "[1, 100000]"),
    "sobol range outside the field": (
        '[design]\nkind = "sobol"\nsamples = 8\n[factors]\n'
        'behaviour.trust_initial = { min = 0.2, max = 1.5 }\n',
        "factors.behaviour.trust_initial.max", "[0, 1]"),
    "sobol samples not a power of 2": (
        '[design]\nkind = "sobol"\nsamples = 10\n[factors]\n'
        'behaviour.trust_initial = { min = 0.2, max = 0.5 }\n', "design.samples", "power of 2"),
    "range in a factorial design": (
        '[factors]\nbehaviour.trust_initial = { min = 0.2, max = 0.5 }\n',
        "factors.behaviour.trust_initial", "lhs, sobol or morris"),
    "levels in a sampled design": (
        '[design]\nkind = "lhs"\nsamples = 4\n[factors]\ngovernance.cadence_weeks = [1, 2]\n',
        "factors.governance.cadence_weeks", "{min = ..., max = ...}"),
    "choice field sampled": (
        '[design]\nkind = "lhs"\nsamples = 4\n[factors]\n'
        'governance.sla = { min = 0, max = 1 }\n', "factors.governance.sla", "one of off, on"),
    "unknown design": ('[design]\nkind = "grid"\n', "design.kind", "factorial, lhs, sobol"),
    "rule across fields": ('[factors]\ngovernance.planning_owner = ["joint", "cro"]\n',
                           "factors", "'cro' exactly when governance.structure"),
    "unknown weekly metric": ('[output]\nweekly_metrics = ["mqls", "pipline"]\n',
                              "output.weekly_metrics", "the model's weekly metrics: "),
    "weekly metrics not a list": ('[output]\nweekly_metrics = "revenue"\n',
                                  "output.weekly_metrics", '"all" or a list'),
    "factor dotted and quoted": (
        '[factors]\ngovernance.cadence_weeks = [2, 4]\n"governance.cadence_weeks" = [1, 8]\n',
        'factors."governance.cadence_weeks"', "given twice in [factors] (as "
        'governance.cadence_weeks and as "governance.cadence_weeks"); give it once'),
    "override quoted and dotted": (
        '[overrides]\n"org.n_reps" = 6\norg.n_reps = 5\n', "overrides.org.n_reps",
        "org.n_reps is given twice in [overrides]"),
    "network week after the run": ('weeks = 20\n[output]\nnetwork_weeks = [10, 21]\n',
                                   "output.network_weeks", "an integer in [1, 20]"),
    "network weeks not a list": ('[output]\nnetwork_weeks = 10\n', "output.network_weeks",
                                 "a list of weeks"),
    "type in words": ('[overrides]\n"governance.structure" = 3\n', "overrides.governance.structure",
                      "(got an integer)"),
    "arm with an unknown preset": ('[arms.a]\npreset = "formula_x"\n', "arms.a.preset",
                                   "marketing_led"),
    "arm value out of range": ('[arms.a]\ngovernance.cadence_weeks = 60\n',
                               "arms.a.governance.cadence_weeks", "[1, 52]"),
    "arm sets weeks": ('[arms.a]\nweeks = 10\n', "arms.a.weeks", "top-level key 'weeks'"),
    "arm breaks a rule across fields": ('[arms.a]\ngovernance.planning_owner = "cro"\n',
                                        "arms.a", "'cro' exactly when governance.structure"),
    "arm name with a space": ('[arms."a b"]\npreset = "joint"\n', "arms.a b", "an arm name"),
    "arms beside factors": ('[arms.a]\npreset = "joint"\n[factors]\npreset = ["joint"]\n',
                            "factors", "no factors beside [arms]"),
    "arms with another design": ('[design]\nkind = "lhs"\nsamples = 4\n[arms.a]\n'
                                 'preset = "joint"\n', "design.kind", "with an [arms] table"),
    "arms design without arms": ('[design]\nkind = "arms"\n', "arms", "a table of named arms"),
    "empty arms": ('arms = {}\n', "arms", "a table of named arms"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_file_gives_one_clear_message(case: str, write_spec: Callable[..., Path]) -> None:
    text, key, allowed = BAD[case]
    path = write_spec('name = "bad"\n' + text)
    with pytest.raises(SpecError) as info:
        load_spec(path)
    message = str(info.value)
    assert message.startswith(f"file {path}: key {key}:"), message
    assert allowed in message
    assert "\n" not in message


def test_missing_file_and_broken_toml(tmp_path: Path, write_spec: Callable[..., Path]) -> None:
    with pytest.raises(UsageError, match=r"file .*nothere.toml: cannot be read"):
        load_spec(tmp_path / "nothere.toml")
    with pytest.raises(UsageError, match=r"file .*exp.toml: not valid TOML"):
        load_spec(write_spec("name = \n"))


def test_a_byte_order_mark_is_not_part_of_the_file(write_spec: Callable[..., Path]) -> None:
    path = write_spec()
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_spec(path).fingerprint() == parse_spec(SMALL).fingerprint()
    assert parse_spec("\ufeff" + SMALL).fingerprint() == parse_spec(SMALL).fingerprint()


@pytest.mark.parametrize("content", [b"", b"\n\n", b"# nothing yet\n"],
                         ids=["empty", "blank", "comments"])
def test_a_file_that_sets_nothing_is_refused(content: bytes,
                                             write_spec: Callable[..., Path]) -> None:
    path = write_spec()
    path.write_bytes(content)
    with pytest.raises(UsageError, match=r"sets nothing; an experiment file sets at least"):
        load_spec(path)


@pytest.mark.parametrize(("content", "byte"), [('name = "café"'.encode("latin-1"), "0xe9"),
                                               (bytes(range(256)), "0x80")],
                         ids=["latin-1", "binary"])
def test_a_file_that_is_not_utf8_is_named_with_the_byte(
        content: bytes, byte: str, write_spec: Callable[..., Path]) -> None:
    path = write_spec()
    path.write_bytes(content)
    with pytest.raises(UsageError, match=rf"file .*exp.toml: not UTF-8 text \(byte {byte} at "
                                         r"position \d+\); save it as UTF-8 text$"):
        load_spec(path)


def test_the_network_is_kept_at_the_last_week_of_a_factorial_design_by_default() -> None:
    from experiments.spec import parse_spec

    assert parse_spec("weeks = 30\n").network_weeks == (30,)
    assert parse_spec("weeks = 30\n[output]\nnetwork_weeks = [30, 5]\n").network_weeks == (5, 30)
    sampled = ('[design]\nkind = "lhs"\nsamples = 4\n[factors]\n'
               'behaviour.trust_initial = { min = 0.2, max = 0.5 }\n')
    assert parse_spec(sampled).network_weeks == ()


NAMED = """
name = "pools"
preset = "joint"
weeks = 30
[overrides]
org.n_reps = 5
[arms.marketing_led]
preset = "marketing_led"
[arms.marketing_led_pool]
preset = "marketing_led"
governance.budget_structure = "shared_pool"
[arms.joint_monthly]
"governance.cadence_weeks" = 4
"""


def test_named_arms_keep_file_order_and_every_set_parameter() -> None:
    spec = parse_spec(NAMED)
    assert spec.design == "arms" and not spec.sampled and spec.factors == ()
    assert spec.varied == ("preset", "governance.budget_structure", "governance.cadence_weeks")
    got = [(a.label, a.values) for a in arms(spec)]
    assert got == [
        ("marketing_led", {"preset": "marketing_led", "governance.budget_structure": "separate",
                           "governance.cadence_weeks": 13}),
        ("marketing_led_pool", {"preset": "marketing_led",
                                "governance.budget_structure": "shared_pool",
                                "governance.cadence_weeks": 13}),
        # no preset key: the file's preset; the values it leaves alone are the preset's own
        ("joint_monthly", {"preset": "joint", "governance.budget_structure": "separate",
                           "governance.cadence_weeks": 4}),
    ]
    params = spec.arm_params(arms(spec)[1].values)
    assert params.governance.budget_structure == "shared_pool"
    assert params.governance.planning_owner == "marketing" and params.org.n_reps == 5


def test_named_arms_round_trip_through_a_dict_and_an_explicit_kind() -> None:
    spec = parse_spec(NAMED)
    again = spec_from_dict(spec.data)
    assert again.fingerprint() == spec.fingerprint()
    assert again.named_arms == spec.named_arms
    explicit = parse_spec(NAMED + '[design]\nkind = "arms"\n')
    assert explicit.named_arms == spec.named_arms
