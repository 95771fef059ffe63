"""The `alignsim` command: a thin face that parses, validates and calls the Python API.

Each subcommand lives in `experiments/commands/<name>.py` and exposes
``register(subparsers) -> None``, which adds its parser and sets ``handler`` (a function of the
parsed args returning an exit code). Input errors are `UsageError`s (or `ParamError`s): one line
on stderr, exit code 2, no traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from experiments.errors import UsageError
from sim.params import ParamError

COMMAND_MODULES = ("run", "compare", "presets", "sweep", "runs", "report", "app")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alignsim",
        description="Agent-based simulator of sales-marketing alignment under governance rules.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"experiments.commands.{name}").register(sub)
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


if __name__ == "__main__":
    # Run as `python -m experiments.cli`, this file is loaded as __main__ and again as
    # experiments.cli by the commands; call the imported one so its UsageError is the one caught.
    from experiments.cli import main as _main
    sys.exit(_main())
