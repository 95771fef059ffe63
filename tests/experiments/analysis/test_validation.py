"""The claim logic of `alignsim validate` on synthetic paired data: each verdict, each kind of
statistic, the fact rule, the parts that cannot be judged, and robustness over sets."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from experiments.analysis.facts import (
    FACTS,
    FAILS,
    HIGHER,
    HOLDS,
    INCONCLUSIVE,
    LOWER,
    NOT_ABOVE,
    UNTESTABLE,
    Claim,
    Fact,
    arms_of,
    select,
)
from experiments.analysis.validation import (
    fact_summary,
    fact_table,
    fact_verdict,
    judge,
    judge_claim,
    paired_statistic,
    robustness,
    verdict,
)

N = 12
NOISE = np.random.default_rng(7).normal(0, 5, size=N)
"""Noise every arm of one seed shares (the market of common random numbers)."""


def runs_of(series: dict[str, dict[str, list[float]]], set_suffix: str = "") -> pd.DataFrame:
    """A runs table: arm label -> metric -> one value per replicate."""
    rows = []
    for a, (arm, metrics) in enumerate(series.items()):
        for r in range(len(next(iter(metrics.values())))):
            rows.append({"run_id": f"a{a:05d}-r{r:04d}", "arm": arm + set_suffix,
                         "replicate": r, "seed": 1000 + r, "status": "done", "error": "",
                         "duration_s": 0.0, **{m: v[r] for m, v in metrics.items()}})
    return pd.DataFrame(rows)


def arm_table(arms: list[str], sets: int = 1, reasons: dict[str, str] | None = None,
              **parameters: list[float]) -> pd.DataFrame:
    rows = []
    for s in range(sets):
        for arm in arms:
            reason = (reasons or {}).get(arm, "")
            rows.append({"arm": arm, "set": s, "label": "" if reason else
                         (arm if s == 0 else f"{arm}-p{s}"), "preset": arm, "reason": reason})
    table = pd.DataFrame(rows)
    for name, values in parameters.items():
        table[name] = values
    return table


def shifted(shift: float, base: float = 100.0) -> list[float]:
    return list(base + NOISE + shift)


def diff(predicted: str, metric: str = "m") -> Claim:
    return Claim("a against b", "diff", ("a", "b"), metric, predicted)


def judged(claim: Claim, runs: pd.DataFrame, unbuilt: dict[str, str] | None = None):
    labels = {a: a for a in claim.arms}
    return judge_claim(claim, runs, labels, unbuilt or {})


# -- the verdict rule --------------------------------------------------------------------------
@pytest.mark.parametrize(("predicted", "low", "high", "expected"), [
    (HIGHER, 0.1, 0.5, HOLDS), (HIGHER, -0.5, -0.1, FAILS), (HIGHER, -0.1, 0.1, INCONCLUSIVE),
    (HIGHER, 0.0, 0.2, INCONCLUSIVE),
    (LOWER, -0.5, -0.1, HOLDS), (LOWER, 0.1, 0.5, FAILS), (LOWER, -0.1, 0.1, INCONCLUSIVE),
    (NOT_ABOVE, -0.5, -0.1, HOLDS), (NOT_ABOVE, -0.1, 0.1, HOLDS), (NOT_ABOVE, 0.1, 0.5, FAILS),
    (HIGHER, math.nan, 0.5, UNTESTABLE), (LOWER, -math.inf, -1.0, UNTESTABLE),
])
def test_verdict_follows_the_interval_only(predicted: str, low: float, high: float,
                                           expected: str) -> None:
    assert verdict(predicted, low, high) == expected


# -- claims on paired data ---------------------------------------------------------------------
def test_a_clear_paired_difference_holds_as_predicted_and_fails_against_it() -> None:
    # The shared noise (sd 5) dwarfs the shift (1): only pairing by seed can see it.
    runs = runs_of({"a": {"m": shifted(1.0)}, "b": {"m": shifted(0.0)}})
    held = judged(diff(HIGHER), runs)
    assert (held.verdict, held.n) == (HOLDS, N)
    assert held.mean == pytest.approx(1.0) and held.low == pytest.approx(1.0)
    assert judged(diff(LOWER), runs).verdict == FAILS


def test_noise_that_straddles_zero_is_inconclusive() -> None:
    own = np.random.default_rng(3).normal(0, 1, size=N)
    runs = runs_of({"a": {"m": list(100 + NOISE + own)}, "b": {"m": shifted(0.0)}})
    result = judged(diff(HIGHER), runs)
    assert result.low < 0 < result.high
    assert result.verdict == INCONCLUSIVE
    assert judged(diff(LOWER), runs).verdict == INCONCLUSIVE


def test_not_above_holds_unless_the_interval_lies_wholly_above_zero() -> None:
    own = np.random.default_rng(3).normal(0, 1, size=N)
    straddles = runs_of({"a": {"m": list(100 + NOISE + own)}, "b": {"m": shifted(0.0)}})
    above = runs_of({"a": {"m": shifted(2.0)}, "b": {"m": shifted(0.0)}})
    below = runs_of({"a": {"m": shifted(-2.0)}, "b": {"m": shifted(0.0)}})
    claim = Claim("a does not beat b", "logratio", ("a", "b"), "m", NOT_ABOVE)
    assert judged(claim, straddles).verdict == HOLDS
    assert judged(claim, below).verdict == HOLDS
    assert judged(claim, above).verdict == FAILS


def test_level_claim_compares_each_run_with_its_own_parameter_value() -> None:
    # End level 0.55 in every run: below a start of 0.6 (holds), above a start of 0.5 (fails).
    claim = Claim("ends below its start", "level", ("a",), "coop_end", LOWER,
                  reference="behaviour.cooperation_initial")
    runs = pd.concat([runs_of({"a": {"coop_end": [0.55] * N}}),
                      runs_of({"a": {"coop_end": [0.55] * N}}, "-p1")], ignore_index=True)
    fact = Fact(1, "decay", (claim,))
    table = arm_table(["a"], sets=2, **{"behaviour.cooperation_initial": [0.6, 0.5]})
    claims = judge(runs, table, [fact])
    assert claims["verdict"].tolist() == [HOLDS, FAILS]
    assert claims["mean"].tolist() == pytest.approx([-0.05, 0.05])


def test_level_claim_against_a_number() -> None:
    runs = runs_of({"a": {"rate": list(0.2 + NOISE / 100)}})
    below_half = Claim("most never convert", "level", ("a",), "rate", LOWER, reference=0.5)
    result = judged(below_half, runs)
    assert result.verdict == HOLDS and result.mean == pytest.approx(0.2 - 0.5 + NOISE.mean() / 100)


def test_statistics_of_each_kind_match_their_formulas() -> None:
    values = {"a:m": np.array([2.0, 4.0]), "b:m": np.array([1.0, 1.0]),
              "a:k": np.array([3.0, 3.0]), "b:k": np.array([1.5, 1.0]),
              "c:m": np.array([1.0, 2.0]), "d:m": np.array([1.0, 1.0])}
    def stat(kind: str, arms: tuple[str, ...], **kw: str) -> np.ndarray:
        return paired_statistic(Claim("x", kind, arms, "m", HIGHER, **kw), values)

    assert stat("diff", ("a", "b")) == pytest.approx([1.0, 3.0])
    assert stat("logratio", ("a", "b")) == pytest.approx(np.log([2.0, 4.0]))
    assert stat("gain_order", ("a", "b"), metric_b="k") == pytest.approx(
        np.log([2.0, 4.0]) - np.log([2.0, 3.0]))
    assert stat("interaction", ("a", "b", "c", "d")) == pytest.approx(
        np.log([2.0, 4.0]) - np.log([1.0, 2.0]))


def test_a_fact_with_one_failing_claim_fails_and_says_how_many_held() -> None:
    runs = runs_of({"a": {"m": shifted(1.0), "k": shifted(-1.0)}, "b": {"m": shifted(0.0),
                                                                        "k": shifted(0.0)}})
    fact = Fact(3, "a beats b on m and k", (diff(HIGHER, "m"), diff(HIGHER, "k")))
    claims = judge(runs, arm_table(["a", "b"]), [fact])
    assert claims["verdict"].tolist() == [HOLDS, FAILS]
    row = fact_table(claims, [fact]).iloc[0]
    assert (row["claims_held"], row["claims_total"], row["verdict"]) == (1, 2, FAILS)


@pytest.mark.parametrize(("verdicts", "expected"), [
    ([HOLDS, HOLDS], HOLDS), ([HOLDS, FAILS, INCONCLUSIVE], FAILS),
    ([HOLDS, INCONCLUSIVE, UNTESTABLE], INCONCLUSIVE), ([HOLDS, UNTESTABLE], UNTESTABLE),
    ([FAILS, UNTESTABLE], FAILS), ([], UNTESTABLE),
])
def test_a_fact_holds_only_when_every_claim_holds(verdicts: list[str], expected: str) -> None:
    assert fact_verdict(verdicts) == expected


# -- what cannot be judged says why --------------------------------------------------------------
def test_an_arm_that_could_not_be_built_makes_its_claims_untestable_with_the_reason() -> None:
    runs = runs_of({"b": {"m": shifted(0.0)}})
    fact = Fact(9, "a beats b", (diff(HIGHER),))
    table = arm_table(["a", "b"], reasons={"a": "preset 'formula' is not defined"})
    row = judge(runs, table, [fact]).iloc[0]
    assert row["verdict"] == UNTESTABLE
    assert row["reason"] == "arm a: preset 'formula' is not defined"
    assert math.isnan(row["mean"])


def test_a_metric_the_runs_lack_and_a_parameter_they_do_not_record_are_named() -> None:
    runs = runs_of({"a": {"m": shifted(1.0)}, "b": {"m": shifted(0.0)}})
    assert judged(diff(HIGHER, "self_directed_share"), runs).reason == (
        "metric self_directed_share not in the runs")
    level = Claim("x", "level", ("a",), "m", LOWER, reference="behaviour.trust_initial")
    assert judged(level, runs).reason == (
        "parameter behaviour.trust_initial not recorded with the runs")


def test_only_seeds_where_every_arm_finished_are_paired() -> None:
    runs = runs_of({"a": {"m": shifted(1.0)}, "b": {"m": shifted(0.0)}})
    runs.loc[(runs["arm"] == "b") & (runs["replicate"] < 3), "status"] = "failed"
    assert judged(diff(HIGHER), runs).n == N - 3
    runs.loc[(runs["arm"] == "b") & (runs["replicate"] < N - 1), "status"] = "failed"
    result = judged(diff(HIGHER), runs)
    assert (result.verdict, result.n) == (UNTESTABLE, 1)
    assert "at least 2" in result.reason


def test_a_ratio_with_a_zero_is_untestable_not_dropped() -> None:
    values = shifted(0.0)
    values[4] = 0.0
    runs = runs_of({"a": {"m": values}, "b": {"m": shifted(0.0)}})
    result = judged(Claim("x", "logratio", ("a", "b"), "m", LOWER), runs)
    assert result.verdict == UNTESTABLE and "1 of 12 seeds" in result.reason


# -- sets ----------------------------------------------------------------------------------------
def test_robustness_is_the_share_of_perturbed_sets_in_which_a_fact_holds() -> None:
    # Set 0 (base) and sets 1-3: the effect holds in the base and sets 1 and 3 only.
    shifts = {0: 1.0, 1: 1.0, 2: -1.0, 3: 1.0}
    parts = [runs_of({"a": {"m": shifted(s)}, "b": {"m": shifted(0.0)}},
                     "" if k == 0 else f"-p{k}") for k, s in shifts.items()]
    runs = pd.concat(parts, ignore_index=True)
    fact = Fact(2, "a beats b", (diff(HIGHER),))
    claims = judge(runs, arm_table(["a", "b"], sets=4), [fact])
    assert claims["verdict"].tolist() == [HOLDS, HOLDS, FAILS, HOLDS]
    row = robustness(claims, [fact]).iloc[0]
    assert (row["sets"], row["sets_holds"], row["sets_fails"]) == (3, 2, 1)
    assert row["robustness"] == pytest.approx(2 / 3)
    summary = fact_summary(claims, [fact]).iloc[0]
    assert summary["verdict"] == HOLDS and summary["robustness"] == pytest.approx(2 / 3)


# -- the facts themselves ------------------------------------------------------------------------
def test_the_twelve_facts_are_well_formed() -> None:
    assert [f.number for f in FACTS] == list(range(1, 13))
    assert all(f.claims for f in FACTS)
    assert "formula_pool" in arms_of(FACTS)
    assert [f.number for f in select([9, 7])] == [7, 9]
    with pytest.raises(ValueError, match="no fact 13; facts are 1-12"):
        select([7, 13])


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"kind": "ratio"}, "kind 'ratio'"),
    ({"arms": ("a",)}, "compares 2 arm(s), not 1"),
    ({"predicted": "up"}, "predicted 'up'"),
    ({"kind": "gain_order"}, "metric_b"),
])
def test_a_malformed_claim_is_refused(kwargs: dict[str, object], words: str) -> None:
    fields = {"text": "x", "kind": "diff", "arms": ("a", "b"), "metric": "m",
              "predicted": HIGHER, **kwargs}
    with pytest.raises(ValueError) as info:
        Claim(**fields)  # type: ignore[arg-type]
    assert words in str(info.value)
