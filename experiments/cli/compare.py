"""`alignsim compare`: presets side by side on the same seeds (common random numbers)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from experiments.errors import UsageError
from experiments.paramfile import load_params, preset_names
from experiments.report.run_outputs import (
    FORMATS,
    check_destination,
    summary_table,
    write_outputs,
)
from experiments.single import build_params, compare, parse_sets, run_arms


def add_params_option(parser: argparse.ArgumentParser) -> None:
    """``--params FILE``: the firm every command runs on (presets and --set apply on top)."""
    parser.add_argument("--params", type=Path, default=None, metavar="FILE",
                        help="run on the firm of this params file (e.g. params.toml from "
                             "`alignsim calibrate`); presets and --set apply on top")


def add_run_options(parser: argparse.ArgumentParser, default_replicates: int) -> None:
    add_params_option(parser)
    parser.add_argument("--set", dest="sets", action="append", default=[],
                        metavar="GROUP.FIELD=VALUE",
                        help="override a parameter, e.g. governance.cadence_weeks=4 (repeatable)")
    parser.add_argument("--weeks", type=int, default=None, help="weeks to simulate (default 182)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--replicates", type=int, default=default_replicates,
                        help=f"replicate seeds per preset (default {default_replicates})")
    parser.add_argument("--out", type=Path, default=None, help="output folder")
    parser.add_argument("--format", default="csv", choices=FORMATS,
                        help="weekly table format (default csv)")
    parser.add_argument("--no-chart", dest="chart", action="store_false",
                        help="skip the PNG chart")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "compare", help="compare presets on the same seeds",
        description="Run presets on the same replicate seeds (common random numbers), print "
                    "their summaries side by side (with two presets, the paired difference and "
                    "its 95% interval) and write tables and a chart.")
    parser.add_argument("presets", nargs="+", metavar="PRESET",
                        help=f"two or more of: {', '.join(preset_names())} (current: the "
                             "governance of the --params file)")
    add_run_options(parser, default_replicates=5)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    out = args.out or Path("results") / (f"compare-{firm_tag(args)}{'-'.join(args.presets)}"
                                         f"-seed{args.seed}")
    return execute(args.presets, args, out)


def firm_tag(args: argparse.Namespace) -> str:
    """``<params file stem>-`` for default output folders of runs on a params file, else ''."""
    return f"{args.params.stem}-" if args.params else ""


def execute(names: list[str], args: argparse.Namespace, out: Path, *,
            seed_itself: bool = False) -> int:
    """Validate everything, run, then write; shared by `run` and `compare`.

    The replicates run on the seeds an experiment file with the same seed and replicates uses;
    with `seed_itself` (`alignsim run`) a single replicate runs on ``--seed`` itself.
    """
    if args.weeks is not None and args.weeks < 1:
        raise UsageError(f"--weeks {args.weeks}: must be at least 1")
    if args.replicates < 1:
        raise UsageError(f"--replicates {args.replicates}: must be at least 1")
    if len(set(names)) != len(names):
        raise UsageError(f"presets {names}: each preset at most once")
    sets = parse_sets(args.sets)
    base = load_params(args.params) if args.params else None
    params = {name: build_params(name, sets, args.weeks, base) for name in names}
    check_destination(out)
    progress = not args.quiet and sys.stderr.isatty()
    if seed_itself and args.replicates == 1:
        result = run_arms(params, [args.seed], progress=progress)
    else:
        result = compare(params, args.seed, args.replicates, progress=progress)
    print(summary_table(result))
    reps = f"{args.replicates} replicate{'s' if args.replicates > 1 else ''}"
    firm = f" on {args.params.name}" if args.params else ""
    source = (f"alignsim {' vs '.join(names)}{firm}; {reps}, base seed {args.seed}; "
              f"chart shows replicate 1")
    files = write_outputs(result, params, out, args.format, args.chart, source)
    print(f"\nwrote {len(files)} files to {out}/: " + ", ".join(f.name for f in files))
    return 0
