from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from experiments.runner import run_experiment
from experiments.spec import parse_spec

# Three planning owners on a small firm for 30 weeks: a real store in a few seconds.
SMALL = """
name = "small_owner"
description = "Three planning owners, small firm"
preset = "undefined"
weeks = 30
replicates = 3
seed = 7

[overrides]
org.n_reps = 5
org.n_marketers = 2
burn_in_weeks = 5

[factors]
preset = ["finance_led", "joint", "cro"]
"""

SOBOL = """
name = "small_sobol"
preset = "undefined"
weeks = 20
replicates = 1
seed = 8

[overrides]
org.n_reps = 5
org.n_marketers = 2
burn_in_weeks = 4

[design]
kind = "sobol"
samples = 8

[factors]
behaviour.trust_initial = { min = 0.1, max = 0.9 }
behaviour.scoring_noise = { min = 0.0, max = 0.6 }

[output]
weekly_metrics = []
"""


def _build(text: str, folder: Path, chunk_runs: int = 500) -> Path:
    spec = parse_spec(text, source="<test>")
    run_experiment(spec, folder, workers=0, quiet=True, chunk_runs=chunk_runs)
    return folder


@pytest.fixture(scope="session")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished store, written in three chunks of three runs (read-only: copy to change)."""
    return _build(SMALL, tmp_path_factory.mktemp("stores") / "small_owner", chunk_runs=3)


@pytest.fixture(scope="session")
def sobol_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(SOBOL, tmp_path_factory.mktemp("stores") / "small_sobol")


@pytest.fixture
def partial_store(small_store: Path, tmp_path: Path) -> Path:
    """The small store as a crash leaves it: the last chunk's index (its commit) never written."""
    folder = tmp_path / "partial"
    shutil.copytree(small_store, folder)
    last = sorted((folder / "index").glob("chunk-*.json"))[-1]
    last.unlink()
    return folder
