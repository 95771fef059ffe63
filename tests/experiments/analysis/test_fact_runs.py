"""The experiment of the facts: named arms on paired seeds, scenario values on top of the
perturbed ones, and an arm that cannot be built listed with its reason instead of a crash."""

from __future__ import annotations

import pytest

from experiments.analysis import facts as fact_defs
from experiments.analysis.fact_runs import fact_runs, label
from experiments.analysis.facts import HIGHER, Arm, Claim, Fact, arms_of, select
from experiments.design import arms, plan, replicate_seeds
from experiments.perturb import perturbed_values
from sim.params import Params, value_of


def test_every_arm_of_every_set_is_a_named_arm_on_the_same_seeds() -> None:
    chosen = select([11])
    runs = fact_runs(chosen, seeds=3, seed_base=4, weeks=30, perturb=2)
    names = arms_of(chosen)
    assert [a.label for a in arms(runs.spec)] == [label(n, k) for k in range(3) for n in names]
    assert runs.spec.design == "arms" and runs.spec.replicates == 3 and runs.spec.seed == 4
    by_replicate: dict[int, set[int]] = {}
    for run in plan(runs.spec):
        by_replicate.setdefault(run.replicate, set()).add(run.seed)
    assert [seeds.pop() for _, seeds in sorted(by_replicate.items())] == replicate_seeds(4, 3)
    assert runs.spec.weekly_metrics == ()  # claims read run summaries only


def test_scenario_values_apply_on_top_of_the_perturbed_ones() -> None:
    runs = fact_runs(select([11]), seeds=2, seed_base=4, weeks=30, perturb=1)
    by_label = {a.label: runs.spec.arm_params(a.values) for a in arms(runs.spec)}
    perturbed = perturbed_values(Params(), 4, 1)
    long_cycles = by_label["aligned_long-p1"]
    assert long_cycles.market.cycle_scale == 2.0  # the scenario, not the perturbed value
    assert long_cycles.market.churn_scale == perturbed["market.churn_scale"]
    assert by_label["aligned_long"].market.churn_scale == Params().market.churn_scale
    assert long_cycles.governance == by_label["aligned_long"].governance


def test_an_arm_that_cannot_be_built_is_listed_with_the_reason(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(fact_defs.ARMS, "ghost", Arm("no_such_preset"))
    monkeypatch.setitem(fact_defs.ARMS, "too_fast", Arm("joint",
                                                        {"governance.cadence_weeks": 99}))
    fact = Fact(99, "test", (Claim("ghost beats joint", "diff", ("ghost", "joint"), "m", HIGHER),
                             Claim("too_fast beats joint", "diff", ("too_fast", "joint"), "m",
                                   HIGHER)))
    runs = fact_runs([fact], seeds=2, seed_base=1, weeks=30, perturb=1)
    table = runs.arm_table.set_index(["arm", "set"])
    assert table.loc[("ghost", 0), "reason"] == "preset 'no_such_preset' is not defined"
    assert "governance.cadence_weeks=99" in table.loc[("too_fast", 1), "reason"]
    assert table.loc[("ghost", 1), "label"] == ""
    assert [a.label for a in arms(runs.spec)] == ["joint", "joint-p1"]


def test_level_claims_get_the_value_of_their_parameter_in_each_set() -> None:
    runs = fact_runs(select([8]), seeds=2, seed_base=2, weeks=30, perturb=1)
    table = runs.arm_table
    for _, row in table.iterrows():
        params = runs.spec.arm_params(dict(next(a.values for a in arms(runs.spec)
                                                if a.label == row["label"])))
        assert row["behaviour.cooperation_initial"] == value_of(
            params, "behaviour.cooperation_initial")
    base, perturbed = table.loc[table["set"] == 0], table.loc[table["set"] == 1]
    assert (base["behaviour.trust_initial"] == Params().behaviour.trust_initial).all()
    assert (perturbed["behaviour.trust_initial"] != Params().behaviour.trust_initial).all()


def test_short_runs_keep_a_proportionate_burn_in_and_firm_values_reach_every_arm() -> None:
    runs = fact_runs(select([10]), seeds=2, seed_base=1, weeks=14,
                     base_overrides={"org.n_reps": 8})
    for arm in arms(runs.spec):
        params = runs.spec.arm_params(arm.values)
        assert params.weeks == 14 and params.burn_in_weeks == 2 and params.org.n_reps == 8
