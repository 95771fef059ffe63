"""The runner with stand-in run functions: any executor, bounded in flight, failures recorded,
a dead worker's pool rebuilt, tasks grouped, progress quiet off a terminal."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from experiments.errors import SweepAborted
from experiments.runner import run_experiment, thin_weekly
from experiments.store import load
from sim.params import Params
from tests.experiments import fakes

FAST = """
name = "fast"
weeks = 20
replicates = 10
seed = 3
[overrides]
burn_in_weeks = 2
[factors]
governance.cadence_weeks = [1, 2, 4, 8]
"""


class CountingExecutor(Executor):
    """Threads, recording how many tasks were ever outstanding at once and how many runs each
    task carried."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(2)
        self._lock = threading.Lock()
        self.outstanding = 0
        self.peak = 0
        self.task_sizes: list[int] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        with self._lock:
            self.outstanding += 1
            self.peak = max(self.peak, self.outstanding)
            self.task_sizes.append(len(args[1]))
        future = self._pool.submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _: Future) -> None:
        with self._lock:
            self.outstanding -= 1

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def test_any_executor_bounded_in_flight_and_grouped_tasks(
        write_spec: Callable[..., Path], tmp_path: Path) -> None:
    executor = CountingExecutor()
    summary = run_experiment(write_spec(FAST), tmp_path / "out", executor=executor, workers=2,
                             run_fn=fakes.fake_run, quiet=True)
    executor.shutdown()
    assert (summary.done, summary.failed, summary.exit_code) == (40, 0, 0)
    assert executor.peak <= 4  # two task slots per worker
    assert executor.task_sizes[0] == 1  # the first task measures the run time
    assert max(executor.task_sizes) > 1  # fast runs are grouped into bigger tasks
    assert sum(executor.task_sizes) == 40
    runs, _ = load(tmp_path / "out")
    assert runs["run_id"].is_unique and len(runs) == 40


def test_same_tables_in_process_and_in_a_pool(write_spec: Callable[..., Path],
                                              tmp_path: Path) -> None:
    path = write_spec(FAST)
    tables = []
    for workers in (0, 2):
        run_experiment(path, tmp_path / f"w{workers}", workers=workers, run_fn=fakes.fake_run,
                       quiet=True)
        runs, weekly = load(tmp_path / f"w{workers}")
        tables.append((runs.drop(columns="duration_s"), weekly))
    pd.testing.assert_frame_equal(tables[0][0], tables[1][0])
    pd.testing.assert_frame_equal(tables[0][1], tables[1][1])


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(
        write_spec: Callable[..., Path], tmp_path: Path) -> None:
    summary = run_experiment(write_spec(FAST), tmp_path / "out", workers=2,
                             run_fn=fakes.failing_run, quiet=True)
    assert (summary.done, summary.failed, summary.exit_code) == (30, 10, 1)
    runs, weekly = load(tmp_path / "out")
    failed = runs[runs["status"] == "failed"]
    assert set(failed["governance.cadence_weeks"]) == {2}
    assert failed["error"].str.contains("ValueError: cadence 2 is cursed").all()
    assert failed["revenue_mean"].isna().all()
    assert not set(failed["run_id"]) & set(weekly["run_id"])
    assert "10 failed" in str(summary)
    # a rerun skips failed runs unless asked to retry them (they fail again here)
    assert run_experiment(write_spec(FAST), tmp_path / "out", workers=0,
                          run_fn=fakes.failing_run, quiet=True).skipped == 40
    retried = run_experiment(write_spec(FAST), tmp_path / "out", workers=0,
                             run_fn=fakes.fake_run, quiet=True, retry_failed=True)
    assert (retried.done, retried.skipped, retried.exit_code) == (10, 30, 0)
    runs, weekly = load(tmp_path / "out")
    assert len(runs) == 40 and (runs["status"] == "done").all()
    assert weekly.groupby("run_id").size().eq(20).all() and weekly["run_id"].nunique() == 40


