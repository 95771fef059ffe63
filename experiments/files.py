"""Writing results so that a reader never finds them half-written, and nobody's work is replaced.

Two ways, one per kind of output:

- a whole folder (the outputs of `alignsim run`/`compare`, a report) is written into a temporary
  folder beside its destination and renamed into place only when complete (`staged_folder`),
  and a folder alignsim did not write is never replaced (`check_destination`);
- a file of the results store is written under a temporary dot-name, synced and renamed
  (`write_atomic`), so a crash leaves either the whole file or a leftover the store removes; a
  write that fails (a full disk) removes its temporary file itself.

Also here: the words for what the machine refused (`os_problem`), and reading a person's text
file as UTF-8 (`read_utf8`), so every command says these things the same way.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from experiments.errors import UsageError

_WORDS = {
    errno.ENOSPC: "no space left on the disk: free some space",
    errno.EDQUOT: "disk quota exceeded: free some space",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
}
REFUSED = (errno.EROFS, errno.EACCES, errno.EPERM)
"""Errors that mean "not here": the user chooses another place (exit 2), not the machine's
trouble of the moment (a full disk, exit 1)."""


def os_words(err: OSError) -> str:
    """Why the machine refused, in a few words and, where there is one, what to do."""
    words = _WORDS.get(err.errno or 0) or err.strerror or str(err) or type(err).__name__
    return words.replace("\n", " ")


def os_problem(err: OSError) -> str:
    """What the machine refused, in one line: the file and `os_words`."""
    return f"{err.filename}: {os_words(err)}" if err.filename else os_words(err)


def read_utf8(path: Path) -> str:
    """A person's text file (an experiment file) as text: UTF-8, a leading byte-order mark
    dropped (Windows editors write one), every failure a one-line `UsageError`."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise UsageError(f"file {path}: cannot be read: {err.strerror or err}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise UsageError(f"file {path}: not UTF-8 text (byte 0x{data[err.start]:02x} at "
                         f"position {err.start}); save it as UTF-8 text") from None


def _nearest_existing(path: Path) -> Path:
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_writable(folder: Path, option: str = "--out", shown: Path | None = None) -> None:
    """Refuse a `folder` that cannot be created or written (a read-only disk, no permission)
    before any work is done, as `option` `shown` (default: the folder itself)."""
    out = shown or folder
    base = _nearest_existing(folder)
    if not base.is_dir():
        raise UsageError(f"{option} {out}: {base} is a file, not a folder")
    if os.access(base, os.W_OK | os.X_OK):
        return
    readonly = hasattr(os, "statvfs") and os.statvfs(base).f_flag & os.ST_RDONLY
    why = "the file system is read-only" if readonly else "permission denied"
    raise UsageError(f"{option} {out}: cannot write there ({why} at {base}); "
                     f"choose another {option}")


def check_destination(out: Path, marker: str, refusal: str) -> None:
    """Refuse `out` unless it is missing, empty, or holds `marker` (a file alignsim writes into
    every folder of this kind): any other folder may hold someone's work. `refusal` ends the
    message: ``--out OUT: exists and <refusal>``. Refuse also a place that cannot be written."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir())
                                              and not (out / marker).exists())):
        raise UsageError(f"--out {out}: exists and {refusal}")
    # The staging folder is made beside `out`, so it is the parent that must be writable.
    check_writable(out.parent, shown=out)


@contextlib.contextmanager
def staged_folder(out: Path) -> Iterator[Path]:
    """A temporary folder beside `out` to write into. When the block ends normally it replaces
    `out` (which `check_destination` has allowed); if the block fails it is removed."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        # Beside the destination, so the final rename stays on one file system.
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
        # mkdtemp makes a private folder (0700); the result is shared like any folder the user
        # makes (a report goes to a client), so it takes the user's umask instead.
        staging.chmod(0o777 & ~_umask())
    except OSError as err:
        if err.errno in REFUSED:
            raise UsageError(f"--out {out}: cannot write there ({os_problem(err)})") from None
        raise
    try:
        yield staging
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def fsync_dir(path: Path) -> None:
    """Make a rename inside `path` durable."""
    if os.name != "posix":  # Windows cannot open a folder to sync it
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, write: Callable[[BinaryIO], Any]) -> None:
    """Write via `write(file)` to a temporary dot-name, sync, and rename into place. A write
    that fails (a full disk) removes the temporary file before the error goes on."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def write_json(path: Path, data: Any) -> None:
    write_atomic(path, lambda f: f.write(json.dumps(data, indent=2, default=str).encode()))
