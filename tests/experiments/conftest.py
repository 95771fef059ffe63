"""Experiment files and results stores the tests of every floor of experiments/ share."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from experiments.runner import run_experiment
from experiments.spec import parse_spec

SMALL = """
name = "small"
preset = "undefined"
weeks = 30
replicates = 2
seed = 11

[overrides]
org.n_reps = 5
org.n_marketers = 2
burn_in_weeks = 5

[factors]
preset = ["finance_led", "joint"]
governance.cadence_weeks = [2, 4]
"""


@pytest.fixture
def write_spec(tmp_path: Path) -> Callable[..., Path]:
    """Write TOML text to a file in tmp_path and return its path."""

    def write(text: str = SMALL, name: str = "exp.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


# Three planning owners on a small firm for 30 weeks: a real store in a few seconds.
SMALL_OWNERS = """
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

# Two factors, as a consultant's first sweep: 2 planning owners x 2 budget structures x 3.
SMALL_TWO_FACTOR = """
name = "small_two"
description = "Two planning owners by two budget structures, small firm"
preset = "undefined"
weeks = 30
replicates = 3
seed = 14

[overrides]
org.n_reps = 5
org.n_marketers = 2
burn_in_weeks = 5

[factors]
preset = ["finance_led", "joint"]
governance.budget_structure = ["separate", "shared_pool"]
"""

SMALL_SOBOL = """
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
    return _build(SMALL_OWNERS, tmp_path_factory.mktemp("stores") / "small_owner", chunk_runs=3)


@pytest.fixture(scope="session")
def two_factor_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(SMALL_TWO_FACTOR, tmp_path_factory.mktemp("stores") / "small_two")


@pytest.fixture(scope="session")
def sobol_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(SMALL_SOBOL, tmp_path_factory.mktemp("stores") / "small_sobol")


@pytest.fixture
def partial_store(small_store: Path, tmp_path: Path) -> Path:
    """The small store as a crash leaves it: the last chunk's index (its commit) never written."""
    folder = tmp_path / "partial"
    shutil.copytree(small_store, folder)
    last = sorted((folder / "index").glob("chunk-*.json"))[-1]
    last.unlink()
    return folder
