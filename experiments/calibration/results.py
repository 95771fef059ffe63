"""A calibration as stored: the firm, every candidate with its objective on the fitting seeds,
the runs of the check on fresh seeds, and the chosen fit. Read from the folder alone."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.calibration.firm import Firm, Settings, firm_from_dict
from experiments.calibration.objective import objective
from experiments.calibration.search import (
    CHECKS,
    FIRM_FILE,
    MARKER,
    check_seeds_of,
    complete,
    evaluation_folders,
    fit_seeds_of,
    stored_candidates,
)
from experiments.errors import UsageError
from experiments.paramfile import read_toml
from experiments.store import DONE, load
from sim import Params


@dataclass(frozen=True)
class Calibration:
    folder: Path
    firm: Firm
    settings: Settings
    info: dict[str, Any]
    """The folder's calibration.json: the firm file it came from, when it started, its budget."""
    candidates: pd.DataFrame
    """One row per candidate, in the order proposed: ``candidate`` (from 1), the fitted
    parameters, each target's mean over the fitting seeds, ``runs_done``, ``objective``."""
    checks: pd.DataFrame
    """One row per check run: ``candidate``, ``seed``, ``status`` and each target's column."""
    chosen: int
    """The candidate number of the fit."""
    checked: bool
    """Whether the fit was chosen on fresh seeds (False while the check has not run)."""

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.firm.fit]

    @property
    def values(self) -> dict[str, Any]:
        """The fitted parameter values."""
        row = self.candidates.loc[self.candidates["candidate"] == self.chosen].iloc[0]
        return {p.name: int(row[p.name]) if p.integer else float(row[p.name])
                for p in self.firm.fit}

    @property
    def params(self) -> Params:
        """The fitted firm: its known parameters, its governance and the fitted values, with the
        run length of its own (the calibration's runs stop at the targets' weeks)."""
        return self.firm.base.with_overrides(self.values)

    @property
    def fit_seeds(self) -> list[int]:
        return fit_seeds_of(self.settings)

    @property
    def check_seeds(self) -> list[int]:
        return check_seeds_of(self.settings)

    def check_runs(self, candidate: int) -> pd.DataFrame:
        """The finished check runs of one candidate."""
        runs = self.checks
        return runs[(runs["candidate"] == candidate) & (runs["status"] == DONE)]

    def fit_runs(self, candidate: int) -> pd.DataFrame:
        """The finished runs of one candidate on the fitting seeds."""
        row = self.candidates.loc[self.candidates["candidate"] == candidate].iloc[0]
        runs, _ = load(evaluation_folders(self.folder)[int(row["round"]) - 1])
        return runs[(runs["arm"] == row["arm"]) & (runs["status"] == DONE)]


def load_calibration(folder: str | Path) -> Calibration:
    """Read a calibration folder (written by `calibrate`; complete or not)."""
    folder = Path(folder)
    marker = folder / MARKER
    if not marker.exists():
        raise UsageError(f"{folder}: not a calibration folder (no {MARKER})")
    info = json.loads(marker.read_text(encoding="utf-8"))
    path = folder / FIRM_FILE
    firm = firm_from_dict(read_toml(path), source=info.get("firm_file", str(path)),
                          text=path.read_text(encoding="utf-8"),
                          default_name=info.get("firm", "firm"))
    settings = Settings(**{**info["identity"]["settings"], "budget": info.get("budget", 0)})
    candidates = stored_candidates(firm, folder)
    checks = _check_runs(firm, folder, candidates)
    chosen, checked = _choose(firm, candidates, checks)
    return Calibration(folder=folder, firm=firm, settings=settings, info=info,
                       candidates=candidates, checks=checks, chosen=chosen, checked=checked)


def _check_runs(firm: Firm, folder: Path, candidates: pd.DataFrame) -> pd.DataFrame:
    names = [p.name for p in firm.fit]
    number = {tuple(row[:-1]): int(row[-1])
              for row in candidates[[*names, "candidate"]].itertuples(index=False)}
    frames = []
    for store in evaluation_folders(folder, CHECKS):
        runs, _ = load(store)
        if len(runs):
            runs = runs.copy()
            runs["candidate"] = [number.get(tuple(row)) for row in
                                 runs[names].itertuples(index=False)]
            frames.append(runs)
    columns = ["candidate", "seed", "status", *[t.column for t in firm.targets]]
    if not frames:
        return pd.DataFrame(columns=columns)
    runs = pd.concat(frames, ignore_index=True)
    return runs[[*columns, *[c for c in runs.columns if c not in columns]]]


def _choose(firm: Firm, candidates: pd.DataFrame, checks: pd.DataFrame) -> tuple[int, bool]:
    """The checked candidate closest to the targets on the fresh seeds; before the check, the
    best on the fitting seeds."""
    done = checks[checks["status"] == DONE]
    if len(done):
        columns = [t.column for t in firm.targets]
        means = done.groupby("candidate")[columns].mean()
        scores = {int(c): objective(row, firm.targets) for c, row in means.iterrows()}
        return min(scores, key=lambda c: (scores[c], c)), True
    ok = complete(candidates)
    if ok.empty:
        raise UsageError(f"calibration of {firm.name}: no candidate has finished its runs yet")
    best = ok.sort_values(["objective", "candidate"]).iloc[0]
    return int(best["candidate"]), False
