"""Single runs and small preset comparisons, from the command line or a notebook: a firm (the
model's defaults, or a params file) under presets with overrides to Params, every arm run on the
same replicate seeds (common random numbers), and any run of a results folder run again alone
(`rerun`), checked bit for bit against what is stored.

What `alignsim run` and `compare` print and write (the summary table, the weekly tables, the
provenance and the chart) is `experiments.report.run_outputs`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.design import replicate_seeds
from experiments.errors import UsageError
from experiments.paramfile import with_preset
from experiments.spec_checks import allowed
from sim import Params, RunResult, run
from sim.params import ParamError, field_kind, field_of


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


def check_set(dotted: str, text: object) -> None:
    """A `--set` value that does not read as its field's type is an error in the words of the
    command line ("an integer in [1, 200]"); unknown names are left to `with_preset`, and values
    given as Python values (the dashboard's) to the model's own checks."""
    if not isinstance(text, str):
        return
    try:
        fld = field_of(dotted)
    except ParamError:
        return
    kind = field_kind(fld)
    try:
        if kind is int:
            int(text)
        elif kind is float:
            float(text)
        elif kind is bool and text.lower() not in _BOOL_WORDS:
            raise ValueError(text)
    except ValueError:
        raise UsageError(f"--set {dotted}={text}: {text!r} is not allowed; allowed: "
                         f"{allowed(fld)}") from None


_BOOL_WORDS = ("true", "false", "1", "0", "yes", "no", "on", "off")


def build_params(preset: str, sets: dict[str, str], weeks: int | None,
                 base: Params | None = None) -> Params:
    """A firm (`base`, default the model's defaults) under a preset (``current``: its own
    governance), with overrides (dotted name -> value or string) and an optional run length."""
    for dotted, text in sets.items():
        check_set(dotted, text)
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


# -- a stored run, run again ---------------------------------------------------------------------
@dataclass(frozen=True)
class Rerun:
    """A run of a results folder run again alone, from its stored parameters and seed, and how
    it compares with what the folder holds."""

    folder: Path
    run_id: str
    arm: str
    params: Params
    result: RunResult
    weekly_matches: bool | None
    """The rerun's weekly rows equal the stored ones bit for bit (None: none were kept)."""
    summary_matches: bool | None
    """The rerun's summary equals the stored runs-table row bit for bit (None: not stored)."""
    made_by: dict[str, str]
    """What made the stored run: alignsim version, git commit and dependency versions."""
    running: dict[str, str]
    """The same for this process."""

    @property
    def matches(self) -> bool:
        return self.weekly_matches is not False and self.summary_matches is not False

    def code_differences(self) -> list[str]:
        """Each version that differs between the code that made the run and this one."""
        return [f"{key} {self.made_by[key]} then, {self.running.get(key, 'unknown')} now"
                for key in self.made_by
                if self.made_by[key] and self.made_by[key] != self.running.get(key)]


def rerun(folder: str | Path, run_id: str) -> Rerun:
    """Run the stored run `run_id` (e.g. ``a00003-r0001``) of a results folder again,
    from the folder's experiment file (the arm's parameters) and the run's seed, and compare
    the result with the stored weekly rows and summary."""
    from experiments.design import plan
    from experiments.runner import thin_weekly
    from experiments.spec import parse_spec
    from experiments.store import load_run, read_manifest

    folder = Path(folder)
    spec_path = folder / "spec.toml"
    if not spec_path.exists():
        raise UsageError(f"--from {folder}: not a results folder (no spec.toml)")
    spec = parse_spec(spec_path.read_text(encoding="utf-8"), source=str(spec_path))
    planned = next((r for r in plan(spec) if r.run_id == run_id), None)
    if planned is None:
        last = f"a{len(list(plan(spec))) // spec.replicates - 1:05d}-r{spec.replicates - 1:04d}"
        raise UsageError(f"--from {folder} {run_id}: not a run of this experiment; run ids go from "
                         f"a00000-r0000 to {last} (`alignsim runs {folder}` and the runs table "
                         "list them)")
    row, stored, entry = load_run(folder, run_id)
    params = spec.arm_params(planned.arm.values)
    result = run(params, planned.seed, network_weeks=spec.network_weeks)
    weekly_matches = summary_matches = None
    if row is not None and row.get("status") == "done":
        summary_matches = all(
            key in row and _same(row[key], value) for key, value in result.summary.items())
    if len(stored):
        thinned = thin_weekly(result.weekly, spec.weekly_metrics, spec.every_weeks)
        weekly_matches = (list(thinned.columns) == list(stored.columns)
                          and len(thinned) == len(stored)
                          and all(np.array_equal(thinned[c].to_numpy(), stored[c].to_numpy())
                                  for c in thinned.columns))
    return Rerun(folder=folder, run_id=run_id, arm=planned.arm.label, params=params,
                 result=result, weekly_matches=weekly_matches, summary_matches=summary_matches,
                 made_by=_made_by(read_manifest(folder) or {}, entry),
                 running=_running())


def _same(stored: Any, value: float) -> bool:
    try:
        return float(stored) == float(value) or (np.isnan(float(stored))
                                                 and np.isnan(float(value)))
    except (TypeError, ValueError):
        return False


_COMPARED = ("alignsim", "git_commit", "python", "mesa", "numpy", "pandas", "networkx")
"""Versions whose change may change a run's numbers."""


def _made_by(manifest: dict[str, Any], entry: dict[str, Any] | None) -> dict[str, str]:
    """The versions of the sweep session that wrote the run's chunk (by its write time)."""
    found = dict(manifest.get("versions", {}))
    found["python"] = manifest.get("python", "")
    commit, dirty = manifest.get("git_commit"), manifest.get("git_dirty")
    written = (entry or {}).get("written", "")
    for session in manifest.get("sessions", []):
        if session.get("started", "") <= written:
            commit, dirty = session.get("git_commit", commit), session.get("git_dirty", dirty)
    found["git_commit"] = _commit(commit, dirty)
    return {k: str(found.get(k, "")) for k in _COMPARED}


def _running() -> dict[str, str]:
    import platform

    from experiments.store import _git_state
    from sim.provenance import versions

    found = dict(versions())
    found["python"] = platform.python_version()
    found["git_commit"] = _commit(*_git_state())
    return {k: str(found.get(k, "")) for k in _COMPARED}


def _commit(commit: str | None, dirty: bool | None) -> str:
    """A git commit as provenance: short, marked when the work tree had changes."""
    if not commit:
        return ""
    return commit[:10] + (" with uncommitted changes" if dirty else "")
