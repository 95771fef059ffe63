"""`alignsim calibrate FIRM.toml`: fit a firm's assumption parameters to its observed rates."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from experiments.cli.engine_options import add_engine_options, check_engine_options
from experiments.errors import SweepAborted


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "calibrate", help="fit the model to a firm's own funnel (a firm file)",
        description="Fit the behavioural and market assumptions of a firm file (never a "
                    "governance lever) so that the firm's governance reproduces its observed "
                    "rates; write params.toml (the fitted firm, for --params), a table of "
                    "targets against fitted rates, which parameters the targets pin down, and a "
                    "convergence chart. Resumable: the same command again continues, a larger "
                    "--budget goes on from the earlier candidates. See docs/calibration.md.")
    parser.add_argument("firm", type=Path, metavar="FIRM.toml", help="firm file")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="calibration folder (default: results/calibrate-<firm name>)")
    parser.add_argument("--budget", type=int, default=None, metavar="N",
                        help="candidates to evaluate (default: the firm file's, else 240)")
    parser.add_argument("--seeds", type=int, default=None, metavar="K",
                        help="seeds per candidate, common to all (default: the firm file's, "
                             "else 5)")
    parser.add_argument("--seed", type=int, default=None,
                        help="base seed of the runs and the sampler (default 1)")
    parser.add_argument("--batch", type=int, default=None, metavar="B",
                        help="candidates proposed together (default 8; results do not depend "
                             "on --workers)")
    parser.add_argument("--check-seeds", type=int, default=None, metavar="S",
                        help="fresh seeds the best candidates are checked on (default 20)")
    parser.add_argument("--check-top", type=int, default=None, metavar="T",
                        help="how many of the best candidates are checked (default 5)")
    add_engine_options(parser)
    parser.add_argument("--fresh", action="store_true",
                        help="start over: an earlier calibration in DIR is moved aside")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from experiments.calibration import calibrate, load_firm
    from experiments.report.calibration import write_calibration

    check_engine_options(args)
    firm = load_firm(args.firm)
    try:
        folder = calibrate(firm, args.out, budget=args.budget, seeds=args.seeds, seed=args.seed,
                           batch=args.batch, check_seeds=args.check_seeds,
                           check_top=args.check_top, workers=args.workers,
                           scheduler=args.scheduler, fresh=args.fresh, quiet=args.quiet)
    except SweepAborted as err:
        print(f"alignsim calibrate: {err}", file=sys.stderr)
        return 1
    result = write_calibration(folder)
    candidates = result.calibration.candidates
    broken = candidates[candidates["runs_done"] < candidates["runs_planned"]]
    if len(broken):
        print(f"alignsim calibrate: {len(broken)} candidate(s) left out: some of their runs "
              f"failed; see `alignsim runs` on the folders in {folder / 'evaluations'}",
              file=sys.stderr)
    if not args.quiet:
        print(fit_text(result.fit))
        print(f"\n{result.verdict}.")
        free = result.parameters.loc[result.parameters["verdict"] == "free", "parameter"]
        if len(free):
            print(f"Left free by these targets: {', '.join(free)}.")
        print(f"\nfitted firm: {result.params_file}\nreport: "
              f"{result.report / 'calibration.md'}")
    return 0


def fit_text(fit: object) -> str:
    """The targets against the fitted rates as a plain-text table."""
    from experiments.report.style import format_value, metric_label

    rows = [["target", "weeks", "firm (interval)", "fitted (95% CI)", "z", "verdict"]]
    for r in fit.itertuples():  # type: ignore[attr-defined]
        def v(x: float, m: str = r.metric) -> str:
            return format_value(m, x)
        rows.append([metric_label(r.metric), str(r.weeks),
                     f"{v(r.target)} ({v(r.target_lo)} - {v(r.target_hi)})",
                     f"{v(r.fitted)} ({v(r.fitted_lo)} - {v(r.fitted_hi)})", f"{r.z:+.1f}",
                     r.verdict])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)
