"""How every command ends when something goes wrong (experiments.cli.failures): one line and an
exit code, never a traceback, whatever the command; a closed pipe ends quietly."""

from __future__ import annotations

import argparse
import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from experiments.cli import main
from experiments.cli.failures import EXIT_PIPE, guarded

ROOT = Path(__file__).resolve().parents[3]


def raising(err: BaseException) -> int:
    raise err


@pytest.mark.parametrize(("err", "code", "line"), [
    (OSError(errno.ENOSPC, "No space left on device", "/r/x.png"), 1,
     "alignsim report: error: /r/x.png: no space left on the disk: free some space"),
    (PermissionError(errno.EACCES, "Permission denied", "/r"), 1,
     "alignsim report: error: /r: permission denied"),
    (KeyboardInterrupt(), 130, "alignsim report: interrupted"),
])
def test_what_the_machine_refuses_is_one_line(err: BaseException, code: int, line: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert guarded("report", lambda: raising(err)) == code
    assert capsys.readouterr().err == line + "\n"


def test_a_message_with_line_breaks_is_still_one_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    from experiments.errors import UsageError

    assert guarded("run", lambda: raising(UsageError("file a\rb\nc.toml: sets nothing"))) == 2
    assert capsys.readouterr().err == "alignsim run: error: file a b c.toml: sets nothing\n"
    with pytest.raises(SystemExit):
        main(["presets", "--x-a\rb"])  # argparse does not quote unknown options
    assert capsys.readouterr().err.count("\n") == 1


def test_refused_options_are_one_line_not_the_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["sweep", "x.toml", "--workers", "many"])
    assert stop.value.code == 2
    assert capsys.readouterr().err == (
        "alignsim sweep: error: argument --workers: invalid int value: 'many' "
        "(see alignsim sweep --help)\n")


@pytest.mark.parametrize("argv", [["presets"], ["--help"], ["run", "--help"]])
def test_a_closed_pipe_ends_quietly(argv: list[str]) -> None:
    read, write = os.pipe()
    os.close(read)  # `| head` that has read its lines
    try:
        done = subprocess.run([sys.executable, "-m", "experiments.cli", *argv], cwd=ROOT,
                              stdout=write, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write)
    assert done.stderr == ""
    assert done.returncode in ((EXIT_PIPE,) if argv == ["presets"] else (0, EXIT_PIPE))


def test_every_command_ends_through_guarded() -> None:
    from experiments.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in sub.choices.items():
        assert command.get_default("handler") is not None, name
    # a command a colleague adds is guarded by `main`, not by itself
    assert "guarded(args.command" in (ROOT / "experiments" / "cli" / "__init__.py").read_text()
