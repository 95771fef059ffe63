"""The synthetic firm as a fresh copy for each test that changes it."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.experiments.calibration.synthetic import SYNTHETIC


@pytest.fixture
def synthetic() -> dict[str, Any]:
    return copy.deepcopy(SYNTHETIC)
