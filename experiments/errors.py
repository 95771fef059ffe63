"""The errors of batch work, in one module that every floor may import (it imports nothing).

`UsageError` is bad input from a person (an option, a file, a folder): the command line prints
its message as one line and exits with code 2. A `sim.params.ParamError` (a parameter that is
unknown, of the wrong type or out of range) is reported the same way.
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


class SweepAborted(RuntimeError):
    """The sweep could not go on (e.g. worker processes kept dying); stored runs are kept."""
