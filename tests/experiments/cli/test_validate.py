"""`alignsim validate`: bad input gets one line and exit 2 with nothing written; a smoke run on
a few seeds and weeks writes the tables and the page, prints the fact table, and resumes."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from experiments.analysis import facts as fact_defs
from experiments.analysis.facts import HIGHER, VERDICTS, Arm, Claim, Fact
from experiments.cli import main
from experiments.design import replicate_seeds
from experiments.report.validation import FILES

BAD = {
    "unknown fact": (["--facts", "13"], "--facts 13: no fact 13; facts are 1-12"),
    "not a fact list": (["--facts", "seven"], "--facts seven: not a list of fact numbers"),
    "one seed": (["--seeds", "1"], "--seeds 1: allowed: an integer in [2, 100000]"),
    "negative weeks": (["--weeks", "-4"], "--weeks -4: allowed: an integer in [1, 2080]"),
    "zero weeks": (["--weeks", "0"], "--weeks 0: allowed"),
    "too many weeks": (["--weeks", "3000"], "--weeks 3000: allowed"),
    "negative perturb": (["--perturb", "-1"], "--perturb -1: allowed: an integer in [0, 1000]"),
    "negative seed base": (["--seed-base", "-5"], "--seed-base -5: allowed"),
    "negative workers": (["--workers", "-1"], "--workers -1: allowed"),
    "workers and scheduler": (["--workers", "1", "--scheduler", "tcp://x:1"],
                              "--workers and --scheduler: choose one"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_input_one_line_exit_2_nothing_written(
        case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    args, words = BAD[case]
    monkeypatch.chdir(tmp_path)
    assert main(["validate", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"alignsim validate: error: {words}"), err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_folder_of_other_work_is_refused(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["validate", "--facts", "7", "--seeds", "2", "--out", str(tmp_path)]) == 2
    assert "is not a results folder of alignsim validate" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


@pytest.mark.slow
def test_smoke_writes_the_tables_and_page_and_resumes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "v"
    args = ["validate", "--seeds", "2", "--weeks", "30", "--facts", "7,9", "--out", str(out),
            "--workers", "2", "--quiet"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    lines = printed.splitlines()
    assert lines[0].split()[:4] == ["Fact", "Verdict", "Claims", "Statement"]
    assert lines[1].split()[0] == "7" and lines[2].split()[0] == "9"
    for name in FILES:
        assert (out / name).is_file(), name

    claims = pd.read_csv(out / "claims.csv", keep_default_na=False)
    assert list(claims.columns[:6]) == ["set", "fact", "claim", "text", "kind", "arms"]
    assert len(claims) == len(fact_defs.select([7])[0].claims) + len(
        fact_defs.select([9])[0].claims)
    assert set(claims["verdict"]) <= set(VERDICTS)
    judged = claims[claims["verdict"] != "untestable"]
    assert (judged["n"] == 2).all() and (judged["low"].astype(float)
                                         <= judged["high"].astype(float)).all()
    facts = pd.read_csv(out / "facts.csv")
    assert facts["fact"].tolist() == [7, 9]
    assert set(facts["verdict"]) <= set(VERDICTS)

    provenance = json.loads((out / "validation.json").read_text())
    assert provenance["command"] == ("alignsim validate --facts 7,9 --seeds 2 --seed-base 1 "
                                     "--weeks 30")
    assert provenance["replicate_seeds"] == replicate_seeds(1, 2)
    assert provenance["versions"]["alignsim"]
    page = (out / "index.html").read_text()
    assert "<svg" in page and "http://" not in page and "https://" not in page
    assert "src=" not in page  # nothing to fetch: it opens offline
    assert "| Fact | Verdict | Claims held | Statement |" in (out / "validation.md").read_text()

    assert main(args) == 0  # the same command again: every run is skipped
    sessions = json.loads((out / "manifest.json").read_text())["sessions"]
    assert [s["done"] for s in sessions] == [sessions[0]["done"], 0]
    assert sessions[1]["skipped"] == sessions[0]["done"]
    assert capsys.readouterr().out.splitlines()[:3] == lines[:3]


@pytest.mark.slow
def test_perturbed_sets_give_each_fact_the_share_of_sets_it_holds_in(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "p"
    assert main(["validate", "--seeds", "2", "--weeks", "30", "--facts", "10", "--perturb",
                 "2", "--out", str(out), "--workers", "2", "--quiet"]) == 0
    assert "Perturbed" in capsys.readouterr().out.splitlines()[0]
    claims = pd.read_csv(out / "claims.csv")
    assert sorted(set(claims["set"])) == [0, 1, 2]
    facts = pd.read_csv(out / "facts.csv")
    row = facts.iloc[0]
    assert row["sets"] == 2
    assert row["robustness"] == pytest.approx(row["sets_holds"] / 2)
    assert row["sets_holds"] + row["sets_fails"] + row["sets_inconclusive"] + row[
        "sets_untestable"] == 2
    assert "Holds in perturbed sets (of 2)" in (out / "validation.md").read_text()


@pytest.mark.slow
def test_untestable_arms_and_metrics_are_listed_with_their_reasons(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(fact_defs.ARMS, "ghost", Arm("no_such_preset"))
    fake = Fact(13, "a test fact", (
        Claim("ghost beats undefined", "diff", ("ghost", "undefined"), "closure_rate", HIGHER),
        Claim("aligned beats undefined on a metric nobody reports", "diff",
              ("aligned", "undefined"), "no_such_metric", HIGHER)))
    monkeypatch.setattr(fact_defs, "FACTS", (*fact_defs.FACTS, fake))
    out = tmp_path / "u"
    assert main(["validate", "--facts", "13", "--seeds", "2", "--weeks", "30", "--out",
                 str(out), "--workers", "0", "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "Fact 13, claim 1: arm ghost: preset 'no_such_preset' is not defined" in printed
    assert "Fact 13, claim 2: metric no_such_metric not in the runs" in printed
    assert "## Not tested" in (out / "validation.md").read_text()
    assert pd.read_csv(out / "facts.csv")["verdict"].tolist() == ["untestable"]
