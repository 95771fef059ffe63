"""One seed derivation for every way in: `alignsim compare --seed S --replicates R` runs the
replicates an experiment file with ``seed = S`` and R replicates runs, so results of the two
can be paired (common random numbers); `alignsim run --seed S` runs seed S itself."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from experiments.cli import main
from experiments.design import plan
from experiments.spec import spec_from_dict

ARMS = ("undefined", "aligned")
TINY = ["--weeks", "3", "--set", "org.n_reps=2", "--set", "org.n_marketers=1", "--no-chart",
        "--quiet"]


def _experiment_seeds(seed: int, replicates: int) -> list[int]:
    spec = spec_from_dict({"seed": seed, "replicates": replicates, "weeks": 3,
                           "overrides": {"burn_in_weeks": 0},
                           "factors": {"preset": list(ARMS)}})
    by_replicate = {run.replicate: run.seed for run in plan(spec)}
    return [by_replicate[r] for r in range(replicates)]


@pytest.mark.parametrize(("seed", "replicates"), [(1, 1), (1, 3), (2024, 2)])
def test_compare_runs_the_seeds_of_an_experiment_file(tmp_path: Path, seed: int,
                                                      replicates: int) -> None:
    out = tmp_path / "cmp"
    assert main(["compare", *ARMS, "--seed", str(seed), "--replicates", str(replicates),
                 "--out", str(out), *TINY]) == 0
    summary = pd.read_csv(out / "summary.csv")
    expected = _experiment_seeds(seed, replicates)
    for arm in ARMS:
        assert summary[summary["arm"] == arm].sort_values("replicate")["seed"].tolist() \
            == expected
    assert json.loads((out / "run.json").read_text())["seeds"] == expected


def test_run_runs_the_seed_it_is_given(tmp_path: Path) -> None:
    out = tmp_path / "one"
    assert main(["run", "--preset", "joint", "--seed", "7", "--out", str(out), *TINY]) == 0
    assert json.loads((out / "run.json").read_text())["seeds"] == [7]
    assert pd.read_csv(out / "summary.csv")["seed"].tolist() == [7]
