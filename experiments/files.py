"""Writing results so that a reader never finds them half-written, and nobody's work is replaced.

Two ways, one per kind of output:

- a whole folder (the outputs of `alignsim run`/`compare`, a report) is written into a temporary
  folder beside its destination and renamed into place only when complete (`staged_folder`),
  and a folder alignsim did not write is never replaced (`check_destination`);
- a file of the results store is written under a temporary dot-name, synced and renamed
  (`write_atomic`), so a crash leaves either the whole file or a leftover the store removes.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from experiments.errors import UsageError


def check_destination(out: Path, marker: str, refusal: str) -> None:
    """Refuse `out` unless it is missing, empty, or holds `marker` (a file alignsim writes into
    every folder of this kind): any other folder may hold someone's work. `refusal` ends the
    message: ``--out OUT: exists and <refusal>``."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir())
                                              and not (out / marker).exists())):
        raise UsageError(f"--out {out}: exists and {refusal}")


@contextlib.contextmanager
def staged_folder(out: Path) -> Iterator[Path]:
    """A temporary folder beside `out` to write into. When the block ends normally it replaces
    `out` (which `check_destination` has allowed); if the block fails it is removed."""
    out.parent.mkdir(parents=True, exist_ok=True)
    # Beside the destination, so the final rename stays on one file system.
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        yield staging
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


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
    """Write via `write(file)` to a temporary dot-name, sync, and rename into place."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as f:
        write(f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def write_json(path: Path, data: Any) -> None:
    write_atomic(path, lambda f: f.write(json.dumps(data, indent=2, default=str).encode()))
