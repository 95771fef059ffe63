"""The `alignsim` command: a thin face that parses, validates and calls the Python API.

The top floor: it may import everything below and nothing imports it. Each subcommand is a
module of this package that exposes ``register(subparsers) -> None``, which adds its parser and
sets ``handler`` (a function of the parsed args returning an exit code). Input errors are
`UsageError`s (or `ParamError`s): one line on stderr, exit code 2, no traceback.
"""

from __future__ import annotations

import argparse
import sys

from experiments.cli import app, compare, presets, report, run, runs, sweep, validate
from experiments.errors import UsageError
from sim.params import ParamError

COMMANDS = (run, compare, presets, sweep, runs, report, validate, app)
"""In the order `alignsim --help` lists them."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alignsim",
        description="Agent-based simulator of sales-marketing alignment under governance rules.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except (UsageError, ParamError) as err:
        print(f"alignsim {args.command}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"alignsim {args.command}: interrupted", file=sys.stderr)
        return 130

