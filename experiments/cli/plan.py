"""`alignsim plan FILE` (also `alignsim sweep FILE --check`): the pre-run check of an experiment
file. It validates the file, then prints what the sweep would do (runs, arms, replicates, run
length and burn-in), the time it would take on the chosen workers and the disk its store would
need, both from a short timed pilot of the experiment's own first runs, and the replicates the
chosen precision needs, from the pilot's paired differences. It writes nothing; a bad file is
one line and exit code 2.
"""

from __future__ import annotations

import argparse
import math
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from experiments.errors import UsageError

if TYPE_CHECKING:
    from experiments.spec import ExperimentSpec

WIDTH = 100


def add_plan_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--precision", type=float, default=None, metavar="SHARE",
                        help="target half-width of a paired 95%% interval: a share of the "
                             "baseline's value, points for rates (default 0.02)")
    parser.add_argument("--pilot", type=int, default=3, metavar="R",
                        help="replicates of the first and last arm to run as the timed pilot "
                             "(default 3; 0 times one run and skips the precision)")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "plan", help="check an experiment file before running it: runs, time, disk, replicates",
        description="Validate an experiment file and print what `alignsim sweep` would do: the "
                    "runs, arms and replicates, an estimate of the time on the chosen workers "
                    "and of the disk for the results folder (from a short timed pilot of the "
                    "experiment's first runs), and the replicates the chosen precision needs. "
                    "Writes nothing. Exit code 0, or 2 for a bad file or option. The same as "
                    "`alignsim sweep FILE --check`.")
    parser.add_argument("file", type=Path, help="experiment file (TOML); see docs/experiments.md")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="results folder the sweep would write (default: results/<name>)")
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="local worker processes the sweep would use (default: the usable "
                             "cores)")
    parser.add_argument("--params", type=Path, default=None, metavar="FILE",
                        help="plan the sweep on the firm of this params file instead of the "
                             "experiment file's `params`")
    add_plan_options(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from experiments.spec import load_spec

    if args.workers is not None and args.workers < 0:
        raise UsageError(f"--workers {args.workers}: allowed: 0 (this process) or more")
    if args.pilot < 0:
        raise UsageError(f"--pilot {args.pilot}: allowed: 0 or more replicates")
    precision = 0.02 if args.precision is None else args.precision
    if not 0 < precision < 1:
        raise UsageError(f"--precision {precision}: a share between 0 and 1, e.g. 0.02")
    spec = load_spec(args.file, params=getattr(args, "params", None))
    print(plan_text(spec, args.out, args.workers, precision, args.pilot,
                    getattr(args, "scheduler", None)))
    return 0


def plan_text(spec: ExperimentSpec, out: Path | None, workers: int | None, precision: float,
              pilot_replicates: int, scheduler: str | None = None) -> str:
    """The pre-run check of a validated experiment, as text."""
    from experiments import analysis
    from experiments.design import arms, n_runs
    from experiments.engines import usable_cores
    from experiments.pilot import pilot, store_bytes, sweep_seconds
    from experiments.report.style import (
        KEY_METRICS,
        factor_name,
        metric_kind,
        metric_label,
        precision_words,
        short_arm,
    )
    from experiments.spec import SAMPLED

    folder = out or Path("results") / spec.name
    design = arms(spec)
    total = n_runs(spec)
    stored = _stored(folder, spec)
    base = spec.base_params()
    lines = [f"experiment {spec.name} ({spec.source}): the file is valid (this check writes "
             "nothing)"]

    def row(key: str, text: str) -> None:
        wrapped = textwrap.wrap(text, width=WIDTH - 15) or [""]
        lines.append(f"  {key:<12} {wrapped[0]}")
        lines.extend(f"  {'':<12} {more}" for more in wrapped[1:])

    factors = " x ".join(
        f"{factor_name(f.name)} ({', '.join(short_arm(f'preset={v}') for v in f.levels)})"
        if f.levels else f"{factor_name(f.name)} ({f.lo:g} to {f.hi:g})" for f in spec.factors)
    row("design", f"{spec.design}" + (f": {factors}" if factors else ", no factors"))
    row("arms", f"{len(design)}")
    row("replicates", f"{spec.replicates} per arm, on the same seeds in every arm")
    left = total - stored
    row("runs", f"{total}" + (f"; {stored} already in {folder}, {left} to run" if stored
                              else f", into {folder}"))
    burn = base.burn_in_weeks
    share = burn / spec.weeks
    row("run length", f"{spec.weeks} weeks; the first {burn} are burn-in and left out of every "
                      f"summary ({share:.0%} of each run)"
        + (". Over a third of each run is burn-in: set burn_in_weeks in [overrides] or run "
           "longer" if share > 1 / 3 else ""))

    trial = pilot(spec, pilot_replicates)
    n_workers = usable_cores() if workers is None else workers
    where = (f"the Dask cluster at {scheduler}: {trial.seconds_per_run:.2f} s per run of "
             "worker time" if scheduler else
             f"{n_workers} local worker{'s' * (n_workers != 1)}" if n_workers else
             "this process")
    seconds = sweep_seconds(left, trial.seconds_per_run, n_workers)
    row("time", ("nothing left to run " if not left else
                 f"about {_duration(seconds)} on {where} " if not scheduler else
                 f"on {where} ")
        + f"({trial.seconds_per_run:.2f} s per run, timed on {trial.count} pilot "
          f"run{'s' * (trial.count != 1)})")
    disk = store_bytes(trial, total, sweep_seconds(total, trial.seconds_per_run, n_workers))
    row("disk", f"about {_size(disk)} for {folder} ({_size(trial.bytes_per_run)} per run)")
    if spec.design in SAMPLED or len(design) < 2:
        row("precision", "no paired contrasts to plan for: the design "
                         + ("is sampled" if spec.design in SAMPLED else "has one arm"))
        return "\n".join(lines)
    if trial.replicates < 2:
        row("precision", "not estimated (--pilot 0 or 1: a spread needs two pairs or more)")
        return "\n".join(lines)
    metrics = [m for m in KEY_METRICS if m in trial.runs.columns]
    first, last = trial.arms
    paired = analysis.paired_differences(trial.runs, metrics, first)
    guidance = analysis.replication(paired, precision, is_rate=lambda m: metric_kind(m) == "pct")
    need = analysis.needed_by_metric(guidance)
    known = need.dropna(subset=["needed"])
    parts = [f"{metric_label(r.metric)} {int(r.needed)}" for r in known.itertuples()]
    row("precision", f"replicates for 95% intervals within {precision_words(precision)}, "
                     f"estimated from the {trial.replicates} pilot pairs "
                     f"{short_arm(last)} vs {short_arm(first)} (a rough first estimate; "
                     "`alignsim report` recomputes it from the sweep): " + ", ".join(parts))
    most = int(known["needed"].max()) if len(known) else analysis.MIN_REPLICATES
    if spec.replicates < most:
        more = sweep_seconds(len(design) * most - stored, trial.seconds_per_run, n_workers)
        row("warning", f"too few replicates: {spec.replicates} per arm, the pilot suggests "
                       f"{most} (replicates = {most} in the file: {len(design) * most} runs, "
                       f"about {_duration(more)}); with fewer, verdicts are provisional")
    else:
        row("replicates", f"{spec.replicates} per arm reach the precision by this estimate")
    return "\n".join(lines)


def _stored(folder: Path, spec: ExperimentSpec) -> int:
    """Runs of this same experiment already in `folder` (0 if it holds none)."""
    from experiments.store import status, stored_spec

    if not (folder / "spec.toml").exists():
        return 0
    old = stored_spec(folder)
    if old.fingerprint() != spec.fingerprint():
        raise UsageError(f"--out {folder}: holds results of a different experiment "
                         f"({old.name!r}); choose another --out")
    return status(folder).done


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{math.ceil(seconds)} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _size(n: float) -> str:
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n:.0f} B"
