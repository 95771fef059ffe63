"""SALib indices rank the parameter that matters, for Sobol, Morris and Latin hypercube designs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from experiments import analysis
from experiments.design import arms
from experiments.spec import spec_from_dict


def test_sobol_indices_rank_the_parameter_that_matters(tmp_path: Path) -> None:
    spec = spec_from_dict({
        "name": "s", "weeks": 20, "design": {"kind": "sobol", "samples": 64},
        "overrides": {"burn_in_weeks": 4},
        "factors": {"behaviour.trust_initial": {"min": 0.1, "max": 0.9},
                    "behaviour.scoring_noise": {"min": 0.0, "max": 0.6}}})
    design = arms(spec)
    runs = pd.DataFrame([
        {"run_id": f"a{a.index:05d}-r0000", "arm": a.label, "replicate": 0,
         "y": 10 * a.values["behaviour.trust_initial"] + a.values["behaviour.scoring_noise"],
         "status": "done"} for a in design])
    result = analysis.sensitivity(spec, runs, "y")
    assert result.method == "sobol"
    assert result.table["ST"].idxmax() == "behaviour.trust_initial"
    assert result.table.loc["behaviour.trust_initial", "S1"] > 0.9
    missing = analysis.sensitivity(spec, runs.iloc[:-1], "y")
    assert missing.table.empty and "1 of" in missing.note


@pytest.mark.parametrize("kind", ["morris", "lhs"])
def test_morris_and_latin_hypercube_designs_get_their_indices(kind: str) -> None:
    spec = spec_from_dict({
        "name": "s", "weeks": 20, "design": {"kind": kind, "samples": 40},
        "overrides": {"burn_in_weeks": 4},
        "factors": {"behaviour.trust_initial": {"min": 0.1, "max": 0.9},
                    "behaviour.scoring_noise": {"min": 0.0, "max": 0.6}}})
    runs = pd.DataFrame([
        {"run_id": f"a{a.index:05d}-r0000", "arm": a.label, "replicate": 0,
         "y": 10 * a.values["behaviour.trust_initial"] + a.values["behaviour.scoring_noise"],
         "status": "done"} for a in arms(spec)])
    result = analysis.sensitivity(spec, runs, "y")
    column = "mu_star" if kind == "morris" else "S1"
    assert result.method == ("morris" if kind == "morris" else "rbd_fast")
    assert result.table[column].idxmax() == "behaviour.trust_initial"
