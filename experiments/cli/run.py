"""`alignsim run`: one simulation of a preset, a summary table, the weekly table and a chart."""

from __future__ import annotations

import argparse
from pathlib import Path

from experiments.cli.compare import add_run_options, execute, firm_tag
from experiments.paramfile import CURRENT, preset_names


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "run", help="run one simulation and write its weekly table and chart",
        description="Run one simulation of a preset; print a summary, write the weekly table, "
                    "a summary with provenance and a chart of key metrics.")
    parser.add_argument("--preset", default=None, metavar="P",
                        help=f"one of: {', '.join(preset_names())} (default: undefined, or "
                             "current with --params: the params file's own governance)")
    add_run_options(parser, default_replicates=1)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    preset = args.preset or (CURRENT if args.params else "undefined")
    out = args.out or Path("results") / f"run-{firm_tag(args)}{preset}-seed{args.seed}"
    return execute([preset], args, out, seed_itself=True)
