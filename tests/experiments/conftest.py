from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

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
