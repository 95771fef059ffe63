"""How every command ends when something goes wrong: one line on stderr and an exit code, never
a traceback, whatever the command.

- bad input (`UsageError`, `ParamError`, a damaged store file, an option argparse refuses):
  ``alignsim COMMAND: error: ...``, exit code 2;
- what the machine refused (`OSError`: a full disk, a read-only folder, no permission): the
  file and the reason, exit code 1;
- the reader of the output went away (``alignsim runs DIR | head``): nothing more is printed,
  exit code 141, as for any command a closed pipe stops;
- Ctrl+C: ``alignsim COMMAND: interrupted``, exit code 130.

Every command runs through `guarded`, so a new command gets all of this by being registered.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable
from typing import NoReturn

from experiments.errors import UsageError
from experiments.files import os_problem
from sim.params import ParamError

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_PIPE = 141
"""128 + SIGPIPE: what a shell shows for any program a closed pipe stopped."""


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose refusals are one line (argparse prints the usage first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {one_line(message)} "
                              f"(see {self.prog} --help)\n")


def one_line(text: object) -> str:
    """Any line break (a user's text may hold a carriage return) becomes a space."""
    return " ".join(str(text).splitlines()).strip()


def say(text: str) -> None:
    """One line on stderr, even if stderr is gone too."""
    with contextlib.suppress(OSError):
        print(one_line(text), file=sys.stderr, flush=True)


def guarded(command: str, call: Callable[[], int]) -> int:
    """Run a command's handler; whatever goes wrong ends as one line and an exit code."""
    try:
        code = int(call())
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
        return code
    except (UsageError, ParamError) as err:
        say(f"alignsim {command}: error: {err}")
        return EXIT_USAGE
    except BrokenPipeError:
        return pipe_closed()
    except OSError as err:
        say(f"alignsim {command}: error: {os_problem(err)}")
        return EXIT_FAILED
    except KeyboardInterrupt:
        say(f"alignsim {command}: interrupted")
        return EXIT_INTERRUPTED


def pipe_closed() -> int:
    """The reader of stdout went away: what is still buffered for it goes nowhere (so exiting
    raises nothing more), and the exit code says so."""
    if sys.stdout is not sys.__stdout__ or sys.stdout is None:
        return EXIT_PIPE  # not the process's own stdout (a test captures it)
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    return EXIT_PIPE
