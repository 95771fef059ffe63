"""`alignsim sweep` and `alignsim runs`: exit codes, one-line errors that write nothing, resume,
and the status report."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from experiments.cli import main
from experiments.store import load
from tests.experiments.test_spec import BAD


@pytest.mark.parametrize("case", ["unknown field", "unknown preset", "level out of range",
                                  "wrong type", "empty factor"])
def test_bad_file_exit_2_one_line_nothing_written(
        case: str, write_spec: Callable[..., Path], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    text, key, allowed = BAD[case]
    path = write_spec('name = "bad"\n' + text)
    out = tmp_path / "results" / "bad"
    assert main(["sweep", str(path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"alignsim sweep: error: file {path}: key {key}:")
    assert allowed in err
    assert not (tmp_path / "results").exists()


def test_bad_options(write_spec: Callable[..., Path], tmp_path: Path,
                     capsys: pytest.CaptureFixture[str]) -> None:
    path = write_spec()
    assert main(["sweep", str(path), "--workers", "-1"]) == 2
    assert main(["sweep", str(path), "--workers", "2", "--scheduler", "tcp://x:1"]) == 2
    assert main(["sweep", str(tmp_path / "missing.toml")]) == 2
    err = capsys.readouterr().err
    assert "--workers -1" in err and "choose one" in err and "cannot be read" in err
    assert main(["runs", str(tmp_path)]) == 2
    assert "not a results folder" in capsys.readouterr().err


def test_sweep_resume_and_runs(write_spec: Callable[..., Path], tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    path, out = write_spec(), tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "2"]) == 0
    printed = capsys.readouterr().out
    assert "8 done, 0 failed, 0 skipped of 8 runs" in printed and str(out) in printed
    assert "summary covers weeks 6-30: the first 5 weeks are burn-in and left out" in printed
    assert main(["sweep", str(path), "--out", str(out), "--workers", "0"]) == 0
    assert "0 done, 0 failed, 8 skipped" in capsys.readouterr().out
    assert main(["runs", str(out)]) == 0
    report = capsys.readouterr().out
    assert "runs planned 8, done 8, failed 0, remaining 0" in report
    assert "session 2: this process" in report
    assert len(load(out)[0]) == 8


def test_failed_runs_exit_1_and_are_listed(write_spec: Callable[..., Path], tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    import sim
    from tests.experiments.fakes import failing_run

    monkeypatch.setattr(sim, "run", failing_run)  # fails the cadence-2 arms
    out = tmp_path / "out"
    assert main(["sweep", str(write_spec()), "--out", str(out), "--workers", "0",
                 "--quiet"]) == 1
    assert "4 run(s) failed" in capsys.readouterr().err
    assert main(["runs", str(out)]) == 0
    report = capsys.readouterr().out
    assert "done 4, failed 4" in report and "ValueError: cadence 2 is cursed" in report


@pytest.mark.slow
def test_unreachable_scheduler_exit_2_nothing_written(write_spec: Callable[..., Path],
                                                     tmp_path: Path) -> None:
    env = {**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "1s",
           "DASK_SCHEDULER_ADDRESS": "tcp://127.0.0.1:1"}  # nothing listens on port 1
    out = tmp_path / "out"
    alignsim = str(Path(sys.executable).with_name("alignsim"))
    done = subprocess.run([alignsim, "sweep", str(write_spec()),
                           "--out", str(out)], env=env, capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).resolve().parents[3])
    assert done.returncode == 2
    assert done.stderr.startswith("alignsim sweep: error: --scheduler tcp://127.0.0.1:1: "
                                  "cannot reach a Dask scheduler there")
    assert done.stderr.count("\n") == 1 and not out.exists()


def test_plan_checks_a_file_before_it_runs_and_writes_nothing(
        write_spec: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = write_spec()  # 2 presets x 2 cadences x 2 replicates, 30 weeks, small firm
    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    assert main(["plan", str(path), "--workers", "2", "--pilot", "2"]) == 0
    text = capsys.readouterr().out
    assert sorted(tmp_path.rglob("*")) == before  # nothing written
    assert "the file is valid (this check writes nothing)" in text
    assert re.search(r"arms\s+4\n", text) and re.search(r"runs\s+8, into results/small", text)
    assert re.search(r"replicates\s+2 per arm", text)
    assert "the first 5 are burn-in" in text
    assert re.search(r"time\s+about \d+ s on 2 local workers \([0-9.]+ s per run, timed on 4 "
                     r"pilot runs\)", text)
    assert re.search(r"disk\s+about [0-9.]+ [kM]B", text)
    assert "replicates for 95% intervals within ±2%" in text and "Alignment index" in text
    assert "warning      too few replicates: 2 per arm" in text
    # The same check from the sweep command; a bad file is one line and exit code 2.
    assert main(["sweep", str(path), "--check", "--workers", "1", "--pilot", "0"]) == 0
    text = capsys.readouterr().out
    assert "on 1 local worker (" in text and "not estimated" in text
    assert sorted(tmp_path.rglob("*")) == before
    bad = write_spec('name = "bad"\n[factors]\ngovernance.cadence_weeks = [60]\n',
                     name="bad.toml")
    assert main(["plan", str(bad)]) == 2 and main(["sweep", str(bad), "--check"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "key factors.governance.cadence_weeks: 60" in err


def test_plan_counts_the_runs_already_stored(write_spec: Callable[..., Path], tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path, out = write_spec(), tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "0", "--quiet"]) == 0
    assert main(["plan", str(path), "--out", str(out), "--pilot", "0"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert f"8; 8 already in {out}, 0 to run" in text and "nothing left to run" in text


def test_a_sweep_ends_with_the_replicates_its_contrasts_need(
        write_spec: Callable[..., Path], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", str(write_spec()), "--out", str(tmp_path / "o"), "--workers",
                 "0"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "replicates the contrasts with the first arm need for 95% intervals within ±2%" in text
    assert "this sweep has 2." in text
    assert "WARNING: too few replicates for" in text and "verdicts are provisional" in text
