"""`alignsim report`: figures and tables from a results folder, as one folder to send."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "report", help="a report (HTML, Markdown, figures, tables) from a results folder",
        description="Analyse a results folder (from `alignsim sweep`) and write a self-contained "
                    "report folder: index.html, report.md, figures as PNG and SVG, tables as "
                    "CSV. A partial store still reports and says how many runs are missing.")
    parser.add_argument("store", type=Path, metavar="DIR", help="results folder of an experiment")
    parser.add_argument("--out", type=Path, default=None, metavar="REPORTDIR",
                        help="report folder (default: DIR/report; a rerun replaces it)")
    parser.add_argument("--metrics", nargs="+", default=None, metavar="METRIC",
                        help="summary metrics to report (default: alignment index, revenue, "
                             "MQL acceptance, closure, win rate, marketing-sourced and "
                             "new-business shares)")
    parser.add_argument("--baseline", default=None, metavar="ARM",
                        help="arm the others are compared with (default: the first arm), by "
                             "any unambiguous name: finance_led, or with two factors "
                             "finance_led,shared_pool")
    parser.add_argument("--network-week", type=int, default=None, metavar="WEEK",
                        help="week of the people-network chart, one the sweep kept "
                             "(output.network_weeks; default: the last one kept)")
    parser.add_argument("--precision", type=float, default=None, metavar="SHARE",
                        help="target half-width of a paired 95%% interval as a share of the "
                             "baseline's value, for the replicates each contrast needs "
                             "(default 0.02: +-2%%)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from experiments.analysis import PRECISION
    from experiments.report import build_report

    report = build_report(args.store, args.out, metrics=args.metrics, baseline=args.baseline,
                          network_week=args.network_week,
                          progress=not args.quiet and sys.stderr.isatty(),
                          precision=PRECISION if args.precision is None else args.precision)
    if not args.quiet:
        for note in report.notes:
            print(note, file=sys.stderr)
        print(f"report of {report.done} runs with {len(report.figures)} figure files: "
              f"{report.folder / 'index.html'}")
    return 0
