"""`alignsim compare`: presets side by side on the same seeds (common random numbers)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from experiments.errors import UsageError
from experiments.paramfile import load_params, preset_names
from experiments.report.run_outputs import (
    FORMATS,
    Summary,
    check_destination,
    summary_table,
    write_outputs,
)
from experiments.single import Comparison, build_params, compare, parse_sets, run_arms
from sim import Params

DEFAULT_SEED = 1

MAX_REPLICATES = 1000
MAX_SEED = 2**63 - 1
"""The seeds an experiment file allows (numpy's SeedSequence takes no negative seed)."""


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
    parser.add_argument("--weeks", type=int, default=None,
                        help="weeks to simulate (default 182; the first burn_in_weeks, 26 by "
                             "default, are left out of the summary)")
    parser.add_argument("--seed", type=int, default=None,
                        help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--replicates", type=int, default=None,
                        help=f"replicate seeds per preset (default {default_replicates})")
    parser.add_argument("--out", type=Path, default=None, help="output folder")
    parser.add_argument("--format", default="csv", choices=FORMATS,
                        help="weekly table format (default csv)")
    parser.add_argument("--no-chart", dest="chart", action="store_false",
                        help="skip the PNG chart")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(default_replicates=default_replicates)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "compare", help="compare presets on the same seeds",
        description="Run presets on the same replicate seeds (common random numbers), print "
                    "their summaries side by side and every preset's paired difference from "
                    "the first (or --baseline) with its 95%% interval, and write tables and a "
                    "chart of the mean over replicates with 95%% bands.")
    parser.add_argument("presets", nargs="+", metavar="PRESET",
                        help=f"two or more of: {', '.join(preset_names())} (current: the "
                             "governance of the --params file)")
    parser.add_argument("--baseline", default=None, metavar="PRESET",
                        help="preset the others are compared with (default: the first)")
    add_run_options(parser, default_replicates=5)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    if len(args.presets) < 2:
        raise UsageError(f"presets {args.presets}: compare takes two or more presets (one "
                         "preset alone: `alignsim run --preset NAME`)")
    seed = DEFAULT_SEED if args.seed is None else args.seed
    out = args.out or Path("results") / (f"compare-{firm_tag(args)}{'-'.join(args.presets)}"
                                         f"-seed{seed}")
    if args.baseline is not None and args.baseline not in args.presets:
        raise UsageError(f"--baseline {args.baseline}: not one of the presets compared "
                         f"({', '.join(args.presets)})")
    return execute(args.presets, args, out)


def firm_tag(args: argparse.Namespace) -> str:
    """``<params file stem>-`` for default output folders of runs on a params file, else ''."""
    return f"{args.params.stem}-" if getattr(args, "params", None) else ""


def replicates(args: argparse.Namespace) -> int:
    return args.default_replicates if args.replicates is None else args.replicates


def execute(names: list[str], args: argparse.Namespace, out: Path, *,
            seed_itself: bool = False) -> int:
    """Validate everything, run, then write; shared by `run` and `compare`.

    The replicates run on the seeds an experiment file with the same seed and replicates uses;
    with `seed_itself` (`alignsim run`) a single replicate runs on ``--seed`` itself.
    """
    seed, reps = DEFAULT_SEED if args.seed is None else args.seed, replicates(args)
    if args.weeks is not None and args.weeks < 1:
        raise UsageError(f"--weeks {args.weeks}: must be at least 1")
    if not 1 <= reps <= MAX_REPLICATES:
        raise UsageError(f"--replicates {reps}: allowed: 1 to {MAX_REPLICATES} (these "
                         "runs are kept in memory until the end; for more, write an experiment "
                         "file and use `alignsim sweep`, which stores runs as they finish)")
    if not 0 <= seed <= MAX_SEED:
        raise UsageError(f"--seed {seed}: allowed: an integer from 0 to {MAX_SEED}")
    if len(set(names)) != len(names):
        raise UsageError(f"presets {names}: each preset at most once")
    sets = parse_sets(args.sets)
    base = load_params(args.params) if args.params else None
    params = {name: build_params(name, sets, args.weeks, base) for name in names}
    check_destination(out)
    progress = not args.quiet and sys.stderr.isatty()
    if seed_itself and reps == 1:
        result = run_arms(params, [seed], progress=progress)
    else:
        result = compare(params, seed, reps, progress=progress)
    seeds = (f"seed {seed}" if seed_itself and reps == 1 else
             f"{reps} replicate{'s' if reps > 1 else ''}, base seed {seed}")
    firm = f" on {args.params.name}" if args.params else ""
    source = f"alignsim {' vs '.join(names)}{firm}; {seeds}"
    return show_and_write(result, params, args, out, source,
                          baseline=getattr(args, "baseline", None))


def show_and_write(result: Comparison, params: dict[str, Params], args: argparse.Namespace,
                   out: Path, source: str, baseline: str | None = None,
                   extra: dict | None = None) -> int:
    summary = Summary(result, baseline)
    first = next(iter(params.values()))
    print(summary_table(summary, first.burn_in_weeks, first.weeks))
    files = write_outputs(summary, params, out, args.format, args.chart, source, extra)
    print(f"\nwrote {len(files)} files to {out}/: " + ", ".join(f.name for f in files))
    return 0
