"""`alignsim runs DIR`: what a results folder holds (done, failed, remaining, sessions), which of
its files are damaged, and `--repair` to move damaged chunks aside."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "runs", help="status of a results folder: runs done, failed and remaining",
        description="Print what a results folder written by `alignsim sweep` holds. Exit code "
                    "2 if a file of it is damaged (the message says what to do).")
    parser.add_argument("folder", type=Path, help="results folder of an experiment")
    parser.add_argument("--errors", type=int, default=5, metavar="N",
                        help="show the errors of up to N failed runs (default 5)")
    parser.add_argument("--repair", action="store_true",
                        help="move damaged chunks (and a damaged manifest) aside into "
                             "DIR/damaged/, so the rest reads again; the next sweep runs their "
                             "runs again")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from experiments.store import FAILED, load, repair, status

    if args.repair:
        done = repair(args.folder)
        if done.moved_to is None:
            print(f"{args.folder}: nothing damaged"
                  + (f"; removed {done.removed} leftover file(s) of an interrupted write"
                     if done.removed else ""))
        else:
            print(f"{args.folder}: moved {len(done.damage)} damaged file(s) and their chunks to "
                  f"{done.moved_to}:")
            for item in done.damage:
                print(f"  {item.path.relative_to(args.folder)}: {item.problem}")
            print(f"  the next `alignsim sweep <the experiment file> --out {args.folder}` runs "
                  "their runs again")
    st = status(args.folder, list_damage=True)
    print(f"experiment {st.name} in {st.folder}")
    print(f"  runs planned {st.planned}, done {st.done}, failed {st.failed}, "
          f"remaining {st.remaining}")
    print(f"  chunks committed {st.chunks}" + (
        f"; {st.leftovers} uncommitted file(s) from an interrupted sweep (removed on resume)"
        if st.leftovers else ""))
    for i, session in enumerate(st.sessions, 1):
        ended = session.get("ended") or "did not finish (killed or still running)"
        counts = ", ".join(f"{k} {session[k]}" for k in ("done", "failed", "skipped")
                           if k in session)
        print(f"  session {i}: {session.get('engine', '?')}, started {session.get('started')}, "
              f"ended {ended}" + (f": {counts}" if counts else ""))
    if st.damage:
        print(f"  damaged files ({len(st.damage)}):")
        for item in st.damage:
            print(f"    {item.path}: {item.problem}")
        raise st.damage[0].error(more=len(st.damage) - 1)
    if st.failed and args.errors > 0:
        runs, _ = load(args.folder)
        failed = runs[runs["status"] == FAILED].head(args.errors)
        print(f"  first failed runs ({len(failed)} of {st.failed}):")
        for run_id, arm, error in zip(failed["run_id"], failed["arm"], failed["error"],
                                      strict=True):
            last_line = error.splitlines()[-1] if error else ""
            print(f"    {run_id} [{arm}]: {last_line}")
    if st.remaining:
        print("  resume with: alignsim sweep <the experiment file> --out " + str(st.folder))
    return 0
