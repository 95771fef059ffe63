"""docs/validation.md cannot drift from the model: its generated part names the fingerprints of
the model that made it (checked here in seconds, since remaking it takes minutes), shows the
documented commands and every fact, and the generator works (a smoke run on a few seeds)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "validation.md"
SCRIPT = ROOT / "docs" / "make_validation.py"
FIX = ("remake it with `.venv/bin/python docs/make_validation.py --write` (minutes) and review "
       "the prose about failing facts")


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_validation", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _table_rows(part: str, heading: str) -> list[list[str]]:
    """The rows of the first table after `heading` in the generated part."""
    text = part.split(heading, 1)[1]
    rows = []
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith("| Fact |"):
            rows.append([c.strip() for c in line.strip("|").split(" | ")])
        elif rows:
            break
    return rows


def test_the_part_was_made_by_a_model_that_behaves_as_this_one(script: ModuleType,
                                                                 doc: str) -> None:
    made = script.marker(doc)
    assert made is not None, f"docs/validation.md has no generated fact table: {FIX}"
    code, behaviour = made
    if code == script.code_fingerprint():
        return  # the same code made it
    assert behaviour == script.behaviour_fingerprint(), (
        f"docs/validation.md's fact tables were made by a model that behaves differently: {FIX}")


def test_the_part_shows_the_documented_commands_and_every_fact(script: ModuleType,
                                                               doc: str) -> None:
    part = script.block(doc)
    assert "\n    alignsim validate --seeds 20 --seed-base 1\n" in part, FIX
    assert "\n    alignsim validate --seeds 8 --seed-base 1 --perturb 10\n" in part, FIX
    for heading in ("### At the defaults", "### Across perturbed assumption parameters"):
        rows = _table_rows(part, heading)
        assert [int(r[0]) for r in rows] == list(range(1, 13)), heading
        assert {r[1] for r in rows} <= {"holds", "fails", "inconclusive", "untestable"}
    assert all(re.fullmatch(r"\d+/10 \(\d+%\)", r[3])
               for r in _table_rows(part, "### Across perturbed"))


@pytest.mark.slow
def test_the_generator_rewrites_only_its_part_from_the_runs(
        script: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Running every arm for the behaviour fingerprint takes long; its value is not the point.
    monkeypatch.setattr(script, "behaviour_fingerprint", lambda: "0" * 16)
    doc = tmp_path / "validation.md"
    doc.write_text(f"# Title\n\nprose before\n\n{script.START}\nstale\n{script.END}\n\n"
                   "prose after\n", encoding="utf-8")
    assert script.main(["--write", "--doc", str(doc), "--results", str(tmp_path),
                        "--seeds", "2", "--perturb", "1", "--perturb-seeds", "2",
                        "--weeks", "30", "--facts", "7", "--workers", "0"]) == 0
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# Title\n\nprose before\n\n") and text.endswith("\n\nprose after\n")
    part = script.block(text)
    assert "stale" not in part
    assert script.marker(text) == (script.code_fingerprint(), "0" * 16)
    assert "\n    alignsim validate --facts 7 --seeds 2 --seed-base 1 --weeks 30\n" in part
    facts = pd.read_csv(tmp_path / "results" / "validate-1" / "facts.csv")
    row = _table_rows(part, "### At the defaults")[0]
    assert row[:3] == ["7", facts.loc[0, "verdict"],
                       f"{facts.loc[0, 'claims_held']}/{facts.loc[0, 'claims_total']}"]
    perturbed = pd.read_csv(tmp_path / "results" / "validate-1-perturb1" / "facts.csv")
    assert _table_rows(part, "### Across perturbed")[0][3].startswith(
        f"{perturbed.loc[0, 'sets_holds']}/1 ")
