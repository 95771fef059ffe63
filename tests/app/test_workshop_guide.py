"""The facilitator's guide's commands still run, so the guide cannot drift from the code."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from experiments.cli import build_parser, main

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "workshop.md"
COMMAND = re.compile(r"(?:^|`|\.venv/bin/)(alignsim (?:app|run|compare)[^`#\n]*)", re.M)


def commands() -> list[list[str]]:
    found = [shlex.split(m.group(1))[1:] for m in COMMAND.finditer(GUIDE.read_text())]
    assert len(found) >= 10, "the guide's commands were not found"
    return found


@pytest.mark.parametrize("argv", commands(), ids=" ".join)
def test_guide_command_runs(argv: list[str], tmp_path: Path) -> None:
    args = build_parser().parse_args(argv)
    if args.command == "app":
        return  # starts a server: the browser test runs it
    small = list(argv)
    if "--weeks" in small:
        small[small.index("--weeks") + 1] = "30"
    if "--replicates" in small:
        small[small.index("--replicates") + 1] = "1"
    assert main([*small, "--out", str(tmp_path / "out"), "--no-chart", "--quiet"]) == 0
