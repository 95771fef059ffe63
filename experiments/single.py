"""Single runs and small preset comparisons, from the command line or a notebook: a firm (the
model's defaults, or a params file) under presets with overrides to Params, and every arm run on
the same replicate seeds (common random numbers).

What `alignsim run` and `compare` print and write (the summary table, the weekly tables, the
provenance and the chart) is `experiments.report.run_outputs`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from experiments.design import replicate_seeds
from experiments.errors import UsageError
from experiments.paramfile import with_preset
from sim import Params, RunResult, run


def parse_sets(items: Sequence[str]) -> dict[str, str]:
    """`group.field=value` strings to a dict; malformed items are errors."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UsageError(f"--set {item!r}: expected group.field=value, "
                             "e.g. governance.cadence_weeks=4")
        out[key.strip()] = value.strip()
    return out


def build_params(preset: str, sets: dict[str, str], weeks: int | None,
                 base: Params | None = None) -> Params:
    """A firm (`base`, default the model's defaults) under a preset (``current``: its own
    governance), with overrides (dotted name -> value or string) and an optional run length."""
    base = base or Params()
    overrides: dict[str, Any] = dict(sets)
    if weeks is not None:
        overrides["weeks"] = str(weeks)
        if "burn_in_weeks" not in overrides and weeks <= base.burn_in_weeks:
            # A short run keeps a proportionate burn-in rather than failing on the firm's one.
            overrides["burn_in_weeks"] = str(weeks // 7)
    return with_preset(base, preset, overrides)


@dataclass(frozen=True)
class Comparison:
    arms: dict[str, list[RunResult]]
    seeds: list[int]

    def summary_frame(self) -> pd.DataFrame:
        rows = [{"arm": arm, "replicate": i, "seed": r.seed, **r.summary}
                for arm, results in self.arms.items() for i, r in enumerate(results)]
        return pd.DataFrame(rows)


def compare(params_by_arm: dict[str, Params], seed: int, replicates: int,
            progress: bool = False) -> Comparison:
    """Every arm on the same replicate seeds (common random numbers), derived from `seed` as an
    experiment file with this seed and number of replicates derives them
    (`experiments.design.replicate_seeds`), so both ways in run the same replicates."""
    return run_arms(params_by_arm, replicate_seeds(seed, replicates), progress)


def run_arms(params_by_arm: dict[str, Params], seeds: Sequence[int],
             progress: bool = False) -> Comparison:
    """Every arm on each of `seeds` as given."""
    jobs = [(arm, s) for s in seeds for arm in params_by_arm]
    iterator: Any = jobs
    if progress:
        from tqdm import tqdm
        iterator = tqdm(jobs, desc="runs", unit="run", leave=False)
    arms: dict[str, list[RunResult]] = {arm: [] for arm in params_by_arm}
    for arm, s in iterator:
        arms[arm].append(run(params_by_arm[arm], s))
    return Comparison(arms, list(seeds))
