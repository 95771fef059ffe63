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


def test_a_write_that_fails_leaves_no_temporary_file(tmp_path: Path) -> None:
    import errno

    from experiments.files import write_atomic

    def fill_the_disk(f: object) -> None:
        f.write(b"half")  # type: ignore[attr-defined]
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        write_atomic(tmp_path / "chunk.parquet", fill_the_disk)
    assert list(tmp_path.iterdir()) == []


def test_a_place_that_cannot_be_written_is_refused_before_any_work(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from experiments.files import check_writable

    check_writable(tmp_path / "new" / "deeper")
    # As root a chmod stops nothing, so ask the machine's own answer to say no.
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(UsageError, match=rf"--out {tmp_path}/new/deeper: cannot write there "
                                         rf"\(.+ at {tmp_path}\); choose another --out"):
        check_writable(tmp_path / "new" / "deeper")
    with pytest.raises(UsageError, match="cannot write there"):
        check_destination(tmp_path / "out", "MARK", "is not ours")
    with pytest.raises(UsageError, match="cannot write there"):
        check_destination(tmp_path, "MARK", "is not ours")  # replaced beside: its parent


def test_os_problems_in_words() -> None:
    import errno

    from experiments.files import os_problem

    assert os_problem(OSError(errno.ENOSPC, "x", "/r/a.parquet")) == (
        "/r/a.parquet: no space left on the disk: free some space")
    assert os_problem(OSError(errno.EROFS, "x", "/r")) == "/r: the file system is read-only"
    assert os_problem(OSError(errno.EIO, "Input/output error")) == "Input/output error"
