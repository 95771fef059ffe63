"""What every step of a report reads: the experiment, its stored tables and the choices made."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from experiments.spec import ExperimentSpec


@dataclass
class Context:
    """A report's inputs. `look` maps each arm label, in design order, to its display name and
    colour; `baseline` is the arm the others are compared with."""

    spec: ExperimentSpec
    runs: pd.DataFrame
    weekly: pd.DataFrame
    metrics: list[str]
    look: dict[str, tuple[str, str]]
    baseline: str
    source: str
    burn_in_weeks: int
