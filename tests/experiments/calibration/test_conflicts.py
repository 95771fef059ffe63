"""Targets the model cannot meet together are reported as such: the best compromise, which
target gives way and what pulls against it, and which are out of reach; never hidden."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from experiments.analysis.calibration import fit_table
from experiments.calibration import calibrate, load_calibration
from experiments.calibration.firm import firm_from_dict
from experiments.report.calibration import write_calibration
from sim import run


def _rate(synthetic: dict[str, Any], scale: float, metric: str) -> tuple[float, float]:
    base = firm_from_dict(synthetic).base
    params = base.with_overrides({"market.win_rate_scale": scale,
                                  "weeks": base.burn_in_weeks + 20})
    values = np.array([run(params, seed).summary[metric] for seed in range(500, 504)])
    return float(values.mean()), float(values.std(ddof=1))


@pytest.mark.slow
def test_targets_that_pull_apart_give_way_and_impossible_ones_are_out_of_reach(
        tmp_path: Path, synthetic: dict[str, Any]) -> None:
    # Two targets each met by one end of the win-rate scale, and one no firm can have.
    high, high_sd = _rate(synthetic, 2.8, "win_rate")
    low, low_sd = _rate(synthetic, 0.55, "mql_to_won_rate")
    synthetic["targets"] = {
        "win_rate": {"value": high, "se": high_sd / 2, "weeks": 20},
        "mql_to_won_rate": {"value": low, "se": max(low_sd, 1e-3) / 2, "weeks": 20},
        "mql_acceptance_rate": {"value": 1.5, "range": [1.0, 2.0], "weeks": 20},
    }
    synthetic["fit"] = {"market.win_rate_scale": {"min": 0.5, "max": 3.0, "log": True}}
    firm = firm_from_dict(synthetic)
    folder = calibrate(firm, tmp_path / "c", budget=16, seeds=3, workers=0, quiet=True)
    fit = fit_table(load_calibration(folder)).set_index("metric")

    assert fit.loc["mql_acceptance_rate", "verdict"] == "out of reach"
    pulled = fit.loc[["win_rate", "mql_to_won_rate"]]
    gave_way = pulled[pulled["verdict"] == "gives way"]
    assert len(gave_way) >= 1
    for metric, row in gave_way.iterrows():
        other = "mql_to_won_rate" if metric == "win_rate" else "win_rate"
        assert row["pulls_against"] == other  # not the impossible one: it pulls on nothing
        assert row["met_by"] >= 1
    verdict = write_calibration(folder).verdict
    assert verdict.startswith("Not every target of synthetic can be met together")
    assert "out of reach" in verdict and "gives way" in verdict
