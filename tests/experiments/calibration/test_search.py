"""The search: stored as it goes, resumed after an interruption to the same candidates an
uninterrupted calibration proposes, continued by a larger budget, and its folder guarded."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from experiments.calibration import calibrate, load_calibration
from experiments.calibration.firm import firm_from_dict
from experiments.calibration.search import EVALUATIONS, evaluation_folders, fit_seeds_of
from experiments.errors import UsageError
from experiments.store import load
from sim.params import value_of

ROOT = Path(__file__).resolve().parents[3]


def _candidates(folder: Path) -> pd.DataFrame:
    return load_calibration(folder).candidates.drop(columns=["round", "arm"])


@pytest.mark.slow
def test_an_interrupted_or_extended_calibration_matches_an_uninterrupted_one(
        tmp_path: Path, synthetic: dict[str, Any]) -> None:
    firm = firm_from_dict(synthetic)
    straight = calibrate(firm, tmp_path / "straight", workers=0, quiet=True)
    table = _candidates(straight)
    assert len(table) == 12 and table["runs_done"].eq(2).all()
    first = table.iloc[0]  # the firm as it stands
    for name in ("market.win_rate_scale", "market.churn_scale"):
        assert first[name] == value_of(firm.base, name)

    # Stopped after 8 candidates, then the budget raised to 12: the same 12 candidates.
    steps = tmp_path / "steps"
    calibrate(firm, steps, budget=8, workers=0, quiet=True)
    assert len(_candidates(steps)) == 8
    calibrate(firm, steps, workers=0, quiet=True)
    pd.testing.assert_frame_equal(_candidates(steps), table)

    # Killed in the middle of a generation: its store lost its runs; a rerun finishes them.
    killed = tmp_path / "killed"
    shutil.copytree(straight, killed)
    last = evaluation_folders(killed)[-1]
    for sub in ("runs", "weekly", "index"):
        shutil.rmtree(last / sub)
    shutil.rmtree(killed / "checks")
    calibrate(firm, killed, workers=0, quiet=True)
    pd.testing.assert_frame_equal(_candidates(killed), table)
    assert load_calibration(killed).chosen == load_calibration(straight).chosen


@pytest.mark.slow
def test_every_candidate_runs_on_the_same_seeds(tmp_path: Path,
                                                synthetic: dict[str, Any]) -> None:
    synthetic["calibration"].update(budget=6, batch=3)
    folder = calibrate(firm_from_dict(synthetic), tmp_path / "c", workers=0, quiet=True)
    cal = load_calibration(folder)
    for store in evaluation_folders(folder, EVALUATIONS):
        runs, _ = load(store)
        assert set(runs.groupby("arm")["seed"].apply(frozenset)) == {
            frozenset(fit_seeds_of(cal.settings))}
    checks = cal.checks
    assert set(checks["seed"]) == set(cal.check_seeds)
    assert not set(cal.check_seeds) & set(cal.fit_seeds)
    assert cal.checked and cal.chosen in set(checks["candidate"])


def test_a_folder_of_something_else_or_another_calibration_is_refused(
        tmp_path: Path, synthetic: dict[str, Any]) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="was not written by alignsim calibrate"):
        calibrate(firm_from_dict(synthetic), other, workers=0, quiet=True)

    synthetic["calibration"].update(budget=2, batch=2, check_top=1, check_seeds=1)
    folder = calibrate(firm_from_dict(synthetic), tmp_path / "c", workers=0, quiet=True)
    with pytest.raises(UsageError, match="holds a calibration of another firm file, with "
                                         "other settings"):
        calibrate(firm_from_dict(synthetic), folder, seeds=3, workers=0, quiet=True)
    calibrate(firm_from_dict(synthetic), folder, seeds=3, workers=0, quiet=True, fresh=True)
    assert load_calibration(folder).settings.seeds == 3
    assert len(list(tmp_path.glob("c.replaced-*"))) == 1


DASK_CHILD = """
import sys
from distributed import LocalCluster
from experiments.calibration import calibrate
from experiments.calibration.firm import firm_from_dict
from tests.experiments.calibration.synthetic import SYNTHETIC

if __name__ == "__main__":
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None, host="127.0.0.1") as cluster:
        calibrate(firm_from_dict(SYNTHETIC), sys.argv[1], budget=8,
                  scheduler=cluster.scheduler_address, quiet=True)
"""


@pytest.mark.slow
def test_a_dask_cluster_gives_the_same_candidates_as_local_workers(tmp_path: Path) -> None:
    from tests.experiments.calibration.synthetic import SYNTHETIC

    script = tmp_path / "child.py"
    script.write_text(DASK_CHILD)
    # In a child process: a Dask client runs threads, which a forking pool must not inherit.
    done = subprocess.run([sys.executable, str(script), str(tmp_path / "dask")], cwd=ROOT,
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    local = calibrate(firm_from_dict(SYNTHETIC), tmp_path / "local", budget=8, workers=2,
                      quiet=True)
    pd.testing.assert_frame_equal(_candidates(tmp_path / "dask"), _candidates(local))
