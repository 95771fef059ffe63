"""Weekly bands: rates smoothed as ratios of sums."""

from __future__ import annotations

import pandas as pd
import pytest

from experiments import analysis
from tests.experiments.analysis.test_contrasts import runs_table


def test_weekly_bands_and_rates_smoothed_as_ratios_of_sums() -> None:
    runs = runs_table({"preset=a": [0.0, 0.0]}, metric="x")
    weekly = pd.DataFrame({
        "run_id": ["a00000-r0000"] * 2 + ["a00000-r0001"] * 2, "week": [1, 2, 1, 2],
        "mqls_accepted": [1, 9, 1, 9], "mqls": [1, 19, 1, 19],
        "mql_acceptance_rate": [1.0, 9 / 19, 1.0, 9 / 19]})
    bands = analysis.weekly_bands(runs, weekly, "mql_acceptance_rate", smooth_weeks=2)
    # Week 2 over two weeks: 10 accepted of 20, not the mean of 100% and 47%.
    assert bands["mean"].tolist() == pytest.approx([1.0, 0.5])
    assert (bands["low"] == bands["mean"]).all() and (bands["high"] == bands["mean"]).all()
