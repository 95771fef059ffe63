"""`alignsim run`: one simulation of a preset, a summary table, the weekly table and a chart; or
any stored run of a results folder run again alone (``--from DIR RUN_ID``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from experiments.cli.compare import (
    DEFAULT_SEED,
    add_run_options,
    execute,
    firm_tag,
    show_and_write,
)
from experiments.errors import UsageError
from experiments.paramfile import CURRENT, preset_names
from experiments.report.run_outputs import check_destination


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "run", help="run one simulation and write its weekly table and chart",
        description="Run one simulation of a preset; print a summary, write the weekly table, "
                    "a summary with provenance and a chart of key metrics. With --from DIR "
                    "RUN_ID, run a stored run of a results folder again from its parameters "
                    "and seed, say whether it matches the stored numbers bit for bit (exit "
                    "code 1 if not) and whether the installed version differs from the one "
                    "that made it.")
    parser.add_argument("--preset", default=None, metavar="P",
                        help=f"one of: {', '.join(preset_names())} (default: undefined, or "
                             "current with --params: the params file's own governance)")
    parser.add_argument("--from", dest="source", nargs=2, default=None,
                        metavar=("DIR", "RUN_ID"),
                        help="run again the run RUN_ID (e.g. a00003-r0001) of the results "
                             "folder DIR")
    add_run_options(parser, default_replicates=1)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    if args.source is not None:
        return rerun_stored(args)
    preset = args.preset if args.preset is not None else (CURRENT if args.params
                                                          else "undefined")
    seed = DEFAULT_SEED if args.seed is None else args.seed
    out = args.out or Path("results") / f"run-{firm_tag(args)}{preset}-seed{seed}"
    return execute([preset], args, out, seed_itself=True)


def rerun_stored(args: argparse.Namespace) -> int:
    from experiments.single import Comparison, rerun

    folder, run_id = Path(args.source[0]), args.source[1]
    given = [flag for flag, value in (("--preset", args.preset), ("--set", args.sets),
                                      ("--seed", args.seed), ("--weeks", args.weeks),
                                      ("--replicates", args.replicates),
                                      ("--params", args.params)) if value]
    if given:
        raise UsageError(f"--from {folder} {run_id}: takes the run's own parameters and seed; "
                         f"drop {', '.join(given)}")
    out = args.out or Path("results") / f"rerun-{folder.name}-{run_id}"
    check_destination(out)
    again = rerun(folder, run_id)
    print(f"Ran {run_id} of {folder} again (arm {again.arm}, seed {again.result.seed}).")
    if again.weekly_matches is None and again.summary_matches is None:
        print("The folder holds no finished record of this run to compare with.")
    elif again.matches:
        kept = "weekly table and summary" if again.weekly_matches else "summary"
        print(f"It matches the stored {kept} bit for bit.")
    else:
        print(f"It DIFFERS from the stored run ({_what_differs(again)}).", file=sys.stderr)
    changed = again.code_differences()
    if changed:
        stream = sys.stdout if again.matches else sys.stderr
        print("The installed version differs from the one that made the run: "
              + "; ".join(changed) + ".", file=stream)
    print()
    params = {run_id: again.params}
    source = f"alignsim run --from {folder} {run_id}; seed {again.result.seed}"
    show_and_write(Comparison({run_id: [again.result]}, [again.result.seed]), params, args, out,
                   source, extra={"rerun_of": {"folder": str(folder), "run_id": run_id,
                                               "arm": again.arm,
                                               "matches_store": again.matches,
                                               "made_by": again.made_by}})
    return 0 if again.matches else 1


def _what_differs(again: object) -> str:
    parts = []
    if getattr(again, "weekly_matches", None) is False:
        parts.append("weekly table")
    if getattr(again, "summary_matches", None) is False:
        parts.append("summary")
    return " and ".join(parts)
