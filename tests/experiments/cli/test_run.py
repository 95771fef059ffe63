"""`alignsim run`, `compare` and `presets` from the command line: outputs with provenance, and
bad input refused with one line naming field, value and what is allowed (exit 2, no traceback,
nothing written)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[3]


def alignsim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "experiments.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_run_writes_weekly_table_summary_provenance_and_chart(tmp_path: Path) -> None:
    out = tmp_path / "one"
    done = alignsim("run", "--preset", "joint", "--set", "governance.cadence_weeks=4",
                    "--weeks", "30", "--seed", "3", "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    assert "MQL acceptance" in done.stdout and str(out) in done.stdout
    weekly = pd.read_csv(out / "weekly_joint.csv", index_col="week")
    assert len(weekly) == 30 and "revenue_usd" in weekly
    meta = json.loads((out / "run.json").read_text())
    assert meta["seeds"] == [3]
    assert meta["arms"]["joint"]["governance"]["cadence_weeks"] == 4
    assert meta["versions"]["mesa"].startswith("3.")
    assert "alignsim" in meta["versions"] and "numpy" in meta["versions"]
    png = (out / "key_metrics.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_compare_pairs_arms_on_the_same_seeds(tmp_path: Path) -> None:
    out = tmp_path / "pair"
    done = alignsim("compare", "undefined", "aligned", "--weeks", "25", "--replicates", "3",
                    "--out", str(out), "--format", "parquet", "--no-chart", "--quiet")
    assert done.returncode == 0, done.stderr
    assert "aligned - undefined (95% CI)" in done.stdout
    summary = pd.read_csv(out / "summary.csv")
    seeds = summary.groupby("arm").seed.apply(list)
    assert seeds["undefined"] == seeds["aligned"] and len(set(seeds["aligned"])) == 3
    assert len(pd.read_parquet(out / "weekly_aligned.parquet")) == 75


def test_presets_lists_every_preset_with_its_settings() -> None:
    done = alignsim("presets")
    assert done.returncode == 0
    for name in ("undefined", "defined", "aligned", "integrated", "marketing_led", "sales_led",
                 "joint", "finance_led", "cro", "merged"):
        assert f"\n{name}\n" in f"\n{done.stdout}"
    assert "governance.planning_owner = joint" in done.stdout


@pytest.mark.parametrize(("args", "expected"), [
    (["--set", "governance.cadence_weeks=99"], ["governance.cadence_weeks", "99", "[1, 52]"]),
    (["--set", "org.n_reps=many"], ["org.n_reps", "many", "int"]),
    (["--set", "org.n_repz=5"], ["org.n_repz", "5", "unknown field"]),
    (["--set", "orgs.n_reps=5"], ["orgs.n_reps", "unknown group"]),
    (["--set", "governance.planning_owner=ceo"], ["governance.planning_owner", "ceo",
                                                   "one of"]),
    (["--set", "novalue"], ["novalue", "group.field=value"]),
    (["--preset", "anarchy"], ["preset", "anarchy", "undefined"]),
    (["--weeks", "0"], ["--weeks", "0"]),
])
def test_bad_input_is_one_clear_line_exit_2_and_nothing_written(tmp_path: Path, args: list[str],
                                                                expected: list[str]) -> None:
    out = tmp_path / "never"
    done = alignsim("run", *args, "--out", str(out), "--quiet")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    for word in expected:
        assert word in done.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_folder_alignsim_did_not_write_is_not_replaced(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("someone's work")
    done = alignsim("run", "--weeks", "10", "--out", str(tmp_path), "--quiet")
    assert done.returncode == 2 and "not written by alignsim" in done.stderr
    assert (tmp_path / "notes.txt").read_text() == "someone's work"
