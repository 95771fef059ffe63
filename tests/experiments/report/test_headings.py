"""Findings in words: a paired difference in one sentence, the failure box as conditions, and
titles that agree with the paired contrasts of every pair of arms."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments import analysis
from experiments.report.headings import comparison_claim, describe_box, describe_difference
from experiments.report.style import ArmLook
from tests.experiments.analysis.test_contrasts import runs_table
from tests.experiments.analysis.test_failure import planted_box


def test_a_paired_difference_in_one_sentence() -> None:
    market = np.random.default_rng(1).normal(0, 10, size=20)
    runs = runs_table({"preset=a": list(100 + market), "preset=b": list(101 + market)})
    paired = analysis.paired_differences(runs, ["m"], "preset=a").set_index("arm")
    rows = {arm: paired.loc[arm].rename(None).to_dict() | {"arm": arm} for arm in paired.index}
    sentence = describe_difference(rows["preset=b"], "B", "A", "{:.2f}".format, "revenue")
    assert sentence.startswith("B: revenue is higher than A by 1.00 (")
    assert describe_difference(rows["preset=a"], "A", "A", "{:.2f}".format,
                               "revenue") == "A is the baseline."


def test_the_failure_box_in_words() -> None:
    text = describe_box(planted_box())
    assert "a is at most" in text and "b is at least" in text


# -- titles agree with the paired contrasts ------------------------------------------------------


def _looks(arms: list[str]) -> dict[str, ArmLook]:
    return {a: ArmLook(a.removeprefix("preset="), "#000000") for a in arms}


def assert_claim_agrees(pairwise: pd.DataFrame, metric: str) -> None:
    """A title never ranks an arm above one the paired interval puts above it, never calls arms
    level that the intervals tell apart, and names every arm it ranks first."""
    arms = list(dict.fromkeys(pairwise["arm"]))
    looks = _looks(arms)
    claim = comparison_claim(pairwise, metric, looks)
    verdict = pairwise.set_index(["arm", "baseline"])["verdict"]
    named = set(claim.arms)
    for a in named:
        for b in set(arms) - named:
            assert verdict[(b, a)] != analysis.HIGHER, (claim.text, a, b)
        for b in named - {a}:
            assert verdict[(a, b)] == analysis.UNCLEAR, (claim.text, a, b)
    if claim.kind == "top":
        assert all(verdict[(claim.arms[0], b)] == analysis.HIGHER for b in arms
                   if b != claim.arms[0])
    if claim.kind == "none":
        assert (pairwise["verdict"] == analysis.UNCLEAR).all()
    if claim.kind in ("top", "leads") or (claim.kind == "tie" and len(named) <= 3):
        for a in named:
            assert looks[a].name.lower() in claim.text.lower()


def test_the_reported_contradiction_cannot_happen() -> None:
    # Arm a is noisy and level with both b and c, but b is clearly above c (issue 14, item 2:
    # "a, b and c share the highest" while the paired section put c below b).
    rng = np.random.default_rng(3)
    market = rng.normal(0, 1, size=12)
    runs = runs_table({"preset=a": list(market + 0.5 + rng.normal(0, 3, 12)),
                       "preset=b": list(market + 1.0 + rng.normal(0, 0.05, 12)),
                       "preset=c": list(market + rng.normal(0, 0.05, 12))})
    pairwise = analysis.pairwise_differences(runs, ["m"], n_boot=500)
    verdict = pairwise.set_index(["arm", "baseline"])["verdict"]
    assert verdict[("preset=b", "preset=c")] == analysis.HIGHER
    assert verdict[("preset=a", "preset=b")] == analysis.UNCLEAR
    assert verdict[("preset=a", "preset=c")] == analysis.UNCLEAR
    claim = comparison_claim(pairwise, "m", _looks(["preset=a", "preset=b", "preset=c"]))
    assert set(claim.arms) == {"preset=a", "preset=b"}
    assert claim.text == "A and b lead on m"
    assert_claim_agrees(pairwise, "m")


@settings(max_examples=60, deadline=None)
@given(n_arms=st.integers(2, 7), n_reps=st.integers(2, 12),
       effects=st.lists(st.floats(-2, 2), min_size=7, max_size=7),
       noise=st.lists(st.floats(0, 3), min_size=7, max_size=7), seed=st.integers(0, 10_000))
def test_titles_never_contradict_the_paired_intervals(n_arms: int, n_reps: int,
                                                      effects: list[float], noise: list[float],
                                                      seed: int) -> None:
    rng = np.random.default_rng(seed)
    market = rng.normal(0, 1, size=n_reps)
    runs = runs_table({f"preset=arm{i}": list(market + effects[i]
                                              + rng.normal(0, noise[i] + 1e-9, n_reps))
                       for i in range(n_arms)})
    assert_claim_agrees(analysis.pairwise_differences(runs, ["m"], n_boot=200), "m")


def test_pairwise_rows_mirror_each_other_and_slice_to_the_baseline_table() -> None:
    rng = np.random.default_rng(5)
    market = rng.normal(0, 1, size=8)
    runs = runs_table({"preset=a": list(market), "preset=b": list(market + 0.3
                                                                 + rng.normal(0, .2, 8))})
    pairwise = analysis.pairwise_differences(runs, ["m"]).set_index(["arm", "baseline"])
    ab, ba = pairwise.loc[("preset=a", "preset=b")], pairwise.loc[("preset=b", "preset=a")]
    assert ab["difference"] == -ba["difference"]
    assert (ab["low"], ab["high"]) == (-ba["high"], -ba["low"])
    paired = analysis.paired_differences(runs, ["m"], "preset=a").set_index("arm")
    assert paired.loc["preset=b", "low"] == ba["low"]
