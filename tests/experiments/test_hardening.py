"""Issue 13's cases, each tried as a user would (tests/experiments/hardening_cases.py): every
one ends in one clear line or works, no traceback, no run lost; and docs/experiments.md quotes
the table these runs print."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.experiments import hardening_cases as cases

ROOT = Path(__file__).resolve().parents[2]
NAMES = [name for _, name, _ in cases.CASES]


@pytest.fixture(scope="module")
def results() -> dict[str, cases.Tally]:
    return cases.run_all()


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_case(name: str, results: dict[str, cases.Tally]) -> None:
    tally = results[name]
    if tally.skipped:
        pytest.skip(tally.skipped)
    assert tally.commands > 0
    assert tally.problems == []
    assert (tally.clean, tally.tracebacks, tally.lost) == (tally.commands, 0, 0)


@pytest.mark.slow
def test_the_docs_quote_the_table(results: dict[str, cases.Tally]) -> None:
    if any(t.skipped for t in results.values()):
        pytest.skip("some cases cannot be tried here (not root), so the counts differ")
    docs = (ROOT / "docs" / "experiments.md").read_text(encoding="utf-8")
    assert cases.table(results) in docs


def test_every_numbered_item_of_the_issue_has_a_case() -> None:
    named = " ".join(NAMES)
    for item in range(1, 8):
        assert f"item {item}" in named
