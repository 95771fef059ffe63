"""The `alignsim` command: a thin face that parses, validates and calls the Python API.

The top floor: it may import everything below and nothing imports it. Each subcommand is a
module of this package that exposes ``register(subparsers) -> None``, which adds its parser and
sets ``handler`` (a function of the parsed args returning an exit code). Input errors are
`UsageError`s (or `ParamError`s): one line on stderr, exit code 2, no traceback; how every
other failure ends (a full disk, a closed pipe, Ctrl+C) is `experiments.cli.failures`.
"""

from __future__ import annotations

import argparse

from experiments.cli import (
    app,
    calibrate,
    compare,
    plan,
    presets,
    report,
    run,
    runs,
    sweep,
    validate,
)
from experiments.cli.failures import OneLineParser, guarded, pipe_closed

COMMANDS = (run, compare, presets, plan, sweep, runs, report, validate, calibrate, app)
"""In the order `alignsim --help` lists them."""


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="alignsim",
        description="Agent-based simulator of sales-marketing alignment under governance rules.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except BrokenPipeError:  # `alignsim --help | head -1`
        return pipe_closed()
    return guarded(args.command, lambda: args.handler(args))

