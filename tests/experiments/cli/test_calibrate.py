"""`alignsim calibrate` from the command line: the fitted firm loads as a params file and runs,
the summary names every target, a rerun continues rather than repeats, and bad input is one line
with exit code 2 before anything is written."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from experiments.calibration import load_calibration
from experiments.calibration.firm import firm_text
from experiments.cli import main
from experiments.paramfile import load_params
from tests.experiments.calibration.synthetic import SYNTHETIC

SMALL = ["--budget", "4", "--seeds", "1", "--check-top", "1", "--check-seeds", "2",
         "--workers", "0"]


@pytest.fixture
def firm_file(tmp_path: Path) -> Path:
    path = tmp_path / "synthetic.toml"
    path.write_text(firm_text(SYNTHETIC))
    return path


@pytest.mark.slow
def test_calibrate_writes_a_params_file_every_command_can_run_on(
        tmp_path: Path, firm_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "fit"
    assert main(["calibrate", str(firm_file), "--out", str(out), *SMALL]) == 0
    printed = capsys.readouterr().out
    assert "Win rate" in printed and "Logo churn" in printed
    assert f"fitted firm: {out / 'params.toml'}" in printed
    fitted = load_params(out / "params.toml")
    assert fitted == load_calibration(out).params
    assert tomllib.loads((out / "params.toml").read_text())["name"] == "synthetic"
    assert main(["run", "--params", str(out / "params.toml"), "--out", str(tmp_path / "run"),
                 "--quiet", "--no-chart"]) == 0

    # Again: nothing new to run, the same fit.
    before = sorted(p.name for p in (out / "evaluations").iterdir())
    assert main(["calibrate", str(firm_file), "--out", str(out), *SMALL, "--quiet"]) == 0
    assert sorted(p.name for p in (out / "evaluations").iterdir()) == before
    assert load_params(out / "params.toml") == fitted


@pytest.mark.parametrize(("args", "message"), [
    (["--budget", "0"], "--budget 0: allowed: an integer in [1, 1000000]"),
    (["--check-seeds", "0"], "--check-seeds 0: allowed: an integer in [1, 10000]"),
    (["--workers", "-1"], "--workers -1: allowed: 0 (this process) or more"),
    (["--workers", "1", "--scheduler", "tcp://x:1"], "--workers and --scheduler: choose one"),
])
def test_bad_options_are_one_line_and_exit_2(tmp_path: Path, firm_file: Path,
                                             capsys: pytest.CaptureFixture[str],
                                             args: list[str], message: str) -> None:
    out = tmp_path / "fit"
    assert main(["calibrate", str(firm_file), "--out", str(out), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("alignsim calibrate: error: ") and message in err and "\n" not in err
    assert not out.exists()


def test_a_bad_firm_file_is_one_line_and_exit_2(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[targets]\nwin_rate = { value = 0.2, se = -1 }\n')
    assert main(["calibrate", str(bad), "--out", str(tmp_path / "fit")]) == 2
    assert capsys.readouterr().err.strip() == (
        f"alignsim calibrate: error: file {bad}: key targets.win_rate.se: -1 is not allowed; "
        "allowed: a positive number (a standard error)")
    assert not (tmp_path / "fit").exists()
