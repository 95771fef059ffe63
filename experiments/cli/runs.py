"""`alignsim runs DIR`: what a results folder holds (done, failed, remaining, sessions)."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "runs", help="status of a results folder: runs done, failed and remaining",
        description="Print what a results folder written by `alignsim sweep` holds.")
    parser.add_argument("folder", type=Path, help="results folder of an experiment")
    parser.add_argument("--errors", type=int, default=5, metavar="N",
                        help="show the errors of up to N failed runs (default 5)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from experiments.store import FAILED, load, status

    st = status(args.folder)
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
