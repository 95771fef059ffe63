"""The errors of batch work, in one module that every floor may import (it imports nothing).

`UsageError` is bad input from a person (an option, a file, a folder): the command line prints
its message as one line and exits with code 2. A `sim.params.ParamError` (a parameter that is
unknown, of the wrong type or out of range) is reported the same way. `StoreDamaged` is a file
of a results store that cannot be read: reported the same way, and its message says how to
repair the store. `SweepAborted` is a sweep that could not go on (workers kept dying, the disk
filled up): one line, exit code 1, and every run stored before it is kept.
"""

from __future__ import annotations


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""


class SpecError(UsageError):
    """An experiment file is invalid; the message names file, key and what is allowed."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source = source
        self.key = key
        super().__init__(f"file {source}: key {key}: {problem}")


class StoreDamaged(UsageError):
    """A file of a results store cannot be read (truncated, overwritten, hand-edited): the
    message names the file, what is wrong and what to do."""

    def __init__(self, path: object, problem: str, remedy: str) -> None:
        self.path = path
        self.problem = problem
        self.remedy = remedy
        super().__init__(f"{path}: damaged ({problem}); {remedy}")


class SweepAborted(RuntimeError):
    """The sweep could not go on (e.g. worker processes kept dying, the disk is full); stored
    runs are kept."""
