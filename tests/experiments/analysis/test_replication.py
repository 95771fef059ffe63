"""Replicates a contrast needs: the t quantile, the smallest n that reaches a half-width, the
floor a bootstrap needs, and a table that says which contrasts have too few."""

from __future__ import annotations

import math

import numpy as np
import pytest

from experiments import analysis
from experiments.analysis.replication import half_width, t_quantile
from tests.experiments.analysis.test_contrasts import runs_table

# Student's t 97.5% quantiles from standard tables.
T975 = {1: 12.7062, 2: 4.3027, 3: 3.1824, 4: 2.7764, 9: 2.2622, 29: 2.0452, 120: 1.9799}


@pytest.mark.parametrize(("df", "expected"), T975.items())
def test_t_quantile_matches_the_tables(df: int, expected: float) -> None:
    assert t_quantile(0.975, df) == pytest.approx(expected, rel=2e-3)


def test_replicates_needed_is_the_smallest_n_that_reaches_the_half_width() -> None:
    for sd, target in ((1.0, 0.1), (2.5, 0.4), (0.3, 0.05)):
        n = int(analysis.replicates_needed(sd, target))
        assert half_width(sd, n) <= target < half_width(sd, n - 1)
        # Quartering the width takes about sixteen times the replicates.
        assert analysis.replicates_needed(sd, target / 4) == pytest.approx(16 * n, rel=0.05)


def test_no_contrast_counts_as_replicated_below_the_bootstrap_floor() -> None:
    assert analysis.replicates_needed(0.0, 1.0) == analysis.MIN_REPLICATES
    assert analysis.replicates_needed(0.01, 100.0) == analysis.MIN_REPLICATES
    assert math.isnan(analysis.replicates_needed(1.0, 0.0))
    assert math.isnan(analysis.replicates_needed(float("nan"), 1.0))


def test_the_table_marks_contrasts_with_too_few_replicates() -> None:
    rng = np.random.default_rng(2)
    market = rng.normal(100, 10, size=12)
    runs = runs_table({"preset=a": list(market),
                       "preset=tight": list(market + 1 + rng.normal(0, 0.1, 12)),
                       "preset=loose": list(market + 1 + rng.normal(0, 8, 12))})
    paired = analysis.paired_differences(runs, ["m"], "preset=a")
    table = analysis.replication(paired, precision=0.02).set_index("arm")
    assert list(table.index) == ["preset=tight", "preset=loose"]  # the baseline is no contrast
    assert table.loc["preset=tight", "enough"] and not table.loc["preset=loose", "enough"]
    assert table.loc["preset=loose", "needed"] > 12
    assert table.loc["preset=tight", "target"] == pytest.approx(0.02 * np.mean(market))
    # A rate's target is in points: 0.02 is two points, whatever the baseline's level.
    rate = analysis.replication(paired, precision=0.02, is_rate=lambda m: True)
    assert (rate["target"] == 0.02).all()
    # Three replicates are too few for any contrast, however tight.
    few = analysis.replication(analysis.paired_differences(
        runs[runs["replicate"] < 3], ["m"], "preset=a"), precision=0.02)
    assert not few["enough"].any()
    worst = analysis.needed_by_metric(table.reset_index()).iloc[0]
    assert worst["arm"] == "preset=loose" and worst["too_few"] == 1
