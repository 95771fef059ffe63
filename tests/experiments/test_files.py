"""Writing results: a folder appears whole or not at all, and nobody's folder is replaced."""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments.errors import UsageError
from experiments.files import check_destination, staged_folder


def test_a_staged_folder_replaces_an_earlier_one_only_when_complete(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "out"
    with staged_folder(out) as staging:
        (staging / "a.txt").write_text("first")
    assert (out / "a.txt").read_text() == "first"
    with pytest.raises(RuntimeError), staged_folder(out) as staging:
        (staging / "a.txt").write_text("second")
        raise RuntimeError("stopped halfway")
    assert (out / "a.txt").read_text() == "first"
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]  # no staging left behind


def test_only_missing_empty_or_marked_folders_are_allowed(tmp_path: Path) -> None:
    check_destination(tmp_path / "missing", "MARK", "is not ours")
    check_destination(tmp_path, "MARK", "is not ours")
    (tmp_path / "MARK").write_text("")
    (tmp_path / "result.csv").write_text("")
    check_destination(tmp_path, "MARK", "is not ours")
    (tmp_path / "MARK").unlink()
    with pytest.raises(UsageError, match=r"exists and is not ours$"):
        check_destination(tmp_path, "MARK", "is not ours")
