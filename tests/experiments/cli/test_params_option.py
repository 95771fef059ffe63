"""`--params FILE` on run, compare, sweep and report: every command runs on the firm of a params
file, presets and --set apply on top, and a bad file is one line naming file and key (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from experiments.cli import main
from experiments.paramfile import write_params
from experiments.spec import parse_spec
from sim import Params, presets

ROOT = Path(__file__).resolve().parents[3]
FIRM = Params().with_overrides({"org.n_reps": 6, "org.n_marketers": 2, "burn_in_weeks": 4,
                                "governance.cadence_weeks": 4, "governance.sla": "on"})


@pytest.fixture
def firm(tmp_path: Path) -> Path:
    path = tmp_path / "acme.toml"
    write_params(path, FIRM, name="acme")
    return path


def test_run_on_a_firm_keeps_its_governance_unless_a_preset_is_named(
        tmp_path: Path, firm: Path) -> None:
    out = tmp_path / "own"
    assert main(["run", "--params", str(firm), "--weeks", "12", "--out", str(out),
                 "--quiet", "--no-chart"]) == 0
    meta = json.loads((out / "run.json").read_text())
    (arm, params), = meta["arms"].items()
    assert arm == "current" and Params.from_dict(params) == FIRM.with_overrides({"weeks": 12})

    out = tmp_path / "aligned"
    assert main(["run", "--params", str(firm), "--preset", "aligned", "--set", "org.n_reps=7",
                 "--weeks", "12", "--out", str(out), "--quiet", "--no-chart"]) == 0
    params = Params.from_dict(json.loads((out / "run.json").read_text())["arms"]["aligned"])
    assert params.governance == presets.get("aligned").governance
    assert (params.org.n_reps, params.org.n_marketers, params.burn_in_weeks) == (7, 2, 4)


def test_compare_current_governance_with_presets_on_the_firm(tmp_path: Path, firm: Path) -> None:
    out = tmp_path / "cmp"
    assert main(["compare", "current", "integrated", "--params", str(firm), "--weeks", "12",
                 "--replicates", "2", "--out", str(out), "--quiet", "--no-chart"]) == 0
    arms = json.loads((out / "run.json").read_text())["arms"]
    assert arms["current"]["governance"]["cadence_weeks"] == 4
    assert arms["integrated"]["org"]["n_reps"] == 6


def test_sweep_on_a_firm_stores_the_firm_with_the_experiment(
        tmp_path: Path, firm: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("exp.toml").write_text('name = "two"\nweeks = 12\n[factors]\n'
                                'preset = ["current", "undefined"]\n')
    assert main(["sweep", "exp.toml", "--params", str(firm), "--workers", "0", "--quiet"]) == 0
    store = Path("results") / "two-acme"
    spec = parse_spec((store / "spec.toml").read_text(), source="stored")
    assert spec.base == FIRM
    assert main(["report", str(store), "--params", str(firm), "--quiet"]) == 0


def test_report_refuses_a_firm_the_runs_were_not_made_on(
        tmp_path: Path, firm: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "exp.toml").write_text('name = "plain"\nweeks = 12\n[overrides]\n'
                                       'burn_in_weeks = 4\n')
    store = tmp_path / "plain"
    assert main(["sweep", str(tmp_path / "exp.toml"), "--out", str(store), "--workers", "0",
                 "--quiet"]) == 0
    capsys.readouterr()
    assert main(["report", str(store), "--params", str(firm), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"alignsim report: error: --params {firm}: the runs in {store} were "
                          "made on the model's default firm, which differs in org.n_reps")
    assert not (store / "report").exists()


@pytest.mark.parametrize("command", [["run"], ["compare", "undefined", "aligned"],
                                     ["sweep", "SPEC"]])
def test_a_bad_params_file_is_one_line_and_exit_2(tmp_path: Path, command: list[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[org]\nn_reps = 0\n")
    spec = tmp_path / "exp.toml"
    spec.write_text("weeks = 12\n")
    args = [str(spec) if a == "SPEC" else a for a in command]
    done = subprocess.run([sys.executable, "-m", "experiments.cli", *args, "--params", str(bad),
                           "--out", str(tmp_path / "out")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip() == (f"alignsim {command[0]}: error: file {bad}: key org.n_reps: "
                                   "0 is not allowed; allowed: an integer in [1, 2000] people")
    assert not (tmp_path / "out").exists()
