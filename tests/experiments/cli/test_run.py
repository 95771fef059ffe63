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

from experiments.store import load

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
    assert "Paired differences from undefined (95% bootstrap interval over 3 replicates" \
        in done.stdout
    assert "aligned - undefined" in done.stdout
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
    (["--set", "org.n_reps=many"], ["org.n_reps", "many", "an integer in [1, "]),
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
    assert "a int" not in done.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_folder_alignsim_did_not_write_is_not_replaced(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("someone's work")
    done = alignsim("run", "--weeks", "10", "--out", str(tmp_path), "--quiet")
    assert done.returncode == 2 and "not written by alignsim" in done.stderr
    assert (tmp_path / "notes.txt").read_text() == "someone's work"


def test_compare_of_three_arms_gives_paired_differences_from_the_baseline(tmp_path: Path
                                                                         ) -> None:
    out = tmp_path / "three"
    done = alignsim("compare", "undefined", "aligned", "integrated", "--baseline", "aligned",
                    "--weeks", "20", "--replicates", "3", "--out", str(out), "--no-chart",
                    "--quiet")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "Paired differences from aligned" in text
    assert "undefined - aligned" in text and "integrated - aligned" in text
    revenue = next(line for line in text.splitlines()[text.splitlines().index(
        next(x for x in text.splitlines() if x.startswith("Paired"))):]
        if line.startswith("Revenue "))
    assert revenue.count("/wk [") == 2  # a difference with its interval for each arm
    # The table's numbers are the ones written to paired.csv.
    paired = pd.read_csv(out / "paired.csv")
    assert set(paired["baseline"]) == {"aligned"}
    assert "warning: Too few replicates: 3 per arm" in text
    assert "Summary over weeks 3-20: the first 2 weeks are burn-in" in text


def test_a_52_week_run_says_it_leaves_out_26_weeks_of_burn_in(tmp_path: Path) -> None:
    done = alignsim("run", "--weeks", "52", "--out", str(tmp_path / "r"), "--no-chart",
                    "--quiet")
    assert done.returncode == 0, done.stderr
    assert ("Summary over weeks 27-52: the first 26 weeks are burn-in and left out "
            "(--set burn_in_weeks=N to change)") in done.stdout
    assert "Hoarded MQLs (mean): MQLs a rep holds without working them" in done.stdout


def test_the_chart_shows_the_mean_over_replicates_and_the_table_s_numbers() -> None:
    import numpy as np
    from matplotlib.collections import LineCollection

    from experiments import analysis
    from experiments.report.run_outputs import Summary, key_chart, looks
    from experiments.single import build_params, compare

    params = {p: build_params(p, {}, 16) for p in ("undefined", "aligned")}
    summary = Summary(compare(params, seed=3, replicates=3))
    fig = key_chart(summary, burn_in_weeks=2, source="test")
    revenue = fig.axes[0]
    look = looks(summary.comparison)
    bands = analysis.weekly_bands(summary.runs, summary.weekly, "revenue_usd", n_boot=1000)
    for arm in ("undefined", "aligned"):
        line = next(ln for ln in revenue.get_lines() if ln.get_label() == look[arm].name)
        expected = bands[bands["arm"] == arm]["mean"].to_numpy()
        assert np.allclose(line.get_ydata(), expected)  # the mean over replicates
        # The dotted line is the summary the table prints.
        dotted = [c for c in revenue.collections if isinstance(c, LineCollection)
                  and np.allclose(c.get_colors()[0][:3], _rgb(look[arm].colour))]
        assert dotted and np.isclose(dotted[0].get_segments()[0][0][1],
                                     summary.mean(arm, "revenue_usd_per_week"))
    paired = summary.paired.set_index(["arm", "metric"]).loc[("aligned",
                                                               "revenue_usd_per_week")]
    from experiments.report.style import format_value

    above = " ".join(t.get_text() for t in revenue.texts)
    assert format_value("revenue_usd_per_week", paired["difference"], signed=True) in above
    assert "replicate 1" not in fig.texts[-1].get_text()


def _rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def test_a_stored_run_runs_again_alone_bit_for_bit(small_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "again"
    done = alignsim("run", "--from", str(small_store), "a00001-r0002", "--out", str(out),
                    "--quiet")
    assert done.returncode == 0, done.stderr
    assert "It matches the stored weekly table and summary bit for bit." in done.stdout
    stored = load(small_store)[1]
    stored = stored[stored["run_id"] == "a00001-r0002"].drop(columns="run_id")
    again = pd.read_csv(out / "weekly_a00001-r0002.csv")
    assert again["revenue_usd"].tolist() == stored["revenue_usd"].tolist()
    meta = json.loads((out / "run.json").read_text())
    assert meta["rerun_of"]["run_id"] == "a00001-r0002" and meta["rerun_of"]["matches_store"]
    assert (out / "key_metrics.png").is_file()
    bad = alignsim("run", "--from", str(small_store), "a09999-r0000", "--out",
                   str(tmp_path / "no"))
    assert bad.returncode == 2 and "not a run of this experiment" in bad.stderr
    both = alignsim("run", "--from", str(small_store), "a00000-r0000", "--preset", "joint",
                    "--out", str(tmp_path / "no"))
    assert both.returncode == 2 and "drop --preset" in both.stderr
    assert not (tmp_path / "no").exists()


def test_a_rerun_says_when_the_code_or_the_numbers_differ(small_store: Path, tmp_path: Path
                                                          ) -> None:
    import shutil

    from experiments.single import rerun

    folder = tmp_path / "store"
    shutil.copytree(small_store, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["versions"]["alignsim"] = "0.0.1"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    again = rerun(folder, "a00000-r0001")
    assert again.matches
    assert any(d.startswith("alignsim 0.0.1 then") for d in again.code_differences())
    # A stored number changed (as a different model would give): the rerun says so.
    import pyarrow.parquet as pq

    for path in sorted((folder / "weekly").glob("chunk-*.parquet")):
        table = pq.read_table(path).to_pandas()
        table.loc[table["run_id"] == "a00000-r0001", "revenue_usd"] += 1.0
        table.to_parquet(path, index=False)
    assert rerun(folder, "a00000-r0001").weekly_matches is False
    done = alignsim("run", "--from", str(folder), "a00000-r0001", "--out",
                    str(tmp_path / "diff"), "--quiet", "--no-chart")
    assert done.returncode == 1
    assert "DIFFERS from the stored run (weekly table)" in done.stderr
    assert "alignsim 0.0.1 then" in done.stderr


@pytest.mark.parametrize("command", ["presets", "app", "plan"])
def test_every_command_has_a_description(command: str) -> None:
    done = alignsim(command, "--help")
    assert done.returncode == 0
    body = done.stdout.split("\n\n")[1]
    assert len(body.split()) > 12 and not body.startswith(("positional", "options"))
