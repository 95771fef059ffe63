"""docs/experiments.md is run, so it cannot drift from the code: its example file, commands,
Python snippet, error message and table of ready files."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from experiments.cli import main
from experiments.design import arms, n_runs
from experiments.spec import load_spec
from experiments.store import load_network

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "experiments.md").read_text(encoding="utf-8")


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", DOC, flags=re.S)


@pytest.mark.slow
def test_example_file_commands_and_python_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    Path("owner_by_cadence.toml").write_text(_blocks("toml")[0], encoding="utf-8")
    commands = [line[2:] for line in _blocks("console")[0].splitlines() if line.startswith("$ ")]
    assert [c.split()[:2] for c in commands] == [["alignsim", "plan"], ["alignsim", "sweep"],
                                                 ["alignsim", "runs"]]
    for command in commands:
        assert main(shlex.split(command)[1:]) == 0
    out = capsys.readouterr().out
    assert "the file is valid (this check writes nothing)" in out
    assert "runs planned 12, done 12" in out
    assert set(load_network("results/owner_by_cadence")["week"]) == {15, 30}
    namespace: dict[str, object] = {}
    exec(_blocks("python")[0], namespace)
    runs, weekly = namespace["runs"], namespace["weekly"]
    assert namespace["summary"].skipped == 12  # type: ignore[attr-defined]
    assert len(runs) == 12 and set(weekly.columns) == {"run_id", "week", "mqls",  # type: ignore[attr-defined]
                                                       "revenue_usd"}


def test_documented_error_is_the_real_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    shown = next(b for b in _blocks("console") if "error:" in b).splitlines()
    monkeypatch.chdir(tmp_path)
    Path("bad.toml").write_text("[factors]\ngovernance.cadence_weeks = [4, 60]\n")
    assert main(shlex.split(shown[0][2:])[1:]) == 2
    assert capsys.readouterr().err.strip() == shown[1]


def test_table_of_ready_files_matches_them() -> None:
    rows = re.findall(r"^\| `(\w+)\.toml` \| .* \| (\d+) x (\d+) = (\d+) \|$", DOC, flags=re.M)
    assert len(rows) == len(list((ROOT / "experiments" / "specs").glob("*.toml"))) == 6
    for name, n_arms, replicates, total in rows:
        spec = load_spec(ROOT / "experiments" / "specs" / f"{name}.toml")
        assert (len(arms(spec)), spec.replicates, n_runs(spec)) == (
            int(n_arms), int(replicates), int(total))


@pytest.mark.slow
def test_the_pre_run_check_prints_what_the_docs_show(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    block = next(b for b in _blocks("console") if b.startswith("$ alignsim plan experiments/"))
    command, *shown = block.splitlines()
    spec = shlex.split(command[2:])[2]
    (tmp_path / spec).parent.mkdir(parents=True)
    (tmp_path / spec).write_text((ROOT / spec).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # no results folder of an earlier sweep here
    assert main([*shlex.split(command[2:])[1:], "--workers", "2"]) == 0
    printed = capsys.readouterr().out.splitlines()
    keys = [line.split()[0] for line in shown[1:] if line.startswith("  ") and line[2] != " "]
    assert keys == [line.split()[0] for line in printed[1:]
                    if line.startswith("  ") and line[2] != " "]
    for line in shown[:6]:  # what the file decides, as opposed to what was measured
        assert line in printed


def test_the_documented_commands_parse() -> None:
    from experiments.cli import build_parser

    lines = [line.strip() for block in _blocks("console") for line in block.splitlines()
             if line.strip().startswith(("alignsim ", "$ alignsim "))]
    assert any(" --from " in line for line in lines) and any("--check" in line for line in lines)
    for line in lines:
        words = shlex.split(line.removeprefix("$ "), comments=True)
        if any(w.startswith("[") or w.isupper() for w in words[1:]):
            continue  # a synopsis (`alignsim sweep FILE [--out DIR] ...`), not a command
        assert callable(build_parser().parse_args(words[1:]).handler), line


def test_named_arms_example_sweeps_and_reports(tmp_path: Path) -> None:
    example = next(b for b in _blocks("toml") if "[arms." in b)
    (tmp_path / "arms.toml").write_text(example, encoding="utf-8")
    spec = load_spec(tmp_path / "arms.toml")
    assert [a.label for a in arms(spec)] == ["marketing_led", "marketing_led_pool",
                                             "joint_pool_monthly"]
    assert arms(spec)[0].values["governance.budget_structure"] == "separate"
    store = tmp_path / "store"
    assert main(["sweep", str(tmp_path / "arms.toml"), "--out", str(store), "--quiet",
                 "--workers", "0"]) == 0
    assert main(["report", str(store), "--baseline", "marketing_led", "--quiet"]) == 0
    page = (store / "report" / "report.md").read_text(encoding="utf-8")
    assert "named arms (marketing_led, marketing_led_pool, joint_pool_monthly)" in page
    assert "Differences from" in page


@pytest.mark.slow
def test_validate_section_python_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    block = next(b for b in _blocks("python") if "run_validation" in b)
    namespace: dict[str, object] = {}
    exec(block.replace('seeds=2,', 'seeds=2, workers=0,'), namespace)
    validation = namespace["validation"]
    assert namespace["failed"] == 0
    assert validation.summary["fact"].tolist() == [7, 9]  # type: ignore[attr-defined]
    assert (tmp_path / "results" / "facts-7-9" / "validation.md").is_file()
