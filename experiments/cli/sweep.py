"""`alignsim sweep FILE`: run an experiment file into its results store (resumable)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from experiments.cli.engine_options import add_engine_options, check_engine_options
from experiments.cli.plan import add_plan_options
from experiments.errors import SweepAborted


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
    add_engine_options(parser)
    resume = parser.add_mutually_exclusive_group()
    resume.add_argument("--resume", dest="fresh", action="store_false", default=False,
                        help="skip runs already in the folder (the default)")
    resume.add_argument("--fresh", dest="fresh", action="store_true",
                        help="start over: earlier results in the folder are moved aside")
    parser.add_argument("--retry-failed", action="store_true",
                        help="run again the runs stored as failed")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    parser.add_argument("--check", action="store_true",
                        help="check the file and print runs, time, disk and the replicates "
                             "the precision needs, as `alignsim plan` does; run nothing")
    add_plan_options(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from experiments.runner import run_experiment
    from experiments.spec import load_spec

    check_engine_options(args)
    if args.check:
        from experiments.cli import plan

        return plan.handle(args)
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
        burn_in = spec.base_params().burn_in_weeks
        print(f"each run's summary covers weeks {burn_in + 1}-{spec.weeks}: the first {burn_in} "
              "weeks are burn-in and left out (burn_in_weeks in [overrides] to change)")
        guidance = replication_note(summary.folder, spec, args.precision)
        if guidance:
            print(guidance)
    if summary.failed_in_store:
        print(f"alignsim sweep: {summary.failed_in_store} run(s) failed; see their error in "
              f"`alignsim runs {summary.folder}`", file=sys.stderr)
    return summary.exit_code


def replication_note(folder: Path, spec: object, precision: float | None) -> str:
    """After a factorial sweep: the replicates its key contrasts (each arm against the first)
    need for the precision, from the stored runs, and a warning when there are too few."""
    from experiments import analysis
    from experiments.report.style import KEY_METRICS, metric_kind, metric_label, precision_words
    from experiments.spec import SAMPLED
    from experiments.store import load

    if getattr(spec, "design", "") in SAMPLED:
        return ""
    runs, _ = load(folder, weekly=False)
    done = analysis.finished(runs)
    if done["arm"].nunique() < 2 or done["replicate"].nunique() < 2:
        return ""
    share = analysis.PRECISION if precision is None else precision
    metrics = [m for m in KEY_METRICS if m in done.columns]
    paired = analysis.paired_differences(done, metrics, n_boot=500)
    guidance = analysis.replication(paired, share, is_rate=lambda m: metric_kind(m) == "pct")
    need = analysis.needed_by_metric(guidance).dropna(subset=["needed"])
    n = int(guidance["n_pairs"].min())
    text = (f"replicates the contrasts with the first arm need for 95% intervals within "
            f"{precision_words(share)}: "
            + ", ".join(f"{metric_label(r.metric)} {int(r.needed)}" for r in need.itertuples())
            + f"; this sweep has {n}.")
    short = int((~guidance["enough"]).sum())
    if short:
        most = int(need["needed"].max()) if len(need) else analysis.MIN_REPLICATES
        text += (f" WARNING: too few replicates for {short} of {len(guidance)} contrasts: their "
                 f"verdicts are provisional (replicates = {most} would do; `alignsim report "
                 f"{folder}` has the table).")
    import textwrap

    return "\n".join(textwrap.wrap(text, width=100))
