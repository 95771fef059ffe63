"""Perturbed parameter sets: inside the declared ranges, never a lever or a fact of the firm,
the same for the same seed, and always a valid Params with every arm's preset on top."""

from __future__ import annotations

import dataclasses

import pytest

from experiments.perturb import (
    FIRM_FACTS,
    SHARES_OF_A_WHOLE,
    SPREAD,
    assumption_parameters,
    factor,
    perturbed_values,
)
from sim import presets
from sim.params import Params, field_kind, field_of, known_fields, value_of

SETS = range(1, 41)


def test_assumption_parameters_come_from_the_declarations() -> None:
    names = assumption_parameters()
    numeric = [n for n in known_fields()
               if n.split(".")[0] in ("org", "market", "behaviour")
               and field_kind(field_of(n)) in (int, float)]
    assert names == [n for n in numeric if n not in FIRM_FACTS]
    assert not [n for n in names if n.startswith("governance.")]
    assert "weeks" not in names and "burn_in_weeks" not in names
    assert "behaviour.behaviour_on" not in names  # a switch, not a number


@pytest.mark.parametrize("k", SETS)
def test_every_value_lies_in_its_range_and_makes_a_valid_params(k: int) -> None:
    values = perturbed_values(Params(), seed_base=3, k=k)
    assert set(values) == set(assumption_parameters())
    for name, value in values.items():
        meta = field_of(name).metadata
        assert type(value) is field_kind(field_of(name)), name
        assert meta["lo"] <= value <= meta["hi"], name
    params = Params().with_overrides(values)  # the rules across fields hold too
    for first, second in SHARES_OF_A_WHOLE:
        assert value_of(params, first) + value_of(params, second) <= 1.0


@pytest.mark.parametrize("k", SETS)
def test_each_value_moves_at_most_thirty_percent_unless_clipped(k: int) -> None:
    base = Params()
    shares = {n for pair in SHARES_OF_A_WHOLE for n in pair}
    for name, value in perturbed_values(base, seed_base=3, k=k).items():
        original = value_of(base, name)
        meta = field_of(name).metadata
        if name in shares or original == 0:
            continue
        ratio = value / original
        at_edge = value in (meta["lo"], meta["hi"])
        rounding = 0.5 / original if field_kind(field_of(name)) is int else 1e-12
        assert at_edge or 1 - SPREAD - rounding <= ratio <= 1 + SPREAD + rounding, name


def test_levers_and_firm_facts_are_never_touched() -> None:
    base = Params().with_overrides({"org.n_reps": 7, "market.initial_arr_usd": 2e6})
    for k in SETS:
        values = perturbed_values(base, seed_base=5, k=k)
        assert not set(values) & set(FIRM_FACTS)
        for preset in presets.names():
            arm = presets.get(preset, {"org.n_reps": 7, "market.initial_arr_usd": 2e6,
                                       **values})
            assert arm.governance == presets.get(preset).governance
            assert arm.org.n_reps == 7 and arm.market.initial_arr_usd == 2e6


def test_sets_are_deterministic_by_seed_and_differ_between_sets_and_seeds() -> None:
    base = Params()
    assert perturbed_values(base, 11, 2) == perturbed_values(base, 11, 2)
    assert perturbed_values(base, 11, 2) != perturbed_values(base, 11, 3)
    assert perturbed_values(base, 11, 2) != perturbed_values(base, 12, 2)
    # A parameter's factor depends on its name, not on its place in the declarations.
    assert factor(11, 2, "behaviour.trust_rate") == factor(11, 2, "behaviour.trust_rate")
    assert factor(11, 2, "behaviour.trust_rate") != factor(11, 2, "behaviour.trust_spillover")


def test_factors_spread_over_the_whole_range() -> None:
    draws = [factor(1, k, "market.churn_scale") for k in range(1, 2001)]
    assert min(draws) >= 1 - SPREAD and max(draws) <= 1 + SPREAD
    assert min(draws) < 0.72 and max(draws) > 1.28


def test_a_perturbation_scales_the_base_it_is_given() -> None:
    firm = Params().with_overrides({"market.churn_scale": 2.0})
    f = factor(9, 1, "market.churn_scale")
    assert perturbed_values(firm, 9, 1)["market.churn_scale"] == pytest.approx(2.0 * f)


def test_set_zero_is_the_base_and_not_a_perturbation() -> None:
    with pytest.raises(ValueError, match="numbered from 1"):
        perturbed_values(Params(), 1, 0)


def test_the_fields_named_here_exist() -> None:
    declared = {f"{g}.{f.name}" for g in ("org", "market", "behaviour")
                for f in dataclasses.fields(getattr(Params(), g))}
    assert {n for pair in SHARES_OF_A_WHOLE for n in pair} <= declared
    assert set(FIRM_FACTS) <= declared
