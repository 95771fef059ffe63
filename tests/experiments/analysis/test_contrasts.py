"""Paired differences on common random numbers: exact zero against itself, the shared noise
removed, plain verdicts, an unknown baseline named."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments import analysis, load


def test_paired_difference_of_an_arm_with_itself_is_exactly_zero(small_store: Path) -> None:
    runs, _ = load(small_store)
    metrics = ["alignment_index", "revenue_usd_per_week", "mql_acceptance_rate"]
    for baseline in analysis.arm_order(runs):
        paired = analysis.paired_differences(runs, metrics, baseline)
        self_rows = paired[paired["arm"] == baseline]
        assert len(self_rows) == len(metrics)
        assert (self_rows["difference"] == 0.0).all()
        assert (self_rows["low"] == 0.0).all() and (self_rows["high"] == 0.0).all()
        assert (self_rows["verdict"] == analysis.UNCLEAR).all()


def runs_table(values: dict[str, list[float]], metric: str = "m") -> pd.DataFrame:
    rows = []
    for a, (arm, series) in enumerate(values.items()):
        for r, v in enumerate(series):
            rows.append({"run_id": f"a{a:05d}-r{r:04d}", "arm": arm, "replicate": r,
                         "seed": r, metric: v, "status": "done", "error": "",
                         "duration_s": 0.0})
    return pd.DataFrame(rows)


def test_pairing_removes_the_shared_noise_and_gives_plain_verdicts() -> None:
    rng = np.random.default_rng(1)
    market = rng.normal(0, 10, size=20)  # noise both arms share (common random numbers)
    runs = runs_table({"preset=a": list(100 + market), "preset=b": list(101 + market),
                  "preset=c": list(100 + market + rng.normal(0, 0.01, 20)),
                  "preset=d": list(99 + market)})
    paired = analysis.paired_differences(runs, ["m"], "preset=a").set_index("arm")
    assert paired.loc["preset=b", "verdict"] == analysis.HIGHER
    assert paired.loc["preset=b", "difference"] == pytest.approx(1.0)
    assert paired.loc["preset=c", "verdict"] == analysis.UNCLEAR
    assert paired.loc["preset=d", "verdict"] == analysis.LOWER
    means = analysis.arm_means(runs, ["m"]).set_index("arm")
    # Unpaired, the +1 is lost in the market noise: the intervals of a and b overlap widely.
    assert means.loc["preset=b", "low"] < means.loc["preset=a", "high"]


def test_an_unknown_baseline_is_named() -> None:
    runs = runs_table({"preset=a": [1.0, 2.0]})
    with pytest.raises(ValueError, match="baseline 'x' is not an arm"):
        analysis.paired_differences(runs, ["m"], "x")