def test_thinning_names_missing_weekly_metrics() -> None:
    weekly = fakes.fake_run(Params().with_overrides({"weeks": 6, "burn_in_weeks": 1}), 1).weekly
    thinned = thin_weekly(weekly, ("mqls",), 3)
    assert list(thinned.columns) == ["week", "mqls"] and thinned["week"].tolist() == [3, 6]
    with pytest.raises(KeyError, match="pipeline not produced by the model; weekly metrics "
                                       "are: revenue, mqls"):
        thin_weekly(weekly, ("revenue", "pipeline"), 1)


def test_a_dead_worker_is_replaced_and_every_run_comes_back(
        write_spec: Callable[..., Path], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(fakes.DIE_ONCE_DIR, ignore_errors=True)
    fakes.DIE_ONCE_DIR.mkdir(parents=True)
    path = write_spec(FAST.replace("replicates = 10", "replicates = 2"))
    summary = run_experiment(path, tmp_path / "out", workers=2, run_fn=fakes.die_once_run,
                             quiet=True)
    assert (summary.done, summary.failed) == (8, 0)
    assert len(list(fakes.DIE_ONCE_DIR.glob("died-*"))) == 2
    shutil.rmtree(fakes.DIE_ONCE_DIR)
    assert "a worker process died; restarting the pool" in capsys.readouterr().err
    run_experiment(path, tmp_path / "ref", workers=0, run_fn=fakes.fake_run, quiet=True)
    got, ref = load(tmp_path / "out"), load(tmp_path / "ref")
    pd.testing.assert_frame_equal(got[0].drop(columns="duration_s"),
                                  ref[0].drop(columns="duration_s"))
    pd.testing.assert_frame_equal(got[1], ref[1])


def test_a_run_that_kills_its_worker_twice_is_stored_as_failed_and_the_sweep_goes_on(
        write_spec: Callable[..., Path], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = write_spec(FAST.replace("replicates = 10", "replicates = 2"))
    summary = run_experiment(path, tmp_path / "out", workers=2, run_fn=fakes.always_die_run,
                             quiet=True, max_rebuilds=1)
    assert (summary.done, summary.failed, summary.exit_code) == (6, 2, 1)
    runs, weekly = load(tmp_path / "out")
    failed = runs[runs["status"] == "failed"]
    assert set(failed["governance.cadence_weeks"]) == {4} and len(failed) == 2
    assert failed["error"].str.startswith("WorkerDied: the worker process died 2 times").all()
    assert set(weekly["run_id"]) == set(runs.loc[runs["status"] == "done", "run_id"])
    assert "killed its worker process 2 times: stored as failed" in capsys.readouterr().err
    # a resume has nothing left to run: the failed runs are not tried again
    again = run_experiment(path, tmp_path / "out", workers=2, run_fn=fakes.always_die_run,
                           quiet=True, max_rebuilds=1)
    assert (again.done, again.failed, again.skipped) == (0, 0, 8)


def test_workers_that_die_whatever_they_run_stop_the_sweep_with_results_kept(
        write_spec: Callable[..., Path], tmp_path: Path) -> None:
    path = write_spec(FAST.replace("replicates = 10", "replicates = 1"))
    shutil.rmtree(fakes.DIE_ONCE_DIR, ignore_errors=True)
    fakes.DIE_ONCE_DIR.mkdir(parents=True)
    with pytest.raises(SweepAborted, match="died 5 times in a row, whatever they ran"):
        run_experiment(path, tmp_path / "out", workers=1, run_fn=fakes.die_after_first_run,
                       quiet=True, max_rebuilds=1)
    shutil.rmtree(fakes.DIE_ONCE_DIR)
    runs, _ = load(tmp_path / "out")
    assert (runs["status"] == "done").sum() == 1  # the first run, stored before the deaths
    assert (runs["status"] == "failed").sum() == 2  # two runs blamed, each after two deaths


def test_quiet_off_a_terminal(write_spec: Callable[..., Path], tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    run_experiment(write_spec(FAST), tmp_path / "out", workers=0, run_fn=fakes.fake_run)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
