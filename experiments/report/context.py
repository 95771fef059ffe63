"""What every step of a report reads: the experiment, its stored tables and the choices made."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from experiments.report.style import ArmLook
from experiments.spec import ExperimentSpec


@dataclass
class Context:
    """A report's inputs. `look` maps each arm label, in design order, to its name, colour and
    line style; `baseline` is the arm the others are compared with; `network` holds the stored
    ties of every run at `network_week` (empty when the store kept none)."""

    spec: ExperimentSpec
    runs: pd.DataFrame
    weekly: pd.DataFrame
    metrics: list[str]
    look: dict[str, ArmLook]
    baseline: str
    source: str
    burn_in_weeks: int
    network: pd.DataFrame
    network_week: int | None
    precision: float
    legend_title: str = ""
