"""`alignsim report`: figures and tables from a results folder, as one folder to send."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "report", help="a report (HTML, Markdown, figures, tables) from a results folder",
        description="Analyse a results folder (from `alignsim sweep`) and write a self-contained "
                    "report folder: index.html, report.md, figures as PNG (and SVG with --svg), "
                    "tables as CSV. A partial store still reports and says how many runs are "
                    "missing.")
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
    parser.add_argument("--params", type=Path, default=None, metavar="FILE",
                        help="the firm (params file) the report is for: refused if the folder's "
                             "runs were made on another firm")
    parser.add_argument("--svg", action="store_true",
                        help="also write every figure as SVG, its text as text (to edit a title "
                             "in a slide tool); takes about twice as long")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from experiments.analysis import PRECISION
    from experiments.report import build_report

    if args.params is not None:
        check_firm(args.store, args.params)

    report = build_report(args.store, args.out, metrics=args.metrics, baseline=args.baseline,
                          network_week=args.network_week,
                          formats=("png", "svg") if args.svg else ("png",),
                          progress=not args.quiet and sys.stderr.isatty(),
                          precision=PRECISION if args.precision is None else args.precision)
    if not args.quiet:
        for note in report.notes:
            print(note, file=sys.stderr)
        print(f"report of {report.done} runs with {len(report.figures)} figure files: "
              f"{report.folder / 'index.html'}")
    return 0


def check_firm(store: Path, params: Path) -> None:
    """A report goes to the client whose firm it names: the folder's runs must have been made on
    the firm of `params` (figures come from stored runs only, so nothing is rerun)."""
    from experiments.errors import UsageError
    from experiments.paramfile import load_params
    from experiments.spec import parse_spec

    firm = load_params(params)
    spec_path = store / "spec.toml"
    if not spec_path.exists():
        raise UsageError(f"{store}: not a results folder (no spec.toml)")
    spec = parse_spec(spec_path.read_text(encoding="utf-8"), source=str(spec_path))
    if spec.base != firm:
        made_on = "another firm" if spec.firm else "the model's default firm"
        changed = [k for k, v in _flat(firm.to_dict()).items()
                   if _flat(spec.base.to_dict()).get(k) != v]
        raise UsageError(f"--params {params}: the runs in {store} were made on {made_on}, "
                         f"which differs in {', '.join(changed[:5])}"
                         + (f" and {len(changed) - 5} more" if len(changed) > 5 else ""))


def _flat(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[prefix + key] = value
    return out
