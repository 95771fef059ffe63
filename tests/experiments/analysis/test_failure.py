"""The PRIM-style failure box finds a planted region in few conditions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments import analysis


def planted_box() -> analysis.FailureBox:
    """Alignment falls by 20 where p.a < 0.3 and p.b > 0.5, among four uniform parameters."""
    rng = np.random.default_rng(3)
    n = 2000
    x = rng.uniform(0, 1, size=(n, 4))
    index = 60 - 20 * ((x[:, 0] < 0.3) & (x[:, 1] > 0.5)) + rng.normal(0, 1, n)
    runs = pd.DataFrame(x, columns=["p.a", "p.b", "p.c", "p.d"]).assign(
        alignment_index=index, status="done")
    return analysis.failure_box(runs, ["p.a", "p.b", "p.c", "p.d"])


def test_failure_box_finds_a_planted_region_in_few_conditions() -> None:
    box = planted_box()
    assert set(box.limits) == {"p.a", "p.b"}
    assert box.limits["p.a"][1] == pytest.approx(0.3, abs=0.05)
    assert box.limits["p.b"][0] == pytest.approx(0.5, abs=0.05)
    assert box.share_inside > 0.8
