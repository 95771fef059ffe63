"""Findings in words: a paired difference in one sentence, the failure box as conditions."""

from __future__ import annotations

import numpy as np

from experiments import analysis
from experiments.report.headings import describe_box, describe_difference
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
