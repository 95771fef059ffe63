"""`alignsim sweep FILE`: run an experiment file into its results store (resumable)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from experiments.errors import SweepAborted, UsageError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sweep", aliases=["experiment"],
        help="run an experiment file (sweep with replicates) into a results folder",
        description="Run every run of an experiment file and store it as it finishes. A rerun "
                    "of the same command resumes: finished runs are skipped. Exit code 0 if "
                    "every run succeeded, 1 if any failed, 2 for a bad file or option.",
    )
    parser.add_argument("file", type=Path, help="experiment file (TOML); see docs/experiments.md")
    parser.add_argument("--params", type=Path, default=None, metavar="FILE",
                        help="run on the firm of this params file instead of the experiment "
                             "file's `params` (presets and overrides apply on top)")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="results folder of this experiment (default: results/<name>, or "
                             "results/<name>-<params file name> with --params)")
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="local worker processes (default: the usable cores; 0 runs in "
                             "this process)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="run on the Dask cluster at ADDRESS, e.g. tcp://10.0.0.5:8786 "
                             "(default: $DASK_SCHEDULER_ADDRESS if set)")
    resume = parser.add_mutually_exclusive_group()
    resume.add_argument("--resume", dest="fresh", action="store_false", default=False,
                        help="skip runs already in the folder (the default)")
    resume.add_argument("--fresh", dest="fresh", action="store_true",
                        help="start over: earlier results in the folder are moved aside")
    parser.add_argument("--retry-failed", action="store_true",
                        help="run again the runs stored as failed")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from experiments.runner import run_experiment
    from experiments.spec import load_spec

    if args.workers is not None and args.workers < 0:
        raise UsageError(f"--workers {args.workers}: allowed: 0 (this process) or more")
    if args.workers is not None and args.scheduler:
        raise UsageError("--workers and --scheduler: choose one (a Dask cluster has its own "
                         "workers)")
    spec = load_spec(args.file, params=args.params)
    out = args.out
    if out is None and args.params is not None:
        out = Path("results") / f"{spec.name}-{args.params.stem}"
    try:
        summary = run_experiment(spec, out, workers=args.workers, scheduler=args.scheduler,
                                 fresh=args.fresh, retry_failed=args.retry_failed,
                                 quiet=args.quiet)
    except SweepAborted as err:
        print(f"alignsim sweep: {err}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"alignsim sweep {spec.name}: {summary}")
    if summary.failed_in_store:
        print(f"alignsim sweep: {summary.failed_in_store} run(s) failed; see their error in "
              f"`alignsim runs {summary.folder}`", file=sys.stderr)
    return summary.exit_code
