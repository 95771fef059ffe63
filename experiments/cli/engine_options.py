"""The options that choose where runs execute, shared by every command that runs a sweep
(`sweep`, `validate`, `calibrate`): ``--workers N`` local processes or ``--scheduler ADDRESS``
of a Dask cluster, never both."""

from __future__ import annotations

import argparse

from experiments.errors import UsageError


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="local worker processes (default: the usable cores; 0 runs in "
                             "this process)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="run on the Dask cluster at ADDRESS, e.g. tcp://10.0.0.5:8786 "
                             "(default: $DASK_SCHEDULER_ADDRESS if set)")


def check_engine_options(args: argparse.Namespace) -> None:
    """One line for a negative worker count, or for workers and a cluster at once."""
    if args.workers is not None and args.workers < 0:
        raise UsageError(f"--workers {args.workers}: allowed: 0 (this process) or more")
    if args.workers is not None and args.scheduler:
        raise UsageError("--workers and --scheduler: choose one (a Dask cluster has its own "
                         "workers)")
