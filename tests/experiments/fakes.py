"""Stand-ins for `sim.run` with the RunResult shape: fast, deterministic, and able to fail or to
kill their worker process, for tests of the runner and the store."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.params import Params

# Where die_once_run remembers which runs already killed their worker. A fixed path, not an
# environment variable: a forkserver started earlier in the session would not see a variable set
# by this test (the runner uses forkserver when the test process has threads running).
DIE_ONCE_DIR = Path(tempfile.gettempdir()) / f"alignsim-test-die-once-{os.getuid()}"


@dataclass(frozen=True)
class FakeResult:
    weekly: pd.DataFrame
    summary: dict[str, float]
    params: dict[str, Any]
    seed: int
    versions: dict[str, str]


def fake_run(params: Params, seed: int) -> FakeResult:
    """Weekly numbers that depend on the seed and on the cadence, like a model would."""
    rng = np.random.default_rng(seed)
    weeks = params.weeks
    revenue = rng.normal(100.0, 10.0, size=weeks) * (1 + params.governance.cadence_weeks / 100)
    mqls = rng.integers(0, 50, size=weeks)
    weekly = pd.DataFrame({"revenue": revenue, "mqls": mqls},
                          index=pd.RangeIndex(1, weeks + 1, name="week"))
    summary = {"revenue_mean": float(revenue.mean()), "mqls_total": float(mqls.sum())}
    return FakeResult(weekly, summary, params.to_dict(), seed, {"alignsim": "test"})


def failing_run(params: Params, seed: int) -> FakeResult:
    """Fails for cadence 2, as a model error would."""
    if params.governance.cadence_weeks == 2:
        raise ValueError("cadence 2 is cursed in this test")
    return fake_run(params, seed)


def die_once_run(params: Params, seed: int) -> FakeResult:
    """Kills its worker process the first time it meets each cadence-4 run (a marker file per
    seed remembers), as an out-of-memory kill or a native crash would."""
    if params.governance.cadence_weeks == 4:
        marker = DIE_ONCE_DIR / f"died-{seed}"
        if not marker.exists():
            marker.write_text("x")
            os._exit(9)
    return fake_run(params, seed)


def always_die_run(params: Params, seed: int) -> FakeResult:
    if params.governance.cadence_weeks == 4:
        os._exit(9)
    return fake_run(params, seed)


def die_after_first_run(params: Params, seed: int) -> FakeResult:
    """Kills its worker on every run but the first of the session (a marker file remembers),
    as a machine out of memory would, whatever the run."""
    marker = DIE_ONCE_DIR / f"first-{os.getppid()}"
    if marker.exists():
        os._exit(9)
    marker.write_text("x")
    return fake_run(params, seed)
