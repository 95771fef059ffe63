"""End-to-end acceptance of the experiment engine with the real model (`sim.run`):
determinism across engines, SIGKILL of the coordinator mid-sweep (also mid-write) and resume,
and a Dask cluster that loses a worker. Everything a test starts it stops by pid."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pandas as pd
import psutil
import pytest

from experiments.runner import run_experiment
from experiments.store import leftovers, load

ROOT = Path(__file__).resolve().parents[2]

CRASH = """
name = "crash"
preset = "undefined"
weeks = 30
replicates = 8
seed = 5

[overrides]
org.n_reps = 5
org.n_marketers = 2
burn_in_weeks = 5

[factors]
preset = ["finance_led", "joint"]
governance.cadence_weeks = [2, 4]
"""


def _tables(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    runs, weekly = load(folder)
    return runs.drop(columns="duration_s"), weekly


def _assert_same(a: Path, b: Path) -> None:
    runs_a, weekly_a = _tables(a)
    runs_b, weekly_b = _tables(b)
    pd.testing.assert_frame_equal(runs_a, runs_b)
    pd.testing.assert_frame_equal(weekly_a, weekly_b)


def _child(*args: str, log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, "-m", "tests.experiments.children", *args],
                                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


@contextmanager
def _stopping(procs: list[subprocess.Popen], extra: list[int]) -> Iterator[None]:
    """Kill, by pid, every process a test started, their descendants (pool workers, Dask
    nannies) and the pool workers it saw, whatever happens in the test."""
    try:
        yield
    finally:
        pids = [*(p.pid for p in procs), *extra]
        for pid in list(pids):
            with suppress(psutil.NoSuchProcess):
                pids.extend(c.pid for c in psutil.Process(pid).children(recursive=True))
        for pid in pids:
            if not _gone(pid):
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        for p in procs:
            p.wait(timeout=30)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _committed(out: Path) -> int:
    return len(list((out / "index").glob("chunk-*.json"))) if (out / "index").exists() else 0


@pytest.mark.slow
def test_same_tables_with_1_and_2_workers_and_a_dask_local_cluster(
        write_spec: Callable[..., Path], tmp_path: Path) -> None:
    path = write_spec()  # the small factorial: 2 presets x 2 cadences x 2 replicates
    run_experiment(path, tmp_path / "w1", workers=1, quiet=True)
    run_experiment(path, tmp_path / "w2", workers=2, quiet=True)
    log = tmp_path / "dask.log"
    child = _child("local-cluster", str(path), str(tmp_path / "dask"), log=log)
    with _stopping([child], []):
        assert child.wait(timeout=240) == 0, log.read_text()
    runs, weekly = load(tmp_path / "w1")
    assert len(runs) == 8 and (runs["status"] == "done").all()
    assert weekly["run_id"].nunique() == 8 and len(weekly.columns) > 10
    # common random numbers: arms of one replicate share the seed, replicates differ
    assert runs.groupby("replicate")["seed"].nunique().eq(1).all()
    assert runs["seed"].nunique() == 2
    _assert_same(tmp_path / "w1", tmp_path / "w2")
    _assert_same(tmp_path / "w1", tmp_path / "dask")


@pytest.mark.slow
def test_sigkill_mid_sweep_and_mid_write_then_resume(write_spec: Callable[..., Path],
                                                     tmp_path: Path) -> None:
    path, out, log = write_spec(CRASH), tmp_path / "out", tmp_path / "sweep.log"
    run_experiment(path, tmp_path / "reference", workers=0, quiet=True)
    marker = tmp_path / "paused"
    started: list[subprocess.Popen] = []
    workers_seen: list[int] = []
    with _stopping(started, workers_seen):

        def kill_when(condition: Callable[[], bool], what: str, *args: str) -> None:
            sweep = _child("sweep", str(path), str(out), *args, log=log)
            started.append(sweep)
            _wait_for(condition, 120, what)
            workers = [c.pid for c in psutil.Process(sweep.pid).children(recursive=True)]
            assert len(workers) == 2
            workers_seen.extend(workers)
            sweep.send_signal(signal.SIGKILL)
            sweep.wait(timeout=30)
            _wait_for(lambda: all(_gone(pid) for pid in workers), 10,
                      "pool workers to exit after their coordinator was killed")

        # 1. killed halfway through writing chunk 3's weekly file
        kill_when(marker.exists, "the write of chunk 3", "--pause-in-write", "3", "--marker",
                  str(marker))
        assert (out / "runs" / "chunk-000003.parquet").exists()
        assert (out / "weekly" / ".chunk-000003.parquet.tmp").exists()
        assert _committed(out) == 2
        assert len(load(out)[0]) == 4  # only committed chunks are visible

        # 2. resumed (cleaning up), killed between chunk 6's data files and its index
        marker.unlink()
        kill_when(marker.exists, "the commit of chunk 6", "--pause-chunk", "6", "--marker",
                  str(marker))
        assert not (out / "weekly" / ".chunk-000003.parquet.tmp").exists()
        assert (out / "weekly" / "chunk-000006.parquet").exists() and _committed(out) == 5
        assert len(load(out)[0]) == 10

        # 3. resumed, killed again at an arbitrary point mid-sweep
        kill_when(lambda: _committed(out) >= 8, "the resumed sweep to commit", "--slow", "0.1")
        assert 8 <= _committed(out) < 16, "the third kill should land mid-sweep"

        # 4. resumed to the end
        last = _child("sweep", str(path), str(out), log=log)
        started.append(last)
        assert last.wait(timeout=180) == 0, log.read_text()
    assert not leftovers(out)
    runs, weekly = load(out)
    assert len(runs) == 32 and runs["run_id"].is_unique
    assert len(weekly) == 32 * 30 and not weekly.duplicated(["run_id", "week"]).any()
    _assert_same(out, tmp_path / "reference")
    sessions = json.loads((out / "manifest.json").read_text())["sessions"]
    assert len(sessions) == 4 and sessions[3]["ended"] and sessions[3]["skipped"] > 0
    assert not any(s["ended"] for s in sessions[:3])


def _dask(*args: str, log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen([str(Path(sys.executable).with_name("dask")), *args], cwd=ROOT,
                                stdout=out, stderr=subprocess.STDOUT)


@pytest.mark.slow
def test_dask_cluster_survives_a_killed_worker(write_spec: Callable[..., Path],
                                               tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    path, out = write_spec(CRASH), tmp_path / "out"
    run_experiment(path, tmp_path / "reference", workers=0, quiet=True)
    scheduler_file = tmp_path / "scheduler.json"
    started: list[subprocess.Popen] = []
    with _stopping(started, []):
        started.append(_dask("scheduler", "--host", "127.0.0.1", "--port", "0",
                             "--no-dashboard", "--scheduler-file", str(scheduler_file),
                             log=tmp_path / "scheduler.log"))
        _wait_for(scheduler_file.exists, 60, "the Dask scheduler")
        address = json.loads(scheduler_file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        workers = [
            _dask("worker", "--scheduler-file", str(scheduler_file), "--host", "127.0.0.1",
                  "--nthreads", "1", "--no-nanny", "--no-dashboard", "--name", f"w{i}",
                  "--death-timeout", "60", log=tmp_path / f"worker{i}.log")
            for i in (1, 2)
        ]
        started.extend(workers)
        _wait_for(lambda: (tmp_path / "worker1.log").read_text().count("Registered to") > 0
                  and (tmp_path / "worker2.log").read_text().count("Registered to") > 0,
                  60, "two Dask workers to register")
        log = tmp_path / "sweep.log"
        sweep = _child("dask", str(path), str(out), address, "--slow", "0.15", log=log)
        started.append(sweep)
        _wait_for(lambda: _committed(out) >= 2, 120, "the sweep to store its first results")
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(timeout=30)
        killed_at = _committed(out)
        assert sweep.wait(timeout=180) == 0, log.read_text()
        assert killed_at < 16, "the worker should be killed mid-sweep"
    scheduler_log = (tmp_path / "scheduler.log").read_text()
    assert "name: w1" in scheduler_log.split("Remove worker", 1)[1].split("Remove client")[0]
    runs, _ = load(out)
    assert len(runs) == 32 and (runs["status"] == "done").all()
    _assert_same(out, tmp_path / "reference")
    assert all(p.poll() is not None for p in started)


@pytest.mark.slow
def test_ctrl_c_stores_what_finished_and_stops_the_workers(write_spec: Callable[..., Path],
                                                         tmp_path: Path) -> None:
    path, out, log = write_spec(CRASH), tmp_path / "out", tmp_path / "sweep.log"
    # Each run a second longer: 32 runs take ~16 s on 2 workers and a chunk commits every 2
    # runs, so the interrupt lands mid-sweep however fast the model is.
    command = [sys.executable, "-m", "tests.experiments.children", "cli", "1.0", "sweep",
               str(path), "--out", str(out), "--workers", "2"]
    with open(log, "wb") as sink:
        # SIGINT at its default in the child, as in a terminal: a suite started in the
        # background (nohup, `&`) inherits an ignored SIGINT, and Python then never sees Ctrl+C.
        sweep = subprocess.Popen(command, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT,
                                 preexec_fn=_default_sigint)
    workers: list[int] = []
    with _stopping([sweep], workers):
        _wait_for(lambda: len(psutil.Process(sweep.pid).children()) == 2, 60,
                  "the pool workers to start")
        workers.extend(c.pid for c in psutil.Process(sweep.pid).children())
        _wait_for(lambda: _committed(out) >= 2, 60, "the sweep to store its first runs")
        sweep.send_signal(signal.SIGINT)
        assert sweep.wait(timeout=60) == 130, log.read_text()
        assert "alignsim sweep: interrupted" in log.read_text()
        _wait_for(lambda: all(_gone(pid) for pid in workers), 10, "the workers to stop")
    assert not leftovers(out)
    stored = len(load(out)[0])
    assert 4 <= stored < 32, "the interrupt should land mid-sweep"
    assert json.loads((out / "manifest.json").read_text())["sessions"][0]["ended"]
    summary = run_experiment(path, out, workers=2, quiet=True)
    assert (summary.skipped, summary.done) == (stored, 32 - stored)
    runs, weekly = load(out)
    assert len(runs) == 32 and runs["run_id"].is_unique and weekly["run_id"].nunique() == 32
